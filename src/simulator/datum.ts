/* eslint-disable @stylistic/max-len */
/**
 * One minute of one metric, as CloudWatch stores what was published to it: a statistic set
 * (sample count, sum, minimum, maximum), optionally the value/count pairs of a distribution
 * (PutMetricData's Values/Counts), or, for a scenario that only knows them, precomputed
 * percentiles.
 */
export interface Datum {
  sampleCount: number;
  sum: number;
  min: number;
  max: number;
  /** Distribution: values and how often each occurred (merged over sources). */
  values?: number[];
  counts?: number[];
  /** Precomputed percentiles ("p99" -> value); cannot be combined with other data. */
  percentiles?: { [stat: string]: number };
}

/** Raised where the simulator cannot evaluate something; it never guesses. */
export class Unevaluable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'Unevaluable';
  }
}

/** A scenario's per-minute entry, in any of the documented forms. */
export function toDatum(raw: unknown, where: string): Datum | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw new Error(`${where}: ${raw} is not a finite number`);
    return { sampleCount: 1, sum: raw, min: raw, max: raw };
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: expected a number, null or an object, got ${JSON.stringify(raw)}`);
  const o = raw as Record<string, unknown>;
  const num = (key: string): number | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${where}: ${key} must be a finite number`);
    return v;
  };
  if (o.values !== undefined || o.counts !== undefined) {
    const values = o.values as number[];
    const counts = (o.counts as number[] | undefined) ?? values.map(() => 1);
    if (!Array.isArray(values) || !Array.isArray(counts) || values.length !== counts.length) {
      throw new Error(`${where}: a distribution needs arrays values and counts of the same length`);
    }
    if (values.length === 0) return undefined;
    let samples = 0; let sum = 0; let min = Infinity; let max = -Infinity;
    values.forEach((v, i) => {
      const c = counts[i];
      if (typeof v !== 'number' || typeof c !== 'number' || !Number.isFinite(v) || !(c > 0)) {
        throw new Error(`${where}: distribution entries must be finite numbers with counts above 0`);
      }
      samples += c; sum += v * c; min = Math.min(min, v); max = Math.max(max, v);
    });
    return { sampleCount: samples, sum, min, max, values: [...values], counts: [...counts] };
  }
  if (o.percentiles !== undefined) {
    const percentiles: { [stat: string]: number } = {};
    for (const [k, v] of Object.entries(o.percentiles as object)) {
      if (!/^p\d+(\.\d+)?$/.test(k) || typeof v !== 'number') throw new Error(`${where}: percentiles must map pNN to numbers`);
      percentiles[k] = v;
    }
    return { sampleCount: num('sampleCount') ?? NaN, sum: num('sum') ?? NaN, min: num('min') ?? NaN, max: num('max') ?? NaN, percentiles };
  }
  const count = num('sampleCount');
  const sum = num('sum');
  if (count === undefined || sum === undefined) {
    throw new Error(`${where}: a statistic set needs sampleCount and sum (min and max default to sum / sampleCount)`);
  }
  if (count <= 0) return undefined;
  return { sampleCount: count, sum, min: num('min') ?? sum / count, max: num('max') ?? sum / count };
}

/** Adds b into a (both published to the same metric in the same minute). */
export function mergeDatum(a: Datum | undefined, b: Datum): Datum {
  if (!a) return { ...b, values: b.values && [...b.values], counts: b.counts && [...b.counts] };
  const merged: Datum = {
    sampleCount: a.sampleCount + b.sampleCount,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
  };
  if (a.values && b.values) {
    merged.values = [...a.values, ...b.values];
    merged.counts = [...a.counts!, ...b.counts!];
  }
  if (a.percentiles || b.percentiles) merged.percentiles = { __merged: NaN };
  return merged;
}

const PERCENTILE = /^p(\d+(?:\.\d+)?)$/;

/** The statistics the simulator knows. Extended statistics other than pNN are refused. */
export function checkStatistic(stat: string): void {
  if (['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'].includes(stat)) return;
  const m = PERCENTILE.exec(stat);
  if (m && Number(m[1]) >= 0 && Number(m[1]) <= 100) return;
  throw new Unevaluable(`statistic ${stat} is not supported (supported: Sum, Average, Minimum, Maximum, SampleCount, pNN)`);
}

export function percentileOf(stat: string): number | undefined {
  const m = PERCENTILE.exec(stat);
  return m ? Number(m[1]) : undefined;
}

/**
 * The statistic of one period from the minutes in it (undefined: no data in the period, or a
 * percentile of a period with a negative value, which CloudWatch does not compute).
 *
 * Percentiles: nearest rank over the value/count pairs of every minute in the period (the exact
 * percentile of the published values; CloudWatch bins values and so its percentiles can differ from
 * these by its bin width). Precomputed percentiles are used only for a period of exactly one minute
 * with one source; anything else is refused.
 */
export function aggregate(minutes: ReadonlyArray<Datum | undefined>, stat: string): number | undefined {
  const present = minutes.filter((d): d is Datum => d !== undefined);
  if (present.length === 0) return undefined;
  const p = percentileOf(stat);
  if (p !== undefined) {
    if (present.some(d => d.percentiles)) {
      const only = present.length === 1 && minutes.length === 1 ? present[0].percentiles : undefined;
      if (!only || only.__merged !== undefined) {
        throw new Unevaluable(`${stat} over ${minutes.length} minute(s) needs value/count distributions; the scenario gives precomputed percentiles, which cannot be combined across minutes or sources`);
      }
      const v = only[stat];
      if (v === undefined) throw new Unevaluable(`the scenario gives no ${stat} for this metric (it gives ${Object.keys(only).join(', ')})`);
      return v;
    }
    const pairs: Array<[number, number]> = [];
    for (const d of present) {
      if (!d.values) {
        if (d.sampleCount === 1 || d.min === d.max) pairs.push([d.min, d.sampleCount]);
        else throw new Unevaluable(`${stat} needs value/count distributions; the scenario gives only statistic sets for this metric`);
      } else {
        d.values.forEach((v, i) => pairs.push([v, d.counts![i]]));
      }
    }
    // CloudWatch computes no percentiles for a period with a negative value in it
    if (pairs.some(([v]) => v < 0)) return undefined;
    pairs.sort((a, b) => a[0] - b[0]);
    const total = pairs.reduce((s, [, c]) => s + c, 0);
    const rank = (p / 100) * total;
    let cumulative = 0;
    for (const [v, c] of pairs) {
      cumulative += c;
      if (cumulative >= rank - 1e-9) return v;
    }
    return pairs[pairs.length - 1][0];
  }
  switch (stat) {
    case 'Sum': return present.reduce((s, d) => s + d.sum, 0);
    case 'SampleCount': return present.reduce((s, d) => s + d.sampleCount, 0);
    case 'Minimum': return Math.min(...present.map(d => d.min));
    case 'Maximum': return Math.max(...present.map(d => d.max));
    case 'Average': {
      const n = present.reduce((s, d) => s + d.sampleCount, 0);
      return n > 0 ? present.reduce((s, d) => s + d.sum, 0) / n : undefined;
    }
    default: throw new Unevaluable(`statistic ${stat} is not supported`);
  }
}

/** Sample count of a period (for EvaluateLowSampleCountPercentile). */
export function sampleCount(minutes: ReadonlyArray<Datum | undefined>): number {
  return minutes.reduce((s, d) => s + (d && Number.isFinite(d.sampleCount) ? d.sampleCount : 0), 0);
}
