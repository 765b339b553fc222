import { Duration, Token } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { AlarmEntry, critical, MetricSource } from './alarm-catalog';
import { checkRange } from './errors';

/**
 * Error-budget burn-rate alarms, after the SRE workbook's "Alerting on SLOs" (multiwindow,
 * multi-burn-rate), as metric-math alarms.
 *
 * The error budget is the share of requests an availability objective allows to fail (99.9 %:
 * 0.1 %); a burn rate of k spends it k times as fast as the objective allows. Each alarm looks at
 * short windows (its period) inside a long window (its evaluation periods) and fires when enough
 * short windows burn at k or more:
 *
 * - fast: 2-minute windows, 3 of the last 15 (30 minutes) at 10x or more. A sustained 2 % at
 *   99.9 % (20x) fires after about 6 minutes; any blip of 3 minutes or less touches at most 2
 *   windows and never fires, however many requests fail in it.
 * - slow: 30-minute windows, 6 of the last 12 (6 hours) at 2x or more: a low rate that lasts
 *   (0.3 % for 3 hours spends about 1 % of a 30-day budget).
 *
 * Short windows inside one alarm (M of N) rather than the workbook's pair of alarms joined by a
 * composite: 2 metrics ($0.20 a month) per tier instead of 4 metrics and a composite ($0.90), and
 * no AWS::ApplicationSignals::ServiceLevelObjective (which needs Application Signals, and whose
 * burn rates still need alarms of their own).
 */
export interface ErrorBudgetOptions {
  /** Failed requests (Sum). */
  readonly errors: MetricSource;
  /** All requests. */
  readonly requests: MetricSource;
  /** What fails, for the catches sentence: "requests", "invocations". */
  readonly what: string;
  readonly enabledByDefault: boolean;
}

/** The documented default availability objective. */
export const DEFAULT_AVAILABILITY_OBJECTIVE_PERCENT = 99.9;

export type ErrorBudgetKey = 'errorBudgetFastBurn' | 'errorBudgetSlowBurn';

const UNIT = 'x the error budget rate (100 % - availability objective)';

export function errorBudgetEntries(o: ErrorBudgetOptions): { [key in ErrorBudgetKey]: AlarmEntry } {
  const entry = (id: string, catches: string, period: Duration, evaluationPeriods: number, datapointsToAlarm: number,
    threshold: number): AlarmEntry => ({
    id,
    catches,
    math: { expression: '100 * FILL(errors, 0) / requests', metrics: { errors: o.errors, requests: o.requests } },
    period,
    evaluationPeriods,
    datapointsToAlarm,
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold,
    unit: UNIT,
    min: 1,
    max: 1000,
    // no requests: no data point, and no budget spent
    treatMissingData: TreatMissingData.NOT_BREACHING,
    enabledByDefault: o.enabledByDefault,
    when: 'always',
  });
  return {
    errorBudgetFastBurn: critical(entry('ErrorBudgetFastBurn',
      `Failed ${o.what} spend the error budget fast (a low failure rate that lasts, below the error-rate threshold): at this pace a month's budget is gone in days.`,
      Duration.minutes(2), 15, 3, 10)),
    errorBudgetSlowBurn: entry('ErrorBudgetSlowBurn',
      `Failed ${o.what} spend the error budget steadily for hours: at this pace the month's budget runs out before the month does.`,
      Duration.minutes(30), 12, 6, 2),
  };
}

/** Whether an alarm option is one of the burn-rate alarms. */
export function isErrorBudgetKey(key: string): key is ErrorBudgetKey {
  return key === 'errorBudgetFastBurn' || key === 'errorBudgetSlowBurn';
}

/**
 * The availability objective of an owner, checked: a share in percent from 90 to 99.999 (below,
 * an error-rate alarm fits better; above, a month's budget is a few requests).
 */
export function availabilityObjective(owner: Construct, prop: string, value: number | undefined): number {
  const objective = value ?? DEFAULT_AVAILABILITY_OBJECTIVE_PERCENT;
  checkRange(owner, prop, objective, 90, 99.999, 'percent');
  return objective;
}

/**
 * A burn rate as the error rate, in percent, that the alarm's expression is compared with
 * (undefined when the objective is a token).
 */
export function burnRateThreshold(burnRate: number, objectivePercent: number): number | undefined {
  if (Token.isUnresolved(objectivePercent)) return undefined;
  return Math.round(burnRate * (100 - objectivePercent) * 1e6) / 1e6;
}
