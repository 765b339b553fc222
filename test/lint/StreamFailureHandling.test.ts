import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, KinesisEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { testStack } from '../helpers';
import { fn, lines, lint, twoStacks } from './lint';

const RULE = 'StreamFailureHandling';
const KEY = { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, stream: dynamodb.StreamViewType.NEW_IMAGE };

describe('StreamFailureHandling', () => {
  test('a DynamoDB stream mapping with the defaults is a warning: unlimited retries block the shard, failures leave no trace', () => {
    const stack = testStack();
    fn(stack, 'Projector').addEventSource(new DynamoEventSource(new dynamodb.Table(stack, 'Orders', KEY), { startingPosition: lambda.StartingPosition.LATEST }));
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual([expect.stringMatching(/^warning ServerlessOps-StreamFailureHandling TestStack\/Projector\/DynamoDBEventSource:/)]);
    expect(findings[0].message).toContain('of function TestStack/Projector reads the DynamoDB stream of table TestStack/Orders without a limit on retries');
    expect(findings[0].message).toContain('a record that keeps failing blocks its shard');
    expect(findings[0].message).toContain('an on-failure destination (records that fail every retry are dropped without a trace)');
    expect(findings[0].message).toContain('Set retryAttempts (or maxRecordAge) and onFailure: an SqsDlq or SnsDlq on the event source, and bisectBatchOnError: true');
  });

  test('finite retries with an on-failure destination are enough, without a maximum record age or bisect (a real sample: 5 retries, bisect, on-failure queue)', () => {
    const stack = testStack();
    fn(stack, 'Reader').addEventSource(new KinesisEventSource(new kinesis.Stream(stack, 'Clicks'), {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON, retryAttempts: 5, bisectBatchOnError: true, onFailure: new SqsDlq(new sqs.Queue(stack, 'Failed')),
    }));
    fn(stack, 'Plain').addEventSource(new KinesisEventSource(new kinesis.Stream(stack, 'Views'), {
      startingPosition: lambda.StartingPosition.LATEST, retryAttempts: 2, onFailure: new SqsDlq(new sqs.Queue(stack, 'Failed2')),
    }));
    fn(stack, 'Aged').addEventSource(new DynamoEventSource(new dynamodb.Table(stack, 'Orders', KEY), {
      startingPosition: lambda.StartingPosition.LATEST, maxRecordAge: Duration.hours(1), onFailure: new SqsDlq(new sqs.Queue(stack, 'Failed3')),
    }));
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('a bound without an on-failure destination, or a destination with unlimited retries, is reported with only what is missing', () => {
    const stack = testStack();
    fn(stack, 'Reader').addEventSource(new KinesisEventSource(new kinesis.Stream(stack, 'Clicks'), {
      startingPosition: lambda.StartingPosition.LATEST, bisectBatchOnError: true, maxRecordAge: Duration.hours(1),
    }));
    fn(stack, 'Forever').addEventSource(new KinesisEventSource(new kinesis.Stream(stack, 'Views'), {
      startingPosition: lambda.StartingPosition.LATEST, bisectBatchOnError: true, retryAttempts: -1, onFailure: new SqsDlq(new sqs.Queue(stack, 'Failed')),
    }));
    const findings = lint(stack, RULE);
    const reader = findings.find(f => f.path.startsWith('TestStack/Reader'))!;
    expect(reader.message).toContain('reads the Kinesis stream TestStack/Clicks without an on-failure destination');
    expect(reader.message).not.toContain('bisectBatchOnError');
    const forever = findings.find(f => f.path.startsWith('TestStack/Forever'))!;
    expect(forever.message).toContain('reads the Kinesis stream TestStack/Views without a limit on retries');
    expect(forever.message).not.toContain('on-failure destination (');
  });

  test('values that are tokens count as set', () => {
    const stack = testStack();
    const p = new CfnParameter(stack, 'Bisect', { type: 'String', allowedValues: ['true', 'false'] });
    const table = new dynamodb.Table(stack, 'Orders', KEY);
    const f = fn(stack, 'Projector');
    new lambda.CfnEventSourceMapping(stack, 'Map', {
      eventSourceArn: table.tableStreamArn!,
      functionName: f.functionName,
      startingPosition: 'LATEST',
      bisectBatchOnFunctionError: p.valueAsString as unknown as boolean,
      maximumRecordAgeInSeconds: new CfnParameter(stack, 'Age', { type: 'Number' }).valueAsNumber,
      destinationConfig: { onFailure: { destination: new CfnParameter(stack, 'Dest').valueAsString } },
    });
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('SQS sources are not streams', () => {
    const stack = testStack();
    fn(stack, 'Worker').addEventSource(new SqsEventSource(new sqs.Queue(stack, 'Jobs', { visibilityTimeout: Duration.minutes(1) })));
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('across stacks: the table in one stack, the consumer in another', () => {
    const { app, a, b } = twoStacks();
    const table = new dynamodb.Table(a, 'Orders', KEY);
    fn(b, 'Projector').addEventSource(new DynamoEventSource(table, { startingPosition: lambda.StartingPosition.LATEST }));
    expect(lint(app, RULE)[0].message).toContain('the DynamoDB stream of table A/Orders');
  });
});
