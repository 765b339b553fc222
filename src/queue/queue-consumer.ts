import { Duration, Token, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ObservedQueue } from './observed-queue';
import { QUEUE_ALARMS } from './queue-alarm-catalog';
import { QueueConsumerOptions } from './queue-consumer-options';
import { buildAlarms } from '../alarms/alarm-builder';
import { ObservedErrorCode } from '../core/error-codes';
import { checkDurationSeconds, checkInteger, checkRange, concreteMillis, invalidProp } from '../core/errors';
import { functionDiagnosis } from '../core/function-diagnosis';
import { invokeTargetOf } from '../core/invoke-target';
import { SQS_MIN_WINDOW_SECONDS_ABOVE_10, LAMBDA_TIMEOUT, requiredVisibilityTimeoutSeconds, SQS_DEFAULT_VISIBILITY_SECONDS } from '../core/limits';
import { stateOf } from '../core/tree-state';
import { wiringId } from '../core/wiring-id';

/** Lambda's limits for SQS event sources. */
export const SQS_SOURCE_LIMITS = {
  batchSizeWithoutWindow: 10,
  batchSizeStandard: 10_000,
  batchSizeFifo: 10,
  maxBatchingWindowSeconds: 300,
  maxConcurrency: { min: 2, max: 1000 },
};

const DEFAULT_BATCH_SIZE = 10;

/** What the consumer wiring needs to know of the function. */
export interface ConsumerFunction extends lambda.Function {
  /** Reserved concurrency as given in the props (undefined when none). */
  readonly reservedConcurrency?: number;
}

/** What a function consumes already (state on the function: see core/tree-state.ts). */
interface ConsumedQueues { queues: Set<sqs.IQueue>; maxConcurrencySum: number }

/**
 * Wires `fn` to consume `queue` with safe settings, checking at synth time what makes a consumer
 * fail in production. The single implementation behind `ObservedFunction.consumeQueue`.
 */
export function consumeQueue(fn: ConsumerFunction, queue: sqs.IQueue, options: QueueConsumerOptions = {}): SqsEventSource {
  const L = SQS_SOURCE_LIMITS;
  const where = `consumeQueue(${queue.node.path})`;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const windowSeconds = options.maxBatchingWindow?.isUnresolved() ? undefined : options.maxBatchingWindow?.toSeconds({ integral: false }) ?? 0;

  checkDurationSeconds(fn, `${where} maxBatchingWindow`, options.maxBatchingWindow, 0, L.maxBatchingWindowSeconds);
  checkRange(fn, `${where} batchSize`, batchSize, 1, queue.fifo ? L.batchSizeFifo : L.batchSizeStandard);
  checkInteger(fn, `${where} batchSize`, batchSize);
  if (!Token.isUnresolved(batchSize) && batchSize > L.batchSizeWithoutWindow && options.maxBatchingWindow === undefined) {
    invalidProp(ObservedErrorCode.MISSING_PROP, fn, `${where} batchSize`, batchSize, `above ${L.batchSizeWithoutWindow} a maxBatchingWindow is required`,
      'Set maxBatchingWindow (for example Duration.seconds(5)), or lower batchSize to 10.');
  }
  const bigBatch = !Token.isUnresolved(batchSize) && batchSize > L.batchSizeWithoutWindow;
  if (bigBatch && windowSeconds !== undefined && windowSeconds < SQS_MIN_WINDOW_SECONDS_ABOVE_10) {
    invalidProp(ObservedErrorCode.OUT_OF_RANGE, fn, `${where} maxBatchingWindow`, `${windowSeconds} seconds`,
      `allowed is at least ${SQS_MIN_WINDOW_SECONDS_ABOVE_10} second with a batchSize above ${L.batchSizeWithoutWindow} (batchSize is ${batchSize})`,
      'Lambda rejects the mapping otherwise. Set maxBatchingWindow to Duration.seconds(1) or more, or lower batchSize to 10.');
  }
  if (queue.fifo && options.maxBatchingWindow !== undefined) {
    invalidProp(ObservedErrorCode.CONFLICTING_PROPS, fn, `${where} maxBatchingWindow`, options.maxBatchingWindow.toHumanString(), 'FIFO queues do not support a batching window');
  }
  checkRange(fn, `${where} maxConcurrency`, options.maxConcurrency, L.maxConcurrency.min, L.maxConcurrency.max);
  checkInteger(fn, `${where} maxConcurrency`, options.maxConcurrency);


  const state = stateOf<ConsumedQueues>(fn, 'queueConsumer.consumed', () => ({ queues: new Set<sqs.IQueue>(), maxConcurrencySum: 0 }));
  if (state.queues.has(queue)) invalidProp(ObservedErrorCode.DUPLICATE, fn, where, 'called twice for the same queue', 'a function consumes a queue once');
  checkReservedConcurrency(fn, where, state, options.maxConcurrency);
  // a window that is a token may be as long as the largest window: size the queue for that
  fitVisibilityTimeout(fn, queue, where, windowSeconds ?? L.maxBatchingWindowSeconds, windowSeconds === undefined);

  if (ObservedQueue.isObservedQueue(queue)) {
    if (options.queueAlarms) {
      invalidProp(ObservedErrorCode.CONFLICTING_PROPS, fn, `${where} queueAlarms`, 'set', 'an ObservedQueue has its own alarms', `Set them with the ObservedQueue's alarms prop at ${queue.node.path}.`);
    }
  } else {
    createQueueAlarms(fn, queue, options);
  }

  const source = new SqsEventSource(queue, {
    batchSize,
    maxBatchingWindow: options.maxBatchingWindow,
    maxConcurrency: options.maxConcurrency,
    reportBatchItemFailures: options.reportBatchItemFailures ?? true,
  });
  const target = invokeTargetOf(fn);
  const before = new Set(target.node.children);
  target.addEventSource(source);
  state.queues.add(queue);
  if (queue instanceof sqs.Queue && queue.deadLetterQueue) {
    for (const mapping of target.node.children.filter(c => !before.has(c))) {
      Validations.of(mapping).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason: `SQS event source mappings take no on-failure destination: messages that keep failing move to the queue's dead-letter queue (${queue.deadLetterQueue.queue.node.path}) after maxReceiveCount receives.`,
      });
    }
  }
  return source;
}

function checkReservedConcurrency(fn: ConsumerFunction, where: string, state: { maxConcurrencySum: number },
  maxConcurrency: number | undefined): void {
  if (maxConcurrency === undefined || Token.isUnresolved(maxConcurrency)) return;
  state.maxConcurrencySum += maxConcurrency;
  const reserved = fn.reservedConcurrency;
  if (reserved === undefined || Token.isUnresolved(reserved)) return;
  if (reserved < state.maxConcurrencySum) {
    invalidProp(ObservedErrorCode.CONCURRENCY_ABOVE_RESERVED, fn, `${where} maxConcurrency`, maxConcurrency,
      `the function's queues may then run ${state.maxConcurrencySum} invocations at once, above its reservedConcurrentExecutions of ${reserved}`,
      'Lambda would throttle the excess and return messages to the queue. Raise reservedConcurrentExecutions or lower maxConcurrency.');
  }
}

/**
 * AWS: the queue's visibility timeout must be at least 6x the function timeout plus the batching
 * window, or messages reappear while a batch is still being processed. An ObservedQueue whose
 * visibility timeout was not set is given one that fits; any other queue is checked.
 */
function fitVisibilityTimeout(fn: lambda.Function, queue: sqs.IQueue, where: string, windowSeconds: number, windowIsToken: boolean): void {
  const timeoutMs = concreteMillis(fn.timeout ?? Duration.seconds(LAMBDA_TIMEOUT.defaultSeconds));
  if (timeoutMs === undefined) return;
  const requiredSeconds = requiredVisibilityTimeoutSeconds(timeoutMs / 1000, windowSeconds);
  if (ObservedQueue.isObservedQueue(queue) && queue._fitsVisibilityTimeout()) {
    queue._requireVisibilityTimeout(requiredSeconds);
    return;
  }
  const cfn = queue.node.defaultChild;
  if (!(cfn instanceof sqs.CfnQueue)) return; // an imported queue: its settings are not known here
  const visibility = cfn.visibilityTimeout ?? SQS_DEFAULT_VISIBILITY_SECONDS;
  if (Token.isUnresolved(visibility)) return;
  // a window that is a token is not judged: the queue must fit the function timeout at least
  const needed = windowIsToken ? requiredVisibilityTimeoutSeconds(timeoutMs / 1000, 0) : requiredSeconds;
  if (visibility < needed) {
    invalidProp(ObservedErrorCode.VISIBILITY_TIMEOUT_TOO_SHORT, fn, `${where} visibilityTimeout`, `${visibility} seconds`,
      `allowed is at least ${needed} seconds (6 x the function timeout of ${timeoutMs / 1000} seconds + ${windowIsToken ? 'a batching window that is a token, counted as 0' : `a batching window of ${windowSeconds} seconds`})`,
      `Set the queue's visibilityTimeout to Duration.seconds(${needed}) or more, or lower the function timeout.`);
  }
}

function createQueueAlarms(fn: lambda.Function, queue: sqs.IQueue, options: QueueConsumerOptions): void {
  const owner = new Construct(fn, wiringId(fn, queue, 'Alarms'));
  const dlq = queue instanceof sqs.Queue ? queue.deadLetterQueue?.queue : undefined;
  buildAlarms(QUEUE_ALARMS, {
    owner,
    subject: queue,
    dimensions: { QueueName: queue.queueName },
    dimensionsFor: key => key === 'deadLetterQueueMessages' && dlq ? { QueueName: dlq.queueName } : undefined,
    options: options.queueAlarms,
    optionsProp: `consumeQueue(${queue.node.path}) queueAlarms`,
    applies: key => key !== 'deadLetterQueueMessages' || dlq !== undefined,
    // a stuck or slow consumer is explained by the function's errors and traces
    diagnosis: functionDiagnosis(fn, false),
  });
}
