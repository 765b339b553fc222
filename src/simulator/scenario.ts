/* eslint-disable @stylistic/max-len */
import { Datum, mergeDatum, toDatum } from './datum';
import { metricValueOf } from './log-filter';
import { compilePattern, NamePattern, ResourceIndex } from './refs';
import { MetricFilterModel, MetricQuery } from './template-model';

/**
 * A scenario, as JSON (README: "Scenario format").
 *
 * ```json
 * {
 *   "name": "consumer erroring",
 *   "start": "2024-01-01T00:00:00Z",
 *   "minutes": 180,
 *   "onsetMinute": 120,
 *   "series": [
 *     { "namespace": "AWS/Lambda", "metricName": "Errors", "dimensions": { "FunctionName": "${Worker}" },
 *       "startMinute": 0, "data": [0, 0, 3, null, { "sum": 4, "sampleCount": 4 }] }
 *   ],
 *   "logs": [{ "logGroup": "${Worker/LogGroup}", "events": [{ "minute": 3, "count": 2, "message": { "type": "platform.report" } }] }],
 *   "serviceQuotas": [{ "namespace": "AWS/Lambda", "metricName": "ConcurrentExecutions", "value": 1000 }]
 * }
 * ```
 */
export interface ScenarioJson {
  readonly name?: string;
  readonly description?: string;
  readonly start?: string;
  readonly minutes: number;
  readonly onsetMinute?: number;
  readonly earlyWarningFromMinute?: number;
  /**
   * The resources the incident affects (`${...}` names, literal dimension values, or ACCOUNT for
   * account-level metrics): only alarms on their metrics count as detecting it.
   */
  readonly affectedResources?: ReadonlyArray<string>;
  readonly series?: ReadonlyArray<SeriesJson>;
  readonly logs?: ReadonlyArray<LogsJson>;
  readonly serviceQuotas?: ReadonlyArray<{ namespace: string; metricName: string; dimensions?: { [name: string]: string }; value: number }>;
}

export interface SeriesJson {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions?: { readonly [name: string]: string };
  readonly startMinute?: number;
  readonly data: ReadonlyArray<unknown>;
}

export interface LogsJson {
  readonly logGroup: string;
  readonly events: ReadonlyArray<{ readonly minute: number; readonly count?: number; readonly message: unknown }>;
}

export const DEFAULT_START = '2024-01-01T00:00:00Z';

interface CompiledSeries {
  readonly label: string;
  readonly namespace: string;
  readonly metricName: NamePattern;
  readonly dimensions: ReadonlyArray<{ name: string; value: NamePattern }>;
  readonly data: ReadonlyArray<Datum | undefined>;
  used: boolean;
}

/** A scenario compiled against one template. */
export class CompiledScenario {
  public readonly name: string;
  public readonly minutes: number;
  /** Epoch minute of minute 0. */
  public readonly startEpochMinute: number;
  public readonly start: string;
  public readonly onsetMinute?: number;
  public readonly earlyWarningFromMinute?: number;
  public readonly warnings: string[] = [];
  /** Logical ids and literal values of the affected resources, when the scenario names them. */
  public readonly affected?: Set<string>;
  private readonly series: CompiledSeries[] = [];
  private readonly quotas: Array<{ namespace: string; metricName: NamePattern; dims: Array<{ name: string; value: NamePattern }>; value: number }> = [];
  private readonly cache = new Map<string, ReadonlyArray<Datum | undefined>>();

  constructor(raw: unknown, index: ResourceIndex, filters: ReadonlyArray<MetricFilterModel>) {
    if (!raw || typeof raw !== 'object') throw new Error('a scenario must be a JSON object');
    const s = raw as ScenarioJson;
    this.name = s.name ?? 'scenario';
    const where = `scenario '${this.name}'`;
    if (!Number.isInteger(s.minutes) || s.minutes < 1) throw new Error(`${where}: minutes must be a whole number above 0`);
    this.minutes = s.minutes;
    this.start = s.start ?? DEFAULT_START;
    const startMs = Date.parse(this.start);
    if (Number.isNaN(startMs) || startMs % 60_000 !== 0) throw new Error(`${where}: start must be an ISO timestamp on a whole minute`);
    this.startEpochMinute = startMs / 60_000;
    for (const key of ['onsetMinute', 'earlyWarningFromMinute'] as const) {
      const v = s[key];
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > s.minutes)) throw new Error(`${where}: ${key} must be a whole minute within the scenario`);
    }
    this.onsetMinute = s.onsetMinute;
    if (s.affectedResources) {
      this.affected = new Set(s.affectedResources.map(r => {
        const m = /^\$\{([^}]+)\}$/.exec(r);
        if (!m) return r;
        const id = index.resolve(m[1]);
        if (!id) throw new Error(`${where}: affectedResources names ${r}, which is no resource of the template`);
        return id;
      }));
    }
    this.earlyWarningFromMinute = s.earlyWarningFromMinute;
    (s.series ?? []).forEach((series, i) => this.addSeries(series, index, `${where} series[${i}]`));
    this.addLogs(s.logs ?? [], index, filters, where);
    for (const [i, q] of (s.serviceQuotas ?? []).entries()) {
      if (typeof q.value !== 'number') throw new Error(`${where} serviceQuotas[${i}]: value must be a number`);
      this.quotas.push({
        namespace: q.namespace,
        metricName: compilePattern(q.metricName, index, `${where} serviceQuotas[${i}]`),
        dims: Object.entries(q.dimensions ?? {}).map(([name, v]) => ({ name, value: compilePattern(v, index, `${where} serviceQuotas[${i}]`) })),
        value: q.value,
      });
    }
  }

  /** The data published to the metric a query reads, per scenario minute (merged over sources). */
  public dataFor(q: MetricQuery): ReadonlyArray<Datum | undefined> {
    const key = JSON.stringify([q.namespace, q.metricName, q.dimensions]);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const matching = this.series.filter(s => matches(s.namespace, s.metricName, s.dimensions, q));
    let data: ReadonlyArray<Datum | undefined>;
    if (matching.length === 1) {
      data = matching[0].data;
    } else {
      const merged: Array<Datum | undefined> = new Array(this.minutes).fill(undefined);
      for (const s of matching) s.data.forEach((d, i) => { if (d) merged[i] = mergeDatum(merged[i], d); });
      data = merged;
    }
    matching.forEach(s => { s.used = true; });
    this.cache.set(key, data);
    return data;
  }

  public serviceQuota(q: MetricQuery): number | undefined {
    return this.quotas.find(s => matches(s.namespace, s.metricName, s.dims, q))?.value;
  }

  /** Scenario series no alarm read (a typo in a name, or a metric no alarm watches). */
  public unusedSeries(): string[] {
    return this.series.filter(s => !s.used).map(s => s.label);
  }

  private addSeries(s: SeriesJson, index: ResourceIndex, where: string): void {
    if (typeof s.namespace !== 'string' || typeof s.metricName !== 'string' || !Array.isArray(s.data)) {
      throw new Error(`${where}: namespace, metricName and data are required`);
    }
    const offset = s.startMinute ?? 0;
    if (!Number.isInteger(offset) || offset < 0) throw new Error(`${where}: startMinute must be a whole number >= 0`);
    const data: Array<Datum | undefined> = new Array(this.minutes).fill(undefined);
    s.data.forEach((raw, i) => {
      const minute = offset + i;
      if (minute >= this.minutes) return;
      data[minute] = toDatum(raw, `${where} minute ${minute}`);
    });
    const dims = Object.entries(s.dimensions ?? {});
    this.series.push({
      label: `${s.namespace} ${s.metricName}${dims.length ? ` {${dims.map(([k, v]) => `${k}=${v}`).join(', ')}}` : ''}`,
      namespace: s.namespace,
      metricName: compilePattern(s.metricName, index, where),
      dimensions: dims.map(([name, v]) => ({ name, value: compilePattern(String(v), index, `${where} dimension ${name}`) })),
      data,
      used: false,
    });
  }

  /** Applies the template's metric filters to the scenario's log events (CloudWatch Logs' part). */
  private addLogs(logs: ReadonlyArray<LogsJson>, index: ResourceIndex, filters: ReadonlyArray<MetricFilterModel>, where: string): void {
    const perFilter = new Map<MetricFilterModel, Array<Datum | undefined>[]>();
    logs.forEach((group, i) => {
      const pattern = compilePattern(group.logGroup, index, `${where} logs[${i}]`);
      const applicable = filters.filter(f => f.logGroup && pattern.test(f.logGroup));
      if (applicable.length === 0) this.warnings.push(`logs[${i}] (${group.logGroup}): no metric filter of the template reads this log group`);
      for (const f of applicable) {
        if (f.unevaluable || !f.matcher) {
          this.warnings.push(`metric filter ${f.logicalId} cannot be applied: ${f.unevaluable}`);
          continue;
        }
        const outputs = perFilter.get(f) ?? f.transformations.map(() => new Array(this.minutes).fill(undefined));
        perFilter.set(f, outputs);
        for (const e of group.events) {
          if (!Number.isInteger(e.minute) || e.minute < 0 || e.minute >= this.minutes) continue;
          const count = e.count ?? 1;
          const matched = f.matcher(e.message);
          f.transformations.forEach((t, ti) => {
            const v = matched ? metricValueOf(t.value, e.message) : t.defaultValue;
            if (v === undefined) return;
            const datum: Datum = { sampleCount: count, sum: v * count, min: v, max: v, values: [v], counts: [count] };
            outputs[ti][e.minute] = mergeDatum(outputs[ti][e.minute], datum);
          });
        }
      }
    });
    for (const [f, outputs] of perFilter) {
      f.transformations.forEach((t, ti) => {
        this.series.push({
          label: `${t.namespace} ${t.metricName} (metric filter ${f.logicalId})`,
          namespace: t.namespace,
          metricName: { source: t.metricName, test: v => v === t.metricName },
          dimensions: [],
          data: outputs[ti],
          used: false,
        });
      });
    }
  }
}

function matches(namespace: string, metricName: NamePattern, dims: ReadonlyArray<{ name: string; value: NamePattern }>, q: MetricQuery): boolean {
  if (namespace !== q.namespace || !metricName.test(q.metricName) || dims.length !== q.dimensions.length) return false;
  return q.dimensions.every(d => dims.some(s => s.name === d.name && s.value.test(d.value)));
}
