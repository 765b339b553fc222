import { AlarmOptions } from '../core/alarm-options';

/**
 * Changes to the default alarms of an ObservedTable. Each option's name carries the unit of its
 * `threshold`.
 *
 * CloudWatch alarms on AWS/DynamoDB metrics always ignore missing data (they keep their state),
 * and DynamoDB publishes throttle and error metrics only when they are non-zero: an alarm on the
 * raw metric would stay in ALARM after throttling stopped. Every table alarm therefore evaluates
 * metric math with `FILL(..., 0)`, so a quiet minute counts as 0 and the alarm returns to OK.
 */
export interface TableAlarmOptions {
  /**
   * Read requests throttled (ReadThrottleEvents), as a count.
   *
   * @default - on: > 0 in 2 of 3 minutes
   */
  readonly readThrottleEvents?: AlarmOptions;

  /**
   * Write requests throttled (WriteThrottleEvents), as a count.
   *
   * @default - on: > 0 in 2 of 3 minutes
   */
  readonly writeThrottleEvents?: AlarmOptions;

  /**
   * Requests throttled because an on-demand table reached its configured maximum throughput
   * (Read/WriteMaxOnDemandThroughputThrottleEvents), as a count.
   *
   * @default - on: > 0 in 2 of 3 minutes
   */
  readonly onDemandMaxThroughputThrottleEvents?: AlarmOptions;

  /**
   * Requests with at least one throttled event (ThrottledRequests over the data-plane
   * operations), as a count.
   *
   * @default - on: > 0 in 2 of 3 minutes
   */
  readonly throttledRequests?: AlarmOptions;

  /**
   * Requests that failed with an HTTP 500 from DynamoDB (SystemErrors over the data-plane
   * operations), as a count.
   *
   * @default - on: > 0 in 2 of 3 minutes
   */
  readonly systemErrors?: AlarmOptions;

  /**
   * Consumed read capacity as a share of provisioned read capacity, in percent. Only for
   * provisioned tables.
   *
   * @default - on: > 80 percent in 2 of 3 periods of 5 minutes
   */
  readonly consumedReadPercentOfProvisioned?: AlarmOptions;

  /**
   * Consumed write capacity as a share of provisioned write capacity, in percent. Only for
   * provisioned tables.
   *
   * @default - on: > 80 percent in 2 of 3 periods of 5 minutes
   */
  readonly consumedWritePercentOfProvisioned?: AlarmOptions;
}
