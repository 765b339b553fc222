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
   * Stuck consumer: messages are visible while none is deleted (the consumer errors, so messages
   * return to the queue and nothing is removed). The metric is 1 in such a minute, so tune the
   * window (`evaluationPeriods`, `datapointsToAlarm`, in minutes) rather than the threshold.
   *
   * @default - on: messages visible and none deleted in 5 of 5 minutes
   */
  readonly stuckConsumer?: AlarmOptions;

  /**
   * Messages in the dead-letter queue, as a count: each one is a lost unit of work.
   *
   * @default - on: > 0 in 1 minute
   */
  readonly deadLetterQueueMessages?: AlarmOptions;
}
