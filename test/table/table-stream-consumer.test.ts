import { App, Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ObservedFunction, ObservedTable, TableStreamConsumerOptions } from '../../src';
import { MINIMAL, synth, testStack } from '../helpers';
import { lines, lint } from '../lint/lint';
import { nagFindings } from '../nag';
import { lambdaProcesses } from '../support/event-filter';

const KEY = { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } };

function consumer(options?: TableStreamConsumerOptions, stream = dynamodb.StreamViewType.NEW_AND_OLD_IMAGES) {
  const stack = testStack();
  const table = new ObservedTable(stack, 'Orders', { ...KEY, dynamoStream: stream });
  const fn = new ObservedFunction(stack, 'Projector', { ...MINIMAL, asyncFailureQueue: false });
  fn.consumeTableStream(table, options);
  return { stack, table, fn };
}

describe('fn.consumeTableStream with the defaults', () => {
  const { stack, fn } = consumer();
  const template = synth(stack);

  test('failure handling that cannot block a shard, partial batch responses, LATEST', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Orders'), 'StreamArn'] },
      StartingPosition: 'LATEST',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRecordAgeInSeconds: 21600,
      MaximumRetryAttempts: 3,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ProjectorOrdersStreamFailureQueue'), 'Arn'] } } },
    });
    const [failureQueue] = Object.entries(template.findResources('AWS::SQS::Queue')).filter(([id]) => id.startsWith('ProjectorOrdersStreamFailureQueue'));
    expect(failureQueue[1].Properties.RedriveAllowPolicy).toEqual({ redrivePermission: 'allowAll' });
  });

  test('the function is handed its marker attribute and value', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { OBSERVED_WRITE_MARKER_ATTRIBUTE: '_writer', OBSERVED_WRITE_MARKER: Names.uniqueId(fn) } },
    });
    expect(Names.uniqueId(fn)).toMatch(/^TestStackProjector[0-9A-F]{8}$/);
  });

  test('IteratorAge (300 s = 300,000 ms) and failed-record alarms', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Projector/OrdersStream/IteratorAge',
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Projector') } }],
      Threshold: 300000,
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Projector/OrdersStream/FailedRecords',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'DIFF(FILL(visible, 0))' }),
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ProjectorOrdersStreamFailureQueue'), 'QueueName'] } }] },
          }),
        }),
      ]),
      Threshold: 0,
    });
  });

  test('cdk-nag 3 AwsSolutions and Serverless: no finding', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('own writes are dropped by the event filter, everything else is kept', () => {
  const { stack } = consumer();
  const template = Template.fromStack(stack);
  const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0];
  const patterns = mapping.Properties.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern));
  // the marker the function is handed, as deployed
  const own: string = Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables.OBSERVED_WRITE_MARKER;
  const record = (eventName: string, newImage?: object) => ({
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: { Keys: { pk: { S: '1' } }, ...(newImage ? { NewImage: { pk: { S: '1' }, ...newImage } } : {}), OldImage: { pk: { S: '1' }, _writer: { S: own } } },
  });

  test.each([
    ['its own insert', record('INSERT', { _writer: { S: own } }), false],
    ['its own update', record('MODIFY', { _writer: { S: own } }), false],
    ["another function's write", record('MODIFY', { _writer: { S: 'TestStackOtherFn1234' } }), true],
    ['an unmarked write', record('INSERT', { total: { N: '3' } }), true],
    ['a marker of another type', record('INSERT', { _writer: { N: '1' } }), true],
    ['a delete of an item it wrote', record('REMOVE'), true],
  ])('%s: processed = %s', (_name, rec, processed) => {
    expect(lambdaProcesses(rec, patterns)).toBe(processed);
  });
});

describe('stream consumer options and errors', () => {
  test('user settings win; loop breaking off leaves no filter', () => {
    const { stack } = consumer({
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 500,
      maxBatchingWindow: Duration.seconds(10),
      bisectBatchOnError: false,
      maxRecordAge: Duration.days(1),
      retryAttempts: 10,
      parallelizationFactor: 4,
      dropOwnWrites: false,
    });
    synth(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 10,
      BisectBatchOnFunctionError: false,
      MaximumRecordAgeInSeconds: 86400,
      MaximumRetryAttempts: 10,
      ParallelizationFactor: 4,
      FilterCriteria: Match.absent(),
    });
  });

  test('write access without loop breaking is reported once, by the rule pack, on the mapping (grants after the call count)', () => {
    const { stack, table, fn } = consumer({ dropOwnWrites: false });
    table.grantWriteData(fn);
    (stack.node.root as App).synth({ force: true });
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    const findings = lint(stack, 'TableStreamSelfWrite');
    expect(lines(findings)).toEqual([expect.stringMatching(/^warning ServerlessOps-TableStreamSelfWrite TestStack\/Projector\/DynamoDBEventSource:TestStackOrders\w+\/Resource$/)]);
    expect(findings[0].message).toMatch(/^Function TestStack\/Projector consumes the stream of table TestStack\/Orders .* and may write that table \(dynamodb:PutItem/);
  });

  test('the acknowledgement silences it', () => {
    const { stack, table, fn } = consumer({ dropOwnWrites: false });
    table.grantWriteData(fn);
    Validations.of(fn).acknowledge({ id: 'ServerlessOps-TableStreamSelfWrite', reason: 'writes only to other items, filtered in code' });
    expect(lint(stack, 'TableStreamSelfWrite')).toEqual([]);
  });

  test('write access with loop breaking on is fine', () => {
    const { stack, table, fn } = consumer();
    table.grantWriteData(fn);
    expect(lint(stack, 'TableStreamSelfWrite')).toEqual([]);
    Annotations.fromStack(stack).hasNoError('/TestStack/Projector', Match.anyValue());
  });

  test.each<[string, TableStreamConsumerOptions, string]>([
    ['batch size', { batchSize: 10001 }, 'TestStack/Projector: consumeTableStream(TestStack/Orders) batchSize is 10001; allowed range is 1-10000.'],
    ['max record age', { maxRecordAge: Duration.days(8) }, 'TestStack/Projector: consumeTableStream(TestStack/Orders) maxRecordAge is 691200 seconds; allowed range is 60-604800 seconds.'],
    ['retries', { retryAttempts: -1 }, 'TestStack/Projector: consumeTableStream(TestStack/Orders) retryAttempts is -1; allowed range is 0-10000.'],
    ['parallelization', { parallelizationFactor: 11 }, 'TestStack/Projector: consumeTableStream(TestStack/Orders) parallelizationFactor is 11; allowed range is 1-10.'],
    ['marker attribute', { writeMarkerAttribute: 'bad name' }, "TestStack/Projector: consumeTableStream(TestStack/Orders) writeMarkerAttribute is 'bad name'; allowed are 1-255 letters, digits, _ . and -."],
  ])('%s', (_name, options, message) => {
    expect(() => consumer(options)).toThrow(message);
  });

  test('a stream without new images cannot drop own writes', () => {
    expect(() => consumer({}, dynamodb.StreamViewType.KEYS_ONLY)).toThrow(
      "TestStack/Projector: consumeTableStream(TestStack/Orders) dropOwnWrites is true; the table's stream has view type KEYS_ONLY, and dropping the function's own writes needs NEW_IMAGE or NEW_AND_OLD_IMAGES.");
  });

  test('a table without a stream', () => {
    const stack = testStack();
    const table = new ObservedTable(stack, 'Orders', KEY);
    expect(() => new ObservedFunction(stack, 'Projector', MINIMAL).consumeTableStream(table)).toThrow(
      'TestStack/Projector: consumeTableStream(TestStack/Orders) table stream is not set; the table needs a stream.');
  });

  test('works with a plain dynamodb.Table too', () => {
    const stack: Stack = testStack();
    const table = new dynamodb.Table(stack, 'Plain', { ...KEY, stream: dynamodb.StreamViewType.NEW_IMAGE });
    new ObservedFunction(stack, 'Projector', MINIMAL).consumeTableStream(table);
    const mapping = Object.values(synth(stack).findResources('AWS::Lambda::EventSourceMapping'))[0];
    expect(mapping.Properties.FilterCriteria.Filters).toHaveLength(3);
  });
});
