import { AlarmOptions } from '../core/alarm-options';

/**
 * Changes to the default alarms of an ObservedFunction. Each option's name carries the unit of
 * its `threshold`. All alarms evaluate 1-minute periods so that an incident is alarmed within
 * about three minutes of its onset.
 */
export interface FunctionAlarmOptions {
  /**
   * Errors as a share of invocations, in percent (a rate, so traffic volume does not move it).
   *
   * @default - on: > 5 percent in 2 of 3 minutes
   */
  readonly errorRatePercent?: AlarmOptions;

  /**
   * Throttled invocation requests, as a count (account or reserved concurrency exhausted).
   *
   * @default - on: > 0 in 2 of 3 minutes
   */
  readonly throttles?: AlarmOptions;

  /**
   * p99 duration as a share of the function's own timeout, in percent: the timeout is too close
   * to the real duration.
   *
   * @default - on: > 80 percent of the timeout in 2 of 3 minutes
   */
  readonly durationP99PercentOfTimeout?: AlarmOptions;

  /**
   * Invocations that timed out, as a count, from the JSON `platform.report` log records.
   *
   * @default - on: > 0 in 2 of 3 minutes
   */
  readonly timeouts?: AlarmOptions;

  /**
   * Max memory used as a share of the memory size, in percent, from the JSON `platform.report`
   * log records (a leak across warm invocations climbs until it crosses it).
   *
   * @default - on: >= 90 percent of memory in 2 of 3 minutes
   */
  readonly memoryUsedPercent?: AlarmOptions;

  /**
   * Invocations Lambda stopped because the function is part of a recursive loop, as a count.
   *
   * @default - on: > 0 in 1 minute
   */
  readonly recursiveInvocationsDropped?: AlarmOptions;

  /**
   * Asynchronous events dropped after their retries or max age (they went to the failure
   * destination), as a count. Only with asynchronous failure handling.
   *
   * @default - on: > 0 in 1 minute
   */
  readonly asyncEventsDropped?: AlarmOptions;

  /**
   * Failed deliveries to the on-failure destination, as a count: those events are lost.
   * Only with an on-failure destination.
   *
   * @default - on: > 0 in 1 minute
   */
  readonly destinationDeliveryFailures?: AlarmOptions;

  /**
   * Failed deliveries to the dead-letter queue, as a count: those events are lost.
   * Only with a dead-letter queue.
   *
   * @default - on: > 0 in 1 minute
   */
  readonly deadLetterErrors?: AlarmOptions;

  /**
   * Concurrent executions as a share of reserved concurrency, in percent: throttling is near.
   * Only with reserved concurrency.
   *
   * @default - on: >= 90 percent of reserved concurrency in 2 of 3 minutes
   */
  readonly concurrencyPercentOfReserved?: AlarmOptions;

  /**
   * Invocations that found every provisioned environment busy and ran on an on-demand one (with a
   * possible cold start), as a count. Only with provisioned concurrency.
   *
   * @default - on: > 0 in 2 of 3 minutes
   */
  readonly provisionedConcurrencySpillover?: AlarmOptions;

  /**
   * Provisioned concurrency in use, in percent of what is provisioned: spillover is near. Only
   * with provisioned concurrency.
   *
   * @default - on: > 90 percent in 3 of 3 minutes
   */
  readonly provisionedConcurrencyUtilizationPercent?: AlarmOptions;

  /**
   * Provisioned concurrency in use stayed low for a whole day, in percent: you pay for idle
   * environments. The metric is emitted only while the alias is invoked; silent hours count as 0.
   * Only with provisioned concurrency.
   *
   * @default - on: < 20 percent in every hour of a day
   */
  readonly provisionedConcurrencyIdlePercent?: AlarmOptions;

  /**
   * Cold starts as a share of invocations, in percent, from the `platform.report` records that
   * carry an init duration.
   *
   * @default - off; when on: > 5 percent in 3 of 3 periods of 5 minutes
   */
  readonly coldStartPercent?: AlarmOptions;
}
