import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { testStack } from '../helpers';
import { fn, lines, lint, twoStacks } from './lint';

const RULE = 'SqsBatching';

function mapping(stack: ReturnType<typeof testStack>, id: string, queue: sqs.IQueue,
  props: Partial<lambda.CfnEventSourceMappingProps>): lambda.CfnEventSourceMapping {
  const worker = fn(stack, `${id}Fn`, 10);
  return new lambda.CfnEventSourceMapping(stack, id, { eventSourceArn: queue.queueArn, functionName: worker.functionName, ...props });
}

describe('SqsBatching', () => {
  test('a batch above 10 without a batching window is an error naming the values and the fix', () => {
    const stack = testStack();
    mapping(stack, 'Big', new sqs.Queue(stack, 'Jobs'), { batchSize: 100 });
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['error ServerlessOps-SqsBatching TestStack/Big']);
    expect(findings[0].message).toContain('reads queue TestStack/Jobs with a batch size of 100 and no batching window');
    expect(findings[0].message).toContain('Set maxBatchingWindow to at least 1 second');
  });

  test('with a batching window of at least 1 s, or batches of 10 or less, it is fine', () => {
    const stack = testStack();
    const queue = new sqs.Queue(stack, 'Jobs');
    mapping(stack, 'Windowed', queue, { batchSize: 100, maximumBatchingWindowInSeconds: 1 });
    mapping(stack, 'Ten', queue, { batchSize: 10 });
    mapping(stack, 'Default', queue, {});
    fn(stack, 'L2', 10).addEventSource(new SqsEventSource(new sqs.Queue(stack, 'Other'), { batchSize: 500, maxBatchingWindow: Duration.seconds(2) }));
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('a window of 0 s is no window', () => {
    const stack = testStack();
    mapping(stack, 'Zero', new sqs.Queue(stack, 'Jobs'), { batchSize: 20, maximumBatchingWindowInSeconds: 0 });
    expect(lint(stack, RULE)[0].message).toContain('a batching window of 0 s');
  });

  test('FIFO queues allow at most 10, window or not', () => {
    const stack = testStack();
    const fifo = new sqs.Queue(stack, 'Orders', { fifo: true });
    mapping(stack, 'Fifo', fifo, { batchSize: 20, maximumBatchingWindowInSeconds: 5 });
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['error ServerlessOps-SqsBatching TestStack/Fifo']);
    expect(findings[0].message).toContain('reads FIFO queue TestStack/Orders with a batch size of 20; FIFO queues allow at most 10');
  });

  test('a literal .fifo queue ARN outside the app is FIFO too', () => {
    const stack = testStack();
    mapping(stack, 'ExtMap', sqs.Queue.fromQueueArn(stack, 'Ext', 'arn:aws:sqs:us-east-1:123456789012:orders.fifo'), { batchSize: 20, maximumBatchingWindowInSeconds: 5 });
    expect(lint(stack, RULE)[0].message).toContain('FIFO queue orders.fifo');
  });

  test('a batch size that is a token is not judged', () => {
    const stack = testStack();
    const p = new CfnParameter(stack, 'Batch', { type: 'Number' });
    mapping(stack, 'Tok', new sqs.Queue(stack, 'Jobs'), { batchSize: p.valueAsNumber });
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('across stacks: a FIFO queue in another stack', () => {
    const { app, a, b } = twoStacks();
    const fifo = new sqs.Queue(a, 'Orders', { fifo: true });
    const worker = fn(b, 'Worker', 10);
    new lambda.CfnEventSourceMapping(b, 'Map', { eventSourceArn: fifo.queueArn, functionName: worker.functionName, batchSize: 50, maximumBatchingWindowInSeconds: 2 });
    expect(lines(lint(app, RULE))).toEqual(['error ServerlessOps-SqsBatching B/Map']);
  });
});
