/* eslint-disable @stylistic/max-len */
import { aggregate, Datum, percentileOf, sampleCount, Unevaluable } from './datum';
import { evaluate, MathContext, Value } from './metric-math';
import { CompiledScenario } from './scenario';
import { CompositeAlarmModel, MetricAlarmModel, MissingMode, RuleNode, StateName, TemplateModel } from './template-model';

export interface EngineOptions {
  /**
   * Periods CloudWatch retrieves beyond the evaluation periods (the "evaluation range"). CloudWatch
   * says only that it retrieves more than the evaluation periods, depending on the period; its
   * documented examples retrieve 5 data points for 3 evaluation periods, hence 2.
   */
  readonly extraPeriods: number;
  /** Minutes after a minute ends before its AWS service metrics are evaluated. */
  readonly metricDelayMinutes: number;
  /** The same for metrics that come from logs (metric filters, embedded metric format). */
  readonly logDelayMinutes: number;
}

export interface StateChange {
  readonly minute: number;
  readonly from: StateName;
  readonly to: StateName;
  readonly reason: string;
}

export interface AlarmOutcome {
  readonly logicalId: string;
  readonly name: string;
  readonly composite: boolean;
  readonly unevaluable?: string;
  readonly notes: string[];
  readonly changes: StateChange[];
  readonly finalState: StateName;
}

/** The result of one evaluation of an alarm's evaluation range. */
export interface WindowResult {
  readonly state: StateName;
  /** How many missing data points were filled in by the missing-data setting. */
  readonly filled: number;
  readonly breaching: number;
  readonly present: number;
}

/**
 * One evaluation, as the CloudWatch user guide describes it ("How alarm state is evaluated when
 * data is missing"): `window` is the evaluation range, oldest first, NaN for a missing data point.
 *
 * - With at least N (evaluation periods) data points present, the most recent N present ones are
 *   evaluated and the missing-data setting is not used.
 * - With none, the setting decides: missing -> INSUFFICIENT_DATA, ignore -> the current state,
 *   breaching -> ALARM, notBreaching -> OK.
 * - With some, all present points are evaluated together with as few filled-in points as make N:
 *   breaching and notBreaching fill them in; with missing and ignore, M (datapoints to alarm)
 *   breaching points alarm, any non-breaching point means OK, and otherwise (only breaching
 *   points, fewer than M) missing goes to ALARM when the oldest breaching point is at least M
 *   periods old (the guide's rule against premature and missed transitions) and else to
 *   INSUFFICIENT_DATA, while ignore keeps the current state.
 */
export function evaluateWindow(window: ArrayLike<number>, n: number, m: number, mode: MissingMode,
  breaches: (v: number) => boolean, current: StateName): WindowResult {
  const present: Array<{ v: number; age: number }> = [];
  for (let i = 0; i < window.length; i++) if (!Number.isNaN(window[i])) present.push({ v: window[i], age: window.length - i });
  if (present.length >= n) {
    const breaching = present.slice(-n).filter(p => breaches(p.v)).length;
    return { state: breaching >= m ? 'ALARM' : 'OK', filled: 0, breaching, present: present.length };
  }
  const filled = n - present.length;
  const breaching = present.filter(p => breaches(p.v)).length;
  const result = (state: StateName) => ({ state, filled, breaching, present: present.length });
  if (present.length === 0) {
    switch (mode) {
      case 'missing': return result('INSUFFICIENT_DATA');
      case 'ignore': return result(current);
      case 'breaching': return result(m <= filled ? 'ALARM' : 'OK');
      default: return result('OK');
    }
  }
  switch (mode) {
    case 'breaching': return result(breaching + filled >= m ? 'ALARM' : 'OK');
    case 'notBreaching': return result(breaching >= m ? 'ALARM' : 'OK');
    default: {
      if (breaching >= m) return result('ALARM');
      if (breaching < present.length) return result('OK');
      if (mode === 'missing' && present[0].age >= m) return result('ALARM');
      return result(mode === 'missing' ? 'INSUFFICIENT_DATA' : current);
    }
  }
}

export function comparator(op: string, threshold: number): (v: number) => boolean {
  switch (op) {
    case 'GreaterThanThreshold': return v => v > threshold;
    case 'GreaterThanOrEqualToThreshold': return v => v >= threshold;
    case 'LessThanThreshold': return v => v < threshold;
    default: return v => v <= threshold;
  }
}

/** Evaluates every alarm of a template over a scenario. */
export function run(model: TemplateModel, scenario: CompiledScenario, options: EngineOptions): AlarmOutcome[] {
  const outcomes = new Map<string, AlarmOutcome>();
  for (const alarm of model.alarms) {
    if (alarm.kind === 'metric') outcomes.set(alarm.logicalId, runMetricAlarm(alarm, scenario, options));
  }
  const composites = model.alarms.filter((a): a is CompositeAlarmModel => a.kind === 'composite');
  for (const [id, outcome] of runComposites(composites, model, outcomes)) outcomes.set(id, outcome);
  return model.alarms.map(a => outcomes.get(a.logicalId)!);
}

function runMetricAlarm(alarm: MetricAlarmModel, scenario: CompiledScenario, options: EngineOptions): AlarmOutcome {
  const base = { logicalId: alarm.logicalId, name: alarm.name, composite: false, notes: [...alarm.notes] };
  if (alarm.unevaluable) return { ...base, unevaluable: alarm.unevaluable, changes: [], finalState: 'INSUFFICIENT_DATA' };
  try {
    return { ...base, ...evaluateMetricAlarm(alarm, scenario, options) };
  } catch (e) {
    if (e instanceof Unevaluable) return { ...base, unevaluable: e.message, changes: [], finalState: 'INSUFFICIENT_DATA' };
    throw e;
  }
}

function evaluateMetricAlarm(alarm: MetricAlarmModel, scenario: CompiledScenario, options: EngineOptions): { changes: StateChange[]; finalState: StateName } {
  const p = alarm.periodMinutes;
  const total = scenario.minutes;
  // CloudWatch evaluates every minute. A sliding window (the default) ends at the evaluation, so
  // with a period of p minutes there are p interleaved series of periods, one per phase; a wall
  // clock window ends on clock boundaries of the period only.
  const clockPhase = ((-scenario.startEpochMinute % p) + p) % p;
  const phases = alarm.wallClock ? [clockPhase] : [...Array(p).keys()];
  const delay = isLogDerived(alarm) ? options.logDelayMinutes : options.metricDelayMinutes;
  const percentiles = alarm.metrics.map(q => percentileOf(q.stat));
  const metricIds = alarm.metrics.map(m => m.id);
  const range = alarm.evaluationPeriods + options.extraPeriods;
  const breaches = comparator(alarm.comparison, alarm.threshold);

  interface Phase { ends: number[]; values: Map<string, Float64Array>; counts: Map<string, Float64Array>; full?: Float64Array }
  const byPhase = new Map<number, Phase>();
  for (const r of phases) {
    const ends: number[] = [];
    // only full periods: no data exists before minute 0 (an earlier period is a missing data point)
    for (let e = r === 0 ? p : r + p; e <= total; e += p) ends.push(e);
    const values = new Map<string, Float64Array>();
    const counts = new Map<string, Float64Array>();
    alarm.metrics.forEach(q => {
      const data = scenario.dataFor(q);
      const v = new Float64Array(ends.length);
      const c = new Float64Array(ends.length);
      ends.forEach((e, k) => {
        const minutes: Array<Datum | undefined> = [];
        for (let i = e - p; i < e; i++) minutes.push(data[i]);
        const value = aggregate(minutes, q.stat);
        v[k] = value === undefined ? NaN : value;
        c[k] = sampleCount(minutes);
      });
      values.set(q.id, v);
      counts.set(q.id, c);
    });
    byPhase.set(r, { ends, values, counts });
  }
  const context = (phase: Phase, from: number, to: number): MathContext => {
    const memo = new Map<string, Value>();
    const ctx: MathContext = {
      length: to - from,
      metricIds,
      series: id => {
        const metric = phase.values.get(id);
        if (metric) return { k: 'ts', v: metric.subarray(from, to), metricId: id };
        const expr = alarm.expressions.get(id);
        if (!expr) throw new Unevaluable(`metric math refers to ${id}, which is neither a metric nor an expression of the alarm`);
        let v = memo.get(id);
        if (!v) {
          memo.set(id, { k: 's', v: NaN });
          v = evaluate(expr, ctx);
          memo.set(id, v);
        }
        return v;
      },
      periodOf: id => alarm.metrics.find(m => m.id === id) ? p * 60 : undefined,
      periodSeconds: p * 60,
      serviceQuota: id => {
        const q = alarm.metrics.find(m => m.id === id)!;
        const quota = scenario.serviceQuota(q);
        if (quota === undefined) throw new Unevaluable(`SERVICE_QUOTA(${id}) needs the quota: the scenario has no serviceQuotas entry for ${q.namespace} ${q.metricName}`);
        return quota;
      },
    };
    return ctx;
  };
  const asSeries = (v: Value): Float64Array => {
    if (v.k !== 'ts') throw new Unevaluable(`the alarm's expression ${alarm.returnId} gives ${v.k === 's' ? 'a scalar' : 'an array of time series'}, not one time series`);
    return v.v;
  };
  if (!alarm.rangeDependent) {
    for (const phase of byPhase.values()) phase.full = asSeries(context(phase, 0, phase.ends.length).series(alarm.returnId));
  }
  // EvaluateLowSampleCountPercentile "ignore": a period whose percentile has too few samples is not
  // evaluated (10 / (1 - p) samples from p50 up, 10 / p below; p0 and p100 are the minimum and
  // maximum and always evaluated), also when the percentile feeds metric math
  const minSamples = percentiles.map(pc => pc === undefined || pc === 0 || pc === 100 ? 0 : pc >= 50 ? 10 / (1 - pc / 100) : 10 / (pc / 100));
  let state: StateName = 'INSUFFICIENT_DATA';
  const changes: StateChange[] = [];
  // the first evaluation is at the end of the first full period (no data exists before minute 0)
  for (let e = p; e <= total; e++) {
    const phase = byPhase.get(e % p);
    if (!phase) continue;
    const k = Math.floor(e / p) - 1;
    const from = Math.max(0, k - range + 1);
    const window = phase.full ? phase.full.subarray(from, k + 1) : asSeries(context(phase, from, k + 1).series(alarm.returnId));
    if (alarm.lowSampleIgnore && alarm.metrics.some((q, i) => percentiles[i] !== undefined && phase.counts.get(q.id)![k] < minSamples[i])) continue;
    const r = evaluateWindow(padded(window, range), alarm.evaluationPeriods, alarm.datapointsToAlarm, alarm.effectiveMissing, breaches, state);
    if (r.state !== state) {
      changes.push({ minute: e + delay, from: state, to: r.state, reason: reason(r, alarm, window) });
      state = r.state;
    }
  }
  return { changes: changes.filter(c => c.minute <= total), finalState: changes.filter(c => c.minute <= total).pop()?.to ?? 'INSUFFICIENT_DATA' };
}

/** Metrics outside AWS namespaces come from logs here (metric filters, embedded metric format). */
function isLogDerived(alarm: MetricAlarmModel): boolean {
  return alarm.metrics.some(q => !q.namespace.startsWith('AWS/'));
}

function padded(window: Float64Array, range: number): Float64Array {
  if (window.length === range) return window;
  const out = new Float64Array(range).fill(NaN);
  out.set(window, range - window.length);
  return out;
}

function reason(r: WindowResult, alarm: MetricAlarmModel, window: Float64Array): string {
  const shown = [...window].slice(-alarm.evaluationPeriods - 2).map(v => Number.isNaN(v) ? '-' : String(Math.round(v * 1000) / 1000)).join(' ');
  const filled = r.filled > 0 ? `, ${r.filled} missing treated as ${alarm.effectiveMissing}` : '';
  return `${r.breaching} of ${alarm.evaluationPeriods} breaching (needs ${alarm.datapointsToAlarm})${filled}; recent data points [${shown}] vs ${alarm.comparison} ${alarm.threshold}`;
}

function runComposites(composites: CompositeAlarmModel[], model: TemplateModel, metric: Map<string, AlarmOutcome>): Map<string, AlarmOutcome> {
  const result = new Map<string, AlarmOutcome>();
  if (composites.length === 0) return result;
  const byName = new Map<string, string>();
  for (const a of model.alarms) byName.set(a.name, a.logicalId);
  const resolve = (ref: string): string | undefined => {
    const m = /^\$\{([^.}]+)(?:\.[^}]*)?\}$/.exec(ref);
    if (m && model.alarms.some(a => a.logicalId === m[1])) return m[1];
    const name = /^arn:[^:]+:cloudwatch:[^:]*:[^:]*:alarm:(.+)$/.exec(ref)?.[1] ?? ref;
    return byName.get(name);
  };
  const usable: Array<{ model: CompositeAlarmModel; rule: RuleNode }> = [];
  for (const c of composites) {
    const base = { logicalId: c.logicalId, name: c.name, composite: true, notes: [...c.notes], changes: [] as StateChange[], finalState: 'INSUFFICIENT_DATA' as StateName };
    if (c.unevaluable || !c.rule) { result.set(c.logicalId, { ...base, unevaluable: c.unevaluable }); continue; }
    const refs: string[] = [];
    const collect = (n: RuleNode): void => {
      if (n.t === 'state') {refs.push(n.alarm);} else if (n.t === 'not') {collect(n.e);} else if (n.t === 'and' || n.t === 'or') { collect(n.l); collect(n.r); }
    };
    collect(c.rule);
    const unknown = refs.filter(r => !resolve(r));
    const unevaluableChild = refs.map(resolve).find(id => id && metric.get(id)?.unevaluable);
    if (unknown.length) {result.set(c.logicalId, { ...base, unevaluable: `its rule refers to ${unknown.join(', ')}, which is no alarm of the template` });} else if (unevaluableChild) {result.set(c.logicalId, { ...base, unevaluable: `its rule reads ${unevaluableChild}, which cannot be evaluated` });} else { usable.push({ model: c, rule: c.rule }); result.set(c.logicalId, base); }
  }
  // the timeline of child state changes, then the composites at each minute something changed
  const states = new Map<string, StateName>();
  const events = new Map<number, Array<[string, StateName]>>();
  let firstMinute = Infinity;
  for (const [id, o] of metric) {
    states.set(id, 'INSUFFICIENT_DATA');
    for (const ch of o.changes) {
      firstMinute = Math.min(firstMinute, ch.minute);
      const list = events.get(ch.minute) ?? [];
      list.push([id, ch.to]);
      events.set(ch.minute, list);
    }
  }
  for (const c of usable) states.set(c.model.logicalId, 'INSUFFICIENT_DATA');
  const evalRule = (n: RuleNode): boolean => {
    switch (n.t) {
      case 'const': return n.v;
      case 'not': return !evalRule(n.e);
      case 'and': return evalRule(n.l) && evalRule(n.r);
      case 'or': return evalRule(n.l) || evalRule(n.r);
      default: return states.get(resolve(n.alarm)!) === n.state;
    }
  };
  const minutes = [...new Set([...events.keys(), ...(Number.isFinite(firstMinute) ? [firstMinute] : [1])])].sort((a, b) => a - b);
  for (const minute of minutes) {
    for (const [id, to] of events.get(minute) ?? []) states.set(id, to);
    // composites of composites: settle in as many passes as there are composites
    for (let pass = 0; pass <= usable.length; pass++) {
      let changed = false;
      for (const c of usable) {
        const to: StateName = evalRule(c.rule) ? 'ALARM' : 'OK';
        const from = states.get(c.model.logicalId)!;
        if (to === from) continue;
        states.set(c.model.logicalId, to);
        const outcome = result.get(c.model.logicalId)!;
        const last = outcome.changes[outcome.changes.length - 1];
        if (last && last.minute === minute) {
          outcome.changes[outcome.changes.length - 1] = { ...last, to, reason: `rule is ${to === 'ALARM' ? 'TRUE' : 'FALSE'}` };
        } else {
          outcome.changes.push({ minute, from, to, reason: `rule is ${to === 'ALARM' ? 'TRUE' : 'FALSE'}` });
        }
        changed = true;
      }
      if (!changed) break;
    }
  }
  for (const c of usable) {
    const outcome = result.get(c.model.logicalId)!;
    const changes = outcome.changes.filter(ch => ch.from !== ch.to);
    result.set(c.model.logicalId, { ...outcome, changes, finalState: states.get(c.model.logicalId)! });
  }
  return result;
}
