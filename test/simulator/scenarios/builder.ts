/* eslint-disable no-bitwise, @stylistic/max-len */
import { DEFAULT_START, LogsJson, ScenarioJson, SeriesJson } from '../../../src/simulator/scenario';

/** A small seeded PRNG (mulberry32): the same seed gives the same scenario on every machine. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  public next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  public normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Poisson-distributed count with mean `mean` (normal approximation above 30). */
  public poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) { k++; p *= this.next(); }
    return k;
  }

  /** Binomial count of `n` trials with probability `p` (Poisson approximation for small p). */
  public binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (n * p < 30 && p < 0.1) return Math.min(n, this.poisson(n * p));
    return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * this.normal())));
  }

  public chance(p: number): boolean {
    return this.next() < p;
  }
}

type Dims = { readonly [name: string]: string };

/** Collects per-minute metric data and log events into a scenario. */
export class ScenarioBuilder {
  private readonly series = new Map<string, { namespace: string; metricName: string; dimensions: Dims; data: unknown[] }>();
  private readonly logs = new Map<string, Map<number, Array<{ minute: number; count: number; message: unknown }>>>();
  private readonly quotas: Array<{ namespace: string; metricName: string; value: number }> = [];

  constructor(private readonly name: string, public readonly minutes: number, public props: {
    description?: string;
    start?: string;
    onsetMinute?: number;
    earlyWarningFromMinute?: number;
    affectedResources?: string[];
  } = {}) {}

  /** Sets one minute of a metric (replacing what was there). */
  public set(namespace: string, metricName: string, dimensions: Dims, minute: number, value: unknown): void {
    if (minute < 0 || minute >= this.minutes) return;
    const key = JSON.stringify([namespace, metricName, dimensions]);
    let s = this.series.get(key);
    if (!s) {
      s = { namespace, metricName, dimensions, data: new Array(this.minutes).fill(null) };
      this.series.set(key, s);
    }
    s.data[minute] = value ?? null;
  }

  /** Replaces one minute's log events of a log group. */
  public setLogs(logGroup: string, minute: number, events: Array<{ count: number; message: unknown }>): void {
    if (minute < 0 || minute >= this.minutes) return;
    let group = this.logs.get(logGroup);
    if (!group) { group = new Map(); this.logs.set(logGroup, group); }
    group.set(minute, events.filter(e => e.count > 0).map(e => ({ minute, ...e })));
  }

  public quota(namespace: string, metricName: string, value: number): void {
    this.quotas.push({ namespace, metricName, value });
  }

  public build(): ScenarioJson {
    const series: SeriesJson[] = [...this.series.values()].map(s => {
      // trailing minutes without data are left out
      let end = s.data.length;
      while (end > 0 && s.data[end - 1] === null) end--;
      return { namespace: s.namespace, metricName: s.metricName, dimensions: s.dimensions, data: s.data.slice(0, end) };
    });
    const logs: LogsJson[] = [...this.logs.entries()].map(([logGroup, byMinute]) => ({
      logGroup,
      events: [...byMinute.keys()].sort((a, b) => a - b).flatMap(m => byMinute.get(m)!),
    }));
    return {
      name: this.name,
      description: this.props.description,
      start: this.props.start ?? DEFAULT_START,
      minutes: this.minutes,
      onsetMinute: this.props.onsetMinute,
      earlyWarningFromMinute: this.props.earlyWarningFromMinute,
      affectedResources: this.props.affectedResources,
      series,
      logs,
      serviceQuotas: this.quotas,
    };
  }
}

/** Quantile of a log-normal distribution with the given median and sigma. */
export function logNormalQuantile(median: number, sigma: number, q: number): number {
  return median * Math.exp(sigma * inverseNormal(q));
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function inverseNormal(p: number): number {
  const a = [-39.6968302866538, 220.946098424521, -275.928510446969, 138.357751867269, -30.6647980661472, 2.50662827745924];
  const b = [-54.4760987982241, 161.585836858041, -155.698979859887, 66.8013118877197, -13.2806815528857];
  const c = [-0.00778489400243029, -0.322396458041136, -2.40075827716184, -2.54973253934373, 4.37466414146497, 2.93816398269878];
  const d = [0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
