import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ObservedFunction, ObservedQueue, QueueConsumerOptions, ServerlessOpsChecks } from '../../src';
import { MINIMAL, synth, testStack } from '../helpers';
import { nagFindings } from '../nag';

describe('fn.consumeQueue(new ObservedQueue(...)) with both defaults', () => {
  const stack = testStack();
  const fn = new ObservedFunction(stack, 'Worker', { ...MINIMAL, asyncFailureQueue: false });
  const queue = new ObservedQueue(stack, 'Jobs');
  const source = fn.consumeQueue(queue);
  const template = synth(stack);

  test('the queue gets the visibility timeout the consumer needs: 6 x 10 s', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 60, RedrivePolicy: Match.anyValue() });
  });

  test('batches of 10, partial batch responses on, no concurrency limit', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Jobs'), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: Match.absent(),
      MaximumBatchingWindowInSeconds: Match.absent(),
    });
    expect(source.eventSourceMappingId).toBeDefined();
  });

  test('the queue alarms come from the ObservedQueue, not twice', () => {
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties.AlarmName);
    expect(names.filter(n => n.endsWith('/Backpressure'))).toEqual(['TestStack/Jobs/Backpressure']);
  });

  test('cdk-nag 3 AwsSolutions and Serverless: no unacknowledged finding', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('consumer settings', () => {
  test('window, batch size, max concurrency; the visibility timeout follows the largest need', () => {
    const stack = testStack();
    const queue = new ObservedQueue(stack, 'Jobs');
    new ObservedFunction(stack, 'Fast', { ...MINIMAL, timeout: Duration.seconds(5) })
      .consumeQueue(queue, { batchSize: 100, maxBatchingWindow: Duration.seconds(20), maxConcurrency: 5, reportBatchItemFailures: false });
    new ObservedFunction(stack, 'Slow', { ...MINIMAL, timeout: Duration.seconds(30) }).consumeQueue(queue);
    const template = synth(stack);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 20,
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: Match.absent(),
    });
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 180, RedrivePolicy: Match.anyValue() });
  });

  test('a plain sqs.Queue gets the queue alarms from the wiring, its DLQ alarmed too', () => {
    const stack = testStack();
    const dlq = new sqs.Queue(stack, 'Dlq');
    const queue = new sqs.Queue(stack, 'Plain', { visibilityTimeout: Duration.seconds(60), deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
    new ObservedFunction(stack, 'Worker', MINIMAL).consumeQueue(queue, { queueAlarms: { ageOfOldestMessageSeconds: { threshold: 120 } } });
    const template = synth(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Worker/PlainAlarms/Backpressure',
      Threshold: 120,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Plain'), 'QueueName'] } }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack/Worker/PlainAlarms/StuckConsumer' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Worker/PlainAlarms/DeadLetterQueueMessages',
      Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Dlq'), 'QueueName'] } }] }) }) })]),
    });
  });

  test('an imported queue is consumed; its visibility timeout is not known and not judged', () => {
    const stack = testStack();
    const queue = sqs.Queue.fromQueueArn(stack, 'Imported', 'arn:aws:sqs:us-east-1:123456789012:jobs');
    new ObservedFunction(stack, 'Worker', MINIMAL).consumeQueue(queue);
    synth(stack).resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });
});

describe('consumer errors at synth time', () => {
  function consume(options: QueueConsumerOptions, queueProps: sqs.QueueProps = {}, fnProps: Partial<lambda.FunctionProps> = {}): void {
    const stack = testStack();
    const queue = new sqs.Queue(stack, 'Jobs', { visibilityTimeout: Duration.minutes(5), ...queueProps });
    new ObservedFunction(stack, 'Worker', { ...MINIMAL, ...fnProps }).consumeQueue(queue, options);
  }

  test.each<[string, QueueConsumerOptions, sqs.QueueProps, Partial<lambda.FunctionProps>, string]>([
    ['visibility below 6x timeout + window', { maxBatchingWindow: Duration.seconds(5) }, { visibilityTimeout: Duration.seconds(30) }, {},
      "TestStack/Worker: consumeQueue(TestStack/Jobs) visibilityTimeout is 30 seconds; allowed is at least 65 seconds (6 x the function timeout of 10 seconds + a batching window of 5 seconds). Set the queue's visibilityTimeout to Duration.seconds(65) or more, or lower the function timeout."],
    ['SQS default visibility under a 10 s function', {}, { visibilityTimeout: undefined }, {},
      'TestStack/Worker: consumeQueue(TestStack/Jobs) visibilityTimeout is 30 seconds; allowed is at least 60 seconds'],
    ['batch above 10 without a window', { batchSize: 11 }, {}, {},
      'TestStack/Worker: consumeQueue(TestStack/Jobs) batchSize is 11; above 10 a maxBatchingWindow is required. Set maxBatchingWindow (for example Duration.seconds(5)), or lower batchSize to 10.'],
    ['FIFO batch above 10', { batchSize: 20, maxBatchingWindow: Duration.seconds(1) }, { fifo: true }, {},
      'TestStack/Worker: consumeQueue(TestStack/Jobs) batchSize is 20; allowed range is 1-10.'],
    ['a batching window on a FIFO queue', { maxBatchingWindow: Duration.seconds(1) }, { fifo: true }, {},
      'TestStack/Worker: consumeQueue(TestStack/Jobs) maxBatchingWindow is 1 second; FIFO queues do not support a batching window.'],
    ['batch above 10,000', { batchSize: 10001, maxBatchingWindow: Duration.seconds(1) }, {}, {},
      'TestStack/Worker: consumeQueue(TestStack/Jobs) batchSize is 10001; allowed range is 1-10000.'],
    ['window above 5 minutes', { maxBatchingWindow: Duration.minutes(6) }, { visibilityTimeout: Duration.hours(1) }, {},
      'TestStack/Worker: consumeQueue(TestStack/Jobs) maxBatchingWindow is 360 seconds; allowed range is 0-300 seconds.'],
    ['max concurrency 1', { maxConcurrency: 1 }, {}, {},
      'TestStack/Worker: consumeQueue(TestStack/Jobs) maxConcurrency is 1; allowed range is 2-1000.'],
    ['max concurrency 1001', { maxConcurrency: 1001 }, {}, {},
      'TestStack/Worker: consumeQueue(TestStack/Jobs) maxConcurrency is 1001; allowed range is 2-1000.'],
    ['max concurrency above reserved concurrency', { maxConcurrency: 20 }, {}, { reservedConcurrentExecutions: 10 },
      "TestStack/Worker: consumeQueue(TestStack/Jobs) maxConcurrency is 20; the function's queues may then run 20 invocations at once, above its reservedConcurrentExecutions of 10."],
  ])('%s', (_name, options, queueProps, fnProps, message) => {
    expect(() => consume(options, queueProps, fnProps)).toThrow(message);
  });

  test('reserved concurrency below the sum over several queues', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Worker', { ...MINIMAL, reservedConcurrentExecutions: 10 });
    fn.consumeQueue(new ObservedQueue(stack, 'A'), { maxConcurrency: 6 });
    expect(() => fn.consumeQueue(new ObservedQueue(stack, 'B'), { maxConcurrency: 6 }))
      .toThrow("TestStack/Worker: consumeQueue(TestStack/B) maxConcurrency is 6; the function's queues may then run 12 invocations at once, above its reservedConcurrentExecutions of 10.");
  });

  test('alarms for an ObservedQueue belong on the queue', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Worker', MINIMAL);
    expect(() => fn.consumeQueue(new ObservedQueue(stack, 'Jobs'), { queueAlarms: {} }))
      .toThrow("TestStack/Worker: consumeQueue(TestStack/Jobs) queueAlarms is set; an ObservedQueue has its own alarms. Set them with the ObservedQueue's alarms prop at TestStack/Jobs.");
  });

  test('an explicit ObservedQueue visibility timeout is checked like any other', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Worker', MINIMAL);
    expect(() => fn.consumeQueue(new ObservedQueue(stack, 'Jobs', { visibilityTimeout: Duration.seconds(45) })))
      .toThrow(/visibilityTimeout is 45 seconds; allowed is at least 60 seconds/);
  });
});

describe('self-trigger loop through the queue: reported once, by the rule pack', () => {
  function loopStack(recursiveLoop?: lambda.RecursiveLoop): Stack {
    const stack = testStack();
    const queue = new ObservedQueue(stack, 'Jobs');
    const fn = new ObservedFunction(stack, 'Worker', { ...MINIMAL, recursiveLoop });
    fn.consumeQueue(queue);
    queue.grantSendMessages(fn); // granted after the wiring: still found
    return stack;
  }

  test('a consumer allowed to send to its own queue is a QueueSelfTrigger finding, and no second warning of the construct', () => {
    const stack = loopStack();
    expect(nagFindings(stack, new ServerlessOpsChecks()).filter(f => f.includes('QueueSelfTrigger'))).toEqual([
      'warning ServerlessOps-QueueSelfTrigger TestStack/Worker/Resource',
    ]);
    (stack.node.root as App).synth();
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('self-trigger|loop'))).toEqual([]);
  });

  test('one acknowledgement, the documented one, silences it', () => {
    const stack = loopStack();
    Validations.of(stack.node.findChild('Worker')).acknowledge({ id: 'ServerlessOps-QueueSelfTrigger', reason: 'requeues with a delay and a retry counter' });
    expect(nagFindings(stack, new ServerlessOpsChecks()).filter(f => f.includes('QueueSelfTrigger'))).toEqual([]);
  });

  test('sending to another queue is no loop', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Worker', MINIMAL);
    fn.consumeQueue(new ObservedQueue(stack, 'Jobs'));
    new ObservedQueue(stack, 'Results').grantSendMessages(fn);
    expect(nagFindings(stack, new ServerlessOpsChecks()).filter(f => f.includes('QueueSelfTrigger'))).toEqual([]);
  });
});
