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
  const start = scenario.startEpochMinute;
  const firstPeriod = Math.floor(start / p);
  const periods = Math.floor((start + scenario.minutes) / p) - firstPeriod;
  // per metric: the statistic of each period (NaN: no data), and the sample counts
  const values = new Map<string, Float64Array>();
  const counts = new Map<string, Float64Array>();
  for (const q of alarm.metrics) {
    const data = scenario.dataFor(q);
    const v = new Float64Array(periods);
    const c = new Float64Array(periods);
    const one: Array<Datum | undefined> = [undefined];
    for (let k = 0; k < periods; k++) {
      const from = (firstPeriod + k) * p - start;
      let minutes: Array<Datum | undefined>;
      if (p === 1) {
        one[0] = data[from];
        if (one[0] === undefined) { v[k] = NaN; c[k] = 0; continue; }
        minutes = one;
      } else {
        minutes = [];
        for (let i = Math.max(0, from); i < from + p; i++) minutes.push(data[i]);
      }
      const value = aggregate(minutes, q.stat);
      v[k] = value === undefined ? NaN : value;
      c[k] = sampleCount(minutes);
    }
    values.set(q.id, v);
    counts.set(q.id, c);
  }
  const metricIds = alarm.metrics.map(m => m.id);
  const context = (from: number, to: number): MathContext => {
    const memo = new Map<string, Value>();
    const ctx: MathContext = {
      length: to - from,
      metricIds,
      series: id => {
        const metric = values.get(id);
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
  const full = alarm.rangeDependent ? undefined : asSeries(context(0, periods).series(alarm.returnId));
  const range = alarm.evaluationPeriods + options.extraPeriods;
  const breaches = comparator(alarm.comparison, alarm.threshold);
  const percentile = alarm.expressions.size === 0 ? percentileOf(alarm.metrics[0].stat) : undefined;
  const minSamples = percentile === undefined ? 0 : percentile >= 50 ? 10 / (1 - percentile / 100) : 10 / (percentile / 100);
  let state: StateName = 'INSUFFICIENT_DATA';
  const changes: StateChange[] = [];
  for (let k = 0; k < periods; k++) {
    const from = Math.max(0, k - range + 1);
    const window = full ? full.subarray(from, k + 1) : asSeries(context(from, k + 1).series(alarm.returnId));
    if (alarm.lowSampleIgnore && percentile !== undefined && counts.get(alarm.metrics[0].id)![k] < minSamples) continue;
    const r = evaluateWindow(padded(window, range), alarm.evaluationPeriods, alarm.datapointsToAlarm, alarm.effectiveMissing, breaches, state);
    if (r.state !== state) {
      const minute = (firstPeriod + k + 1) * p - start;
      changes.push({ minute, from: state, to: r.state, reason: reason(r, alarm, window) });
      state = r.state;
    }
  }
  return { changes, finalState: state };
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
