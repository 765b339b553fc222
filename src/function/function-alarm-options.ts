import { AlarmOptions } from '../core/alarm-options';

/**
 * Changes to the default alarms of an ObservedFunction. Each option's name carries the unit of
 * its `threshold`. The default alarms evaluate 1-minute periods so that an incident is alarmed
 * within a few minutes of its onset; the opt-in latency, traffic and error-budget alarms, and the
 * provisioned-concurrency ones, longer windows.
 */
export interface FunctionAlarmOptions {
  /**
   * Errors as a share of invocations, in percent (a rate, so traffic volume does not move it). A
   * minute counts only with more than one failed invocation, or with every invocation failed, so
   * a lone error among successful invocations never does. Minutes without invocations are missing
   * data, so a quiet function (an hourly job) whose only invocation in the last minutes failed
   * alarms too, while a busy one needs 2 failing minutes.
   *
   * @default - on: > 5 percent in 2 of 3 minutes (minutes with 2 or more failed invocations, or all failed); missing data treated as missing
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
   * destination), as a count. Only with a dead-letter queue or an on-failure destination of your
   * own (the construct's failure queue has `failureQueueMessages` instead).
   *
   * @default - on: > 0 in 1 minute
   */
  readonly asyncEventsDropped?: AlarmOptions;

  /**
   * The age of the oldest asynchronous event when Lambda hands it to the function, in seconds
   * (`AsyncEventAge`, Maximum): events from S3, SNS, EventBridge or `Invoke` with `Event` waiting
   * in Lambda's internal queue because the function is throttled or its concurrency capped (the
   * async counterpart of a queue's backpressure). Retries after function errors add up to about 3
   * minutes; throttled events wait up to their maximum age (6 hours by default). Opt-in, for
   * functions invoked asynchronously.
   *
   * @default - off; when on: > 600 seconds in 2 of 3 minutes
   */
  readonly asyncEventAgeSeconds?: AlarmOptions;

  /**
   * Events added to the function's own failure queue (`asyncFailureQueue`) in a minute, as a
   * count: asynchronous events that failed every retry. The alarm returns to OK after the minute,
   * so every new failed event alarms again. Only with the construct's failure queue (which makes
   * `asyncEventsDropped` redundant: dropped events either arrive there or fail delivery).
   *
   * @default - on: > 0 in 1 minute
   */
  readonly failureQueueMessages?: AlarmOptions;

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
   * possible cold start), as a share of the alias's invocations in percent, over 5-minute
   * windows: a burst that spills a few calls for a minute does not fire it, traffic that outgrew
   * the provisioned concurrency does. Only with provisioned concurrency.
   *
   * @default - on: > 10 percent of invocations in 2 of 2 periods of 5 minutes
   */
  readonly provisionedConcurrencySpilloverPercent?: AlarmOptions;

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
   * Latency objective: p99 duration above the latency you state, in milliseconds, over 5-minute
   * windows (opt-in: `durationNearTimeout` watches the timeout; this one watches your target).
   *
   * @default - off; when on: > 1000 milliseconds in 2 of 2 periods of 5 minutes
   */
  readonly durationP99Milliseconds?: AlarmOptions;

  /**
   * Traffic stopped: fewer invocations in a period than the function always receives (opt-in:
   * state the expectation with `threshold`, invocations per `period`). Periods without
   * invocations count as 0.
   *
   * @default - off; when on: < 1 invocations per period of 10 minutes
   */
  readonly minimumInvocations?: AlarmOptions;

  /**
   * Fast error-budget burn: failed invocations spend the budget of `availabilityObjectivePercent`
   * at this many times the rate the objective allows, in 3 of the last 15 two-minute windows. A
   * blip of 3 minutes or less never fires it.
   *
   * @default - off (on when `availabilityObjectivePercent` is set): >= 10 x the error budget rate in 3 of 15 periods of 2 minutes
   */
  readonly errorBudgetFastBurn?: AlarmOptions;

  /**
   * Slow error-budget burn: failed invocations spend the budget at this many times the allowed
   * rate in 6 of the last 12 half-hour windows.
   *
   * @default - off (on when `availabilityObjectivePercent` is set): >= 2 x the error budget rate in 6 of 12 periods of 30 minutes
   */
  readonly errorBudgetSlowBurn?: AlarmOptions;

  /**
   * Cold starts as a share of invocations, in percent, from the `platform.report` records that
   * carry an init duration.
   *
   * @default - off; when on: > 5 percent in 3 of 3 periods of 5 minutes
   */
  readonly coldStartPercent?: AlarmOptions;
}
