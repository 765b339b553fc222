import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';

/** Where an alarm's metric comes from. */
export interface MetricSource {
  /** CloudWatch namespace, or LOG_DERIVED for a metric the construct counts from its logs. */
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: string;
  /** Dimensions of this metric beyond the owner's (e.g. DynamoDB's Operation). */
  readonly dimensions?: { readonly [name: string]: string };
}

/**
 * A CloudWatch Logs Insights query that explains a failure from the logs, written once and used
 * in alarm descriptions (as a console link), dashboards and, on request, saved query definitions.
 */
export interface LogQuery {
  /** Stable id, e.g. `errors`. */
  readonly id: string;
  /** What the query shows, in a few words (a link label, a widget title). */
  readonly title: string;
  /** The query, in the Logs Insights query language. */
  readonly query: string;
  /** How its result reads best on a dashboard: rows, or a time series. */
  readonly view: 'table' | 'line';
}

/** Namespace marker: the construct derives this metric from its logs with a metric filter. */
export const LOG_DERIVED = 'CdkObserved';

/** The entry, marked critical (see AlarmEntry.critical). */
export function critical(entry: AlarmEntry): AlarmEntry {
  return { ...entry, critical: true };
}

/** Whether an alarm kind reads metrics the construct counts from its logs (metric filters). */
export function readsLogs(entry: AlarmEntry): boolean {
  const sources = entry.math ? Object.values(entry.math.metrics) : entry.metric ? [entry.metric] : [];
  return sources.some(m => m.namespace === LOG_DERIVED);
}

/**
 * One alarm kind, as data. Builders turn entries into alarms; the README tables and the tests
 * read the same entries, so documentation and behaviour cannot drift apart.
 */
export interface AlarmEntry {
  /** Stable id: the last part of the alarm name and of the alarm's construct id. */
  readonly id: string;
  /**
   * The alarm says users are failing now (lost work, rejected or erroring requests, a loop, a
   * blocked consumer): it pages, through the service-health alarm where there is one. Without it
   * the alarm warns that a limit is near or reports cost: it notifies, it does not page.
   */
  readonly critical?: boolean;
  /** Shown on the dashboard although not critical (the limits a construct runs into); critical alarms always are. */
  readonly dashboard?: boolean;
  /** One sentence: the failure this alarm catches. */
  readonly catches: string;
  /** A single metric ... */
  readonly metric?: MetricSource;
  /** ... or metric math over named metrics (all with the entry's period). */
  readonly math?: { readonly expression: string; readonly metrics: { readonly [name: string]: MetricSource } };
  readonly period: Duration;
  readonly comparison: ComparisonOperator;
  /** Default threshold, in `unit`. */
  readonly threshold: number;
  /** The unit of the threshold as the user states it. */
  readonly unit: string;
  /** Inclusive range a user's threshold must fall in. */
  readonly min: number;
  readonly max: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
  /** Off-by-default alarms are available but only created when enabled. */
  readonly enabledByDefault: boolean;
  /** When the alarm exists at all (for the docs), e.g. "with reserved concurrency". */
  readonly when: string;
  /**
   * The Logs Insights query that explains this failure (linked from the alarm's description when
   * the owner has a log group).
   *
   * @default - the owner's default query (a function's errors)
   */
  readonly logQuery?: LogQuery;
}

/** A catalog: the alarm entries of one construct, keyed by the name of their option. */
export type AlarmCatalog<K extends string> = { readonly [key in K]: AlarmEntry };

const SYMBOLS: Record<string, string> = {
  [ComparisonOperator.GREATER_THAN_THRESHOLD]: '>',
  [ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD]: '>=',
  [ComparisonOperator.LESS_THAN_THRESHOLD]: '<',
  [ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD]: '<=',
};

/** "> 5 % of invocations" */
export function describeCondition(entry: AlarmEntry, threshold = entry.threshold): string {
  return `${SYMBOLS[entry.comparison] ?? entry.comparison} ${threshold} ${entry.unit}`;
}

/** "2 of 3 periods of 1 minute" */
export function describeWindow(entry: { evaluationPeriods: number; datapointsToAlarm: number; period: Duration }): string {
  return `${entry.datapointsToAlarm} of ${entry.evaluationPeriods} periods of ${entry.period.toHumanString()}`;
}

/** What the alarm measures, for docs: "Errors / Invocations (Sum)". */
export function describeMetric(entry: AlarmEntry): string {
  const one = (m: MetricSource) => `${m.metricName} (${m.statistic})${m.namespace === LOG_DERIVED ? ' from the platform.report log records' : ''}`;
  if (entry.math) {
    const names = Object.entries(entry.math.metrics).map(([id, m]) => `${id} = ${one(m)}`);
    return `\`${entry.math.expression}\` with ${names.join(', ')}`;
  }
  return one(entry.metric!);
}
