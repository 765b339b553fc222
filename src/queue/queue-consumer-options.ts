import { Duration } from 'aws-cdk-lib';
import { QueueAlarmOptions } from './queue-alarm-options';

/**
 * How an ObservedFunction consumes an SQS queue (`fn.consumeQueue(queue, options)`).
 */
export interface QueueConsumerOptions {
  /**
   * Messages per invocation. Above 10 a `maxBatchingWindow` is required; FIFO queues allow at
   * most 10.
   *
   * @default 10
   */
  readonly batchSize?: number;

  /**
   * How long Lambda gathers messages before invoking, up to 5 minutes. It adds to the visibility
   * timeout the queue needs.
   *
   * @default - no window: invoke as soon as messages are available
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * The most concurrent invocations this queue may cause, 2-1000. Bounds how hard a backlog hits
   * downstream systems; with reserved concurrency, the sum over the function's queues must not
   * exceed it.
   *
   * @default - no limit: Lambda scales up to the function's or the account's concurrency
   */
  readonly maxConcurrency?: number;

  /**
   * Let the handler return `batchItemFailures`, so one bad message does not return the whole
   * batch to the queue.
   *
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;

  /**
   * Changes to the queue alarms the wiring creates for a queue that is not an ObservedQueue
   * (an ObservedQueue has its own alarms).
   *
   * @default - the ObservedQueue alarm defaults
   */
  readonly queueAlarms?: QueueAlarmOptions;
}
