import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { consumerSpec, functionProps, FunctionSpec, makeFunction } from './function';
import { ObservedQueue } from '../../../src';
import { QUEUE_ALARMS } from '../../../src/queue/queue-alarm-catalog';
import { alarmOptions, alarmProps, alarmSpecs, alarmsWrong, AlarmSpecs } from '../alarms';
import { FuzzCase } from '../case';
import { constructId, Dur, dur, durationIn, maybe, num, Num, numberIn, seconds, sometimes } from '../values';

interface QueueSpec {
  readonly id: string;
  readonly observed: boolean;
  readonly fifo?: boolean;
  readonly visibilityTimeout?: Dur;
  readonly maxReceiveCount?: Num;
  readonly alarms?: AlarmSpecs;
}

const queueSpec: fc.Arbitrary<QueueSpec> = fc.record({
  id: constructId,
  observed: fc.boolean(),
  fifo: maybe(fc.boolean()),
  visibilityTimeout: sometimes(durationIn(0, 43_200), 0.4),
  maxReceiveCount: maybe(numberIn(1, 1000)),
  alarms: alarmSpecs(Object.keys(QUEUE_ALARMS)),
});

function makeQueue(scope: Construct, spec: QueueSpec): sqs.Queue {
  const stack = Stack.of(scope);
  // a plain sqs.Queue is aws-cdk-lib's to judge: give it whole seconds in range
  const visibility = spec.observed ? spec.visibilityTimeout : wholeSeconds(spec.visibilityTimeout);
  const props = { fifo: spec.fifo, visibilityTimeout: dur(stack, visibility) };
  return spec.observed
    ? new ObservedQueue(scope, spec.id, { ...props, maxReceiveCount: num(stack, spec.maxReceiveCount), alarms: alarmOptions(stack, spec.alarms) })
    : new sqs.Queue(scope, spec.id, props);
}

function wholeSeconds(v: Dur | undefined): Dur | undefined {
  const s = seconds(v);
  if (v === undefined || v === 'TOKEN' || s === undefined) return v;
  return { unit: 'seconds', amount: Number.isFinite(s) ? Math.min(43_200, Math.max(0, Math.round(s))) : 30 };
}

function queueProps(spec: QueueSpec): string[] {
  const out = spec.visibilityTimeout !== undefined ? ['visibilityTimeout'] : [];
  if (spec.fifo) out.push('fifo');
  if (!spec.observed) return out;
  if (spec.maxReceiveCount !== undefined) out.push('maxReceiveCount');
  return [...out, ...alarmProps('alarms', spec.alarms)];
}

export const observedQueueCase: fc.Arbitrary<FuzzCase> = queueSpec.map(q => ({ ...q, observed: true })).map(spec => {
  let queue: sqs.Queue | undefined;
  return {
    target: 'ObservedQueue',
    input: spec,
    props: queueProps(spec),
    build: (stack: Stack) => { queue = makeQueue(stack, spec); },
    wrong: (stack: Stack) => alarmsWrong(stack, (queue as ObservedQueue).alarms, QUEUE_ALARMS, spec.alarms),
  };
});

interface ConsumeSpec {
  readonly fn: FunctionSpec;
  readonly queue: QueueSpec;
  readonly batchSize?: Num;
  readonly maxBatchingWindow?: Dur;
  readonly maxConcurrency?: Num;
  readonly queueAlarms?: AlarmSpecs;
  /** A second queue with the same id under another parent, consumed too. */
  readonly sameIdElsewhere: boolean;
}

const consumeSpec: fc.Arbitrary<ConsumeSpec> = fc.record({
  fn: consumerSpec,
  queue: queueSpec.map(q => ({ ...q, id: `Queue${q.id}`, alarms: undefined })),
  batchSize: maybe(fc.oneof(numberIn(1, 10), numberIn(1, 10_000))),
  maxBatchingWindow: maybe(durationIn(0, 300)),
  maxConcurrency: maybe(numberIn(2, 1000)),
  queueAlarms: alarmSpecs(Object.keys(QUEUE_ALARMS)),
  sameIdElsewhere: fc.boolean(),
});

export const consumeQueueCase: fc.Arbitrary<FuzzCase> = consumeSpec.map(spec => {
  let fn: lambda.Function | undefined;
  let queues: sqs.Queue[] = [];
  const options = (stack: Stack) => ({
    batchSize: num(stack, spec.batchSize),
    maxBatchingWindow: dur(stack, spec.maxBatchingWindow),
    maxConcurrency: num(stack, spec.maxConcurrency),
    queueAlarms: alarmOptions(stack, spec.queueAlarms),
  });
  const props = [...functionProps(spec.fn), ...queueProps(spec.queue), ...alarmProps('queueAlarms', spec.queueAlarms)];
  for (const k of ['batchSize', 'maxBatchingWindow', 'maxConcurrency'] as const) if (spec[k] !== undefined) props.push(k);
  // the queue's visibility timeout (given or SQS's default) must fit the function's timeout
  props.push('visibilityTimeout');
  return {
    target: 'consumeQueue',
    input: spec,
    props,
    build: (stack: Stack) => {
      const f = makeFunction(stack, spec.fn);
      fn = f;
      queues = [makeQueue(stack, spec.queue)];
      f.consumeQueue(queues[0], options(stack));
      if (spec.sameIdElsewhere) {
        queues.push(makeQueue(new Construct(stack, 'Elsewhere'), spec.queue));
        f.consumeQueue(queues[1], options(stack));
      }
    },
    wrong: (stack: Stack) => {
      if (spec.fn.reservedConcurrentExecutions === 0) return 'a consumer with reserved concurrency 0 never runs';
      const timeout = seconds(spec.fn.timeout ?? { unit: 'seconds', amount: 10 });
      for (const q of queues) {
        const visibility = stack.resolve((q.node.defaultChild as sqs.CfnQueue).visibilityTimeout) ?? 30;
        if (typeof visibility !== 'number' || timeout === undefined) continue;
        // with a token window, the largest window it may be (300 s), where the library sizes the queue
        const sized = q instanceof ObservedQueue && spec.queue.visibilityTimeout === undefined;
        if (spec.maxBatchingWindow === 'TOKEN' && !sized) continue;
        const window = spec.maxBatchingWindow === 'TOKEN' ? 300 : seconds(spec.maxBatchingWindow) ?? 0;
        if (visibility < 6 * timeout + window) return `${q.node.path}: visibility timeout ${visibility} s below 6 x ${timeout} s + ${window} s`;
      }
      for (const q of queues) {
        if (q instanceof ObservedQueue) continue;
        const wrong = alarmsWrong(stack, fn!.node.findAll().filter((c): c is any => c.constructor.name === 'Alarm'), QUEUE_ALARMS, spec.queueAlarms);
        if (wrong) return wrong;
      }
      return undefined;
    },
  };
});
