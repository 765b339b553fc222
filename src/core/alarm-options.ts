import { Duration } from 'aws-cdk-lib';

/**
 * Per-construct changes to one default alarm. Anything left out keeps the catalog default
 * (see the alarm table in the README).
 */
export interface AlarmOptions {
  /**
   * Create this alarm.
   *
   * @default true for the alarms on by default; false for the ones the README marks "off by default"
   */
  readonly enabled?: boolean;

  /**
   * The threshold, in the unit that the option's name states (percent, count, ...).
   *
   * @default - the catalog default for this alarm
   */
  readonly threshold?: number;

  /**
   * How many periods are evaluated.
   *
   * @default - the catalog default for this alarm
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of the evaluated periods must breach for the alarm to fire (M out of N).
   *
   * @default - the catalog default for this alarm
   */
  readonly datapointsToAlarm?: number;

  /**
   * The period over which the metric is aggregated.
   *
   * @default - the catalog default for this alarm
   */
  readonly period?: Duration;

  /**
   * A runbook URL added to this alarm's description (known at synth time, at most 300
   * characters). For every alarm of a scope, use `AlarmNotifications.runbook()`.
   *
   * @default - the URL given to `AlarmNotifications.runbook()` for the nearest enclosing scope, or none
   */
  readonly runbookUrl?: string;
}
