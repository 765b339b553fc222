import { checkStatistic, Unevaluable } from './datum';
import { compileFilterPattern, EventMatcher } from './log-filter';
import { Kind, kindOf, Node, parseExpression, rangeDependent } from './metric-math';
import { canonical, ResourceIndex } from './refs';

export type StateName = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type MissingMode = 'missing' | 'ignore' | 'breaching' | 'notBreaching';

/** One metric an alarm reads, with its template values made canonical (see refs.ts). */
export interface MetricQuery {
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly stat: string;
  readonly periodMinutes: number;
}

export interface MetricAlarmModel {
  readonly kind: 'metric';
  readonly logicalId: string;
  readonly name: string;
  /** Why it cannot be evaluated; the rest may then be incomplete. */
  readonly unevaluable?: string;
  readonly notes: string[];
  readonly metrics: MetricQuery[];
  readonly expressions: Map<string, Node>;
  /** The id of the metric or expression whose value is compared. */
  readonly returnId: string;
  readonly rangeDependent: boolean;
  readonly periodMinutes: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: string;
  /** As configured, and as applied (AWS/DynamoDB alarms always ignore missing data). */
  readonly treatMissingData: MissingMode;
  readonly effectiveMissing: MissingMode;
  readonly lowSampleIgnore: boolean;
  /** EvaluationWindow WallClockWindow: periods on clock boundaries, evaluated once a period. */
  readonly wallClock: boolean;
}

export type RuleNode =
  | { t: 'state'; state: StateName; alarm: string }
  | { t: 'const'; v: boolean }
  | { t: 'not'; e: RuleNode }
  | { t: 'and' | 'or'; l: RuleNode; r: RuleNode };

export interface CompositeAlarmModel {
  readonly kind: 'composite';
  readonly logicalId: string;
  readonly name: string;
  readonly unevaluable?: string;
  readonly notes: string[];
  readonly rule?: RuleNode;
}

export interface MetricFilterModel {
  readonly logicalId: string;
  readonly logGroup: string;
  readonly unevaluable?: string;
  readonly matcher?: EventMatcher;
  readonly transformations: ReadonlyArray<{ namespace: string; metricName: string; value: string; defaultValue?: number }>;
}

export interface TemplateModel {
  readonly index: ResourceIndex;
  readonly alarms: Array<MetricAlarmModel | CompositeAlarmModel>;
  readonly filters: MetricFilterModel[];
}

const COMPARISONS = ['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'];
const MISSING: { [k: string]: MissingMode } = { missing: 'missing', ignore: 'ignore', breaching: 'breaching', notBreaching: 'notBreaching' };

type Resource = { Type?: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };

/** Reads the alarms, composite alarms and metric filters of a synthesized template. */
export function loadTemplate(template: unknown): TemplateModel {
  if (!template || typeof template !== 'object' || typeof (template as { Resources?: unknown }).Resources !== 'object') {
    throw new Error('not a CloudFormation template: it has no Resources');
  }
  const t = template as { Resources: { [id: string]: Resource } };
  const index = new ResourceIndex(t);
  const alarms: Array<MetricAlarmModel | CompositeAlarmModel> = [];
  const filters: MetricFilterModel[] = [];
  for (const [id, resource] of Object.entries(t.Resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::CloudWatch::Alarm') alarms.push(metricAlarm(id, props));
    else if (resource.Type === 'AWS::CloudWatch::CompositeAlarm') alarms.push(compositeAlarm(id, props));
    else if (resource.Type === 'AWS::Logs::MetricFilter') filters.push(metricFilter(id, props));
  }
  return { index, alarms, filters };
}

function nameOf(id: string, value: unknown): string {
  if (value === undefined) return id;
  try { return canonical(value, 'AlarmName'); } catch { return id; }
}

function metricAlarm(logicalId: string, p: Record<string, unknown>): MetricAlarmModel {
  const notes: string[] = [];
  const base = {
    kind: 'metric' as const,
    logicalId,
    name: nameOf(logicalId, p.AlarmName),
    notes,
    metrics: [] as MetricQuery[],
    expressions: new Map<string, Node>(),
    returnId: '',
    rangeDependent: false,
    periodMinutes: 1,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 0,
    comparison: 'GreaterThanThreshold',
    treatMissingData: 'missing' as MissingMode,
    effectiveMissing: 'missing' as MissingMode,
    lowSampleIgnore: false,
    wallClock: false,
  };
  try {
    if (p.ThresholdMetricId !== undefined) throw new Unevaluable('it is an anomaly detection alarm (ThresholdMetricId): the simulator has no model of the band');
    const comparison = p.ComparisonOperator;
    if (typeof comparison !== 'string' || !COMPARISONS.includes(comparison)) throw new Unevaluable(`comparison operator ${JSON.stringify(comparison)} is not supported`);
    const threshold = p.Threshold;
    if (typeof threshold !== 'number') throw new Unevaluable(`threshold ${JSON.stringify(threshold)} is not a number (an unresolved intrinsic?)`);
    const evaluationPeriods = integer(p.EvaluationPeriods, 'EvaluationPeriods');
    const datapointsToAlarm = p.DatapointsToAlarm === undefined ? evaluationPeriods : integer(p.DatapointsToAlarm, 'DatapointsToAlarm');
    const tmd = p.TreatMissingData === undefined ? 'missing' : MISSING[String(p.TreatMissingData)];
    if (!tmd) throw new Unevaluable(`TreatMissingData ${JSON.stringify(p.TreatMissingData)} is not one of missing, ignore, breaching, notBreaching`);
    const metrics: MetricQuery[] = [];
    const expressions = new Map<string, Node>();
    let returnId: string;
    if (Array.isArray(p.Metrics)) {
      const returning: string[] = [];
      for (const raw of p.Metrics as Array<Record<string, unknown>>) {
        const id = String(raw.Id);
        if (raw.ReturnData !== false) returning.push(id);
        if (raw.Expression !== undefined) {
          if (typeof raw.Expression !== 'string') throw new Unevaluable(`expression ${id} is not a string`);
          expressions.set(id, parseExpression(raw.Expression));
        } else if (raw.MetricStat) {
          const ms = raw.MetricStat as Record<string, unknown>;
          metrics.push(query(id, ms.Metric as Record<string, unknown>, String(ms.Stat), integer(ms.Period, `${id}.Period`)));
        } else {
          throw new Unevaluable(`metric ${id} has neither Expression nor MetricStat`);
        }
      }
      if (returning.length !== 1) throw new Unevaluable(`${returning.length} of the alarm's metrics return data; exactly one must`);
      returnId = returning[0];
      const periods = new Set(metrics.map(m => m.periodMinutes));
      if (periods.size > 1) throw new Unevaluable('its metrics have different periods');
    } else {
      const stat = p.ExtendedStatistic ?? p.Statistic;
      metrics.push(query('m1', { Namespace: p.Namespace, MetricName: p.MetricName, Dimensions: p.Dimensions }, String(stat), integer(p.Period, 'Period')));
      returnId = 'm1';
    }
    const periodMinutes = metrics[0]?.periodMinutes ?? integer(p.Period, 'Period');
    const idKind = (name: string): Kind => {
      const e = expressions.get(name);
      return e ? kindOf(e, idKind) : 'ts';
    };
    const dependent = [...expressions.values()].some(e => rangeDependent(e, idKind));
    const dynamo = metrics.some(m => m.namespace === 'AWS/DynamoDB');
    if (dynamo && tmd !== 'ignore') {
      notes.push(`treatMissingData ${tmd} does not apply: alarms on AWS/DynamoDB metrics always ignore missing data (CloudWatch keeps their state while data is missing)${expressions.size > 0 ? '; the alarm\'s metric math decides whether data is missing' : ''}`);
    }
    if (dependent) notes.push('its metric math depends on the range evaluated (a series reduced to a scalar, or DIFF/RATE, whose first point has no predecessor): evaluated over each evaluation\'s own range');
    return {
      ...base,
      metrics,
      expressions,
      returnId,
      rangeDependent: dependent,
      periodMinutes,
      evaluationPeriods,
      datapointsToAlarm,
      threshold,
      comparison,
      treatMissingData: tmd,
      effectiveMissing: dynamo ? 'ignore' : tmd,
      lowSampleIgnore: p.EvaluateLowSampleCountPercentile === 'ignore',
      wallClock: (p.EvaluationWindow as { WallClockWindow?: unknown } | undefined)?.WallClockWindow !== undefined,
    };
  } catch (e) {
    if (e instanceof Unevaluable) return { ...base, unevaluable: e.message };
    throw e;
  }
}

function integer(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Unevaluable(`${what} ${JSON.stringify(v)} is not a positive whole number`);
  return v;
}

function query(id: string, metric: Record<string, unknown>, stat: string, periodSeconds: number): MetricQuery {
  if (!metric) throw new Unevaluable(`metric ${id} has no Metric`);
  checkStatistic(stat);
  if (periodSeconds % 60 !== 0) throw new Unevaluable(`period ${periodSeconds} s: the simulator works in whole minutes (high-resolution periods are not supported)`);
  const dims = (metric.Dimensions as Array<{ Name: string; Value: unknown }> | undefined) ?? [];
  return {
    id,
    namespace: canonical(metric.Namespace, `${id} namespace`),
    metricName: canonical(metric.MetricName, `${id} metric name`),
    dimensions: dims.map(d => ({ name: d.Name, value: canonical(d.Value, `dimension ${d.Name} of ${id}`) })),
    stat,
    periodMinutes: periodSeconds / 60,
  };
}

function compositeAlarm(logicalId: string, p: Record<string, unknown>): CompositeAlarmModel {
  const base = { kind: 'composite' as const, logicalId, name: nameOf(logicalId, p.AlarmName), notes: [] as string[] };
  try {
    return { ...base, rule: parseRule(canonical(p.AlarmRule, 'AlarmRule')) };
  } catch (e) {
    if (e instanceof Unevaluable) return { ...base, unevaluable: e.message };
    throw e;
  }
}

/**
 * Composite alarm rules: ALARM(x), OK(x), INSUFFICIENT_DATA(x) with x an alarm name or ARN,
 * quoted or not; TRUE, FALSE; NOT, AND, OR and parentheses (precedence NOT, AND, OR).
 */
export function parseRule(src: string): RuleNode {
  const tokens = [...src.matchAll(/\s*(ALARM|OK|INSUFFICIENT_DATA|AND|OR|NOT|TRUE|FALSE|\(|\)|"(?:[^"\\]|\\.)*"|[^\s()"]+)/g)].map(m => m[1]);
  let pos = 0;
  const fail = (why: string): never => { throw new Unevaluable(`alarm rule '${src}': ${why}`); };
  const or = (): RuleNode => {
    let l = and();
    while (tokens[pos] === 'OR') { pos++; l = { t: 'or', l, r: and() }; }
    return l;
  };
  const and = (): RuleNode => {
    let l = not();
    while (tokens[pos] === 'AND') { pos++; l = { t: 'and', l, r: not() }; }
    return l;
  };
  const not = (): RuleNode => {
    if (tokens[pos] === 'NOT') { pos++; return { t: 'not', e: not() }; }
    const tok = tokens[pos++];
    if (tok === '(') {
      const e = or();
      if (tokens[pos++] !== ')') fail('unbalanced parentheses');
      return e;
    }
    if (tok === 'TRUE' || tok === 'FALSE') return { t: 'const', v: tok === 'TRUE' };
    if (tok === 'ALARM' || tok === 'OK' || tok === 'INSUFFICIENT_DATA') {
      if (tokens[pos++] !== '(') fail(`${tok} needs ( alarm )`);
      let name = '';
      while (pos < tokens.length && tokens[pos] !== ')') name += tokens[pos++];
      if (tokens[pos++] !== ')') fail(`${tok}( is not closed`);
      if (name.startsWith('"')) name = JSON.parse(name) as string;
      return { t: 'state', state: tok, alarm: name };
    }
    return fail(`unexpected '${tok ?? 'end'}'`);
  };
  const tree = or();
  if (pos < tokens.length) fail(`unexpected '${tokens[pos]}'`);
  return tree;
}

function metricFilter(logicalId: string, p: Record<string, unknown>): MetricFilterModel {
  try {
    const transformations = ((p.MetricTransformations as Array<Record<string, unknown>>) ?? []).map(mt => {
      if (mt.Dimensions !== undefined) throw new Unevaluable('metric filters with dimensions are not supported');
      return {
        namespace: canonical(mt.MetricNamespace, 'MetricNamespace'),
        metricName: canonical(mt.MetricName, 'MetricName'),
        value: String(mt.MetricValue),
        defaultValue: typeof mt.DefaultValue === 'number' ? mt.DefaultValue : undefined,
      };
    });
    return {
      logicalId,
      logGroup: canonical(p.LogGroupName, 'LogGroupName'),
      matcher: compileFilterPattern(String(p.FilterPattern ?? '')),
      transformations,
    };
  } catch (e) {
    if (!(e instanceof Unevaluable)) throw e;
    let logGroup = '';
    try { logGroup = canonical(p.LogGroupName, 'LogGroupName'); } catch { /* reported below */ }
    const transformations = ((p.MetricTransformations as Array<Record<string, unknown>>) ?? []).flatMap(mt => {
      try { return [{ namespace: canonical(mt.MetricNamespace, 'ns'), metricName: canonical(mt.MetricName, 'name'), value: '' }]; } catch { return []; }
    });
    return { logicalId, logGroup, unevaluable: e.message, transformations };
  }
}
