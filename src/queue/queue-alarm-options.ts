import { AlarmOptions } from '../core/alarm-options';

/**
 * Changes to the default alarms of an ObservedQueue. Each option's name carries the unit of its
 * `threshold`.
 */
export interface QueueAlarmOptions {
  /**
   * Backpressure: the age of the oldest message, in seconds. It grows linearly while producers
   * outpace the consumer.
   *
   * @default - on: > 300 seconds in 2 of 3 minutes
   */
  readonly ageOfOldestMessageSeconds?: AlarmOptions;

  /**
   * Backlog growing: the oldest message is over a minute old and both its age and the number of
   * visible messages rose from one minute to the next. The metric is 1 in such a minute, so tune
   * the window (`evaluationPeriods`, `datapointsToAlarm`, in minutes) rather than the threshold. It
   * sees the trend minutes before the age passes `ageOfOldestMessageSeconds`, whatever that is.
   *
   * @default - on: older and more messages than a minute before in 5 of 5 minutes
   */
  readonly backlogGrowing?: AlarmOptions;

  /**
   * Stuck consumer: messages are visible while none is deleted (the consumer errors, so messages
   * return to the queue and nothing is removed). The metric is 1 in such a minute, so tune the
   * window (`evaluationPeriods`, `datapointsToAlarm`, in minutes) rather than the threshold.
   *
   * @default - on: messages visible and none deleted in 5 of 5 minutes
   */
  readonly stuckConsumer?: AlarmOptions;

  /**
   * Messages added to the dead-letter queue in a minute (the rise of its depth), as a count: each
   * one is a lost unit of work. The alarm returns to OK after the minute, so every new failure
   * alarms again.
   *
   * @default - on: > 0 in 1 minute
   */
  readonly deadLetterQueueMessages?: AlarmOptions;
}
