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
  test('a DynamoDB stream mapping with the defaults is a warning listing all three, and the shard-blocking', () => {
    const stack = testStack();
    fn(stack, 'Projector').addEventSource(new DynamoEventSource(new dynamodb.Table(stack, 'Orders', KEY), { startingPosition: lambda.StartingPosition.LATEST }));
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual([expect.stringMatching(/^warning ServerlessOps-StreamFailureHandling TestStack\/Projector\/DynamoDBEventSource:/)]);
    expect(findings[0].message).toContain('of function TestStack/Projector reads the DynamoDB stream of table TestStack/Orders without bisect on error');
    expect(findings[0].message).toContain('with unlimited retries a record that keeps failing blocks its shard');
    expect(findings[0].message).toContain('an on-failure destination (records that fail every retry are dropped without a trace)');
    expect(findings[0].message).toContain('Set bisectBatchOnError: true, maxRecordAge (and retryAttempts) and onFailure: an SqsDlq or SnsDlq');
  });

  test('bisect, a maximum record age and an on-failure destination together are fine', () => {
    const stack = testStack();
    fn(stack, 'Projector').addEventSource(new DynamoEventSource(new dynamodb.Table(stack, 'Orders', KEY), {
      startingPosition: lambda.StartingPosition.LATEST,
      bisectBatchOnError: true,
      maxRecordAge: Duration.hours(1),
      retryAttempts: 5,
      onFailure: new SqsDlq(new sqs.Queue(stack, 'Failed')),
    }));
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('only what is missing is listed; a Kinesis stream too', () => {
    const stack = testStack();
    fn(stack, 'Reader').addEventSource(new KinesisEventSource(new kinesis.Stream(stack, 'Clicks'), {
      startingPosition: lambda.StartingPosition.LATEST, bisectBatchOnError: true, maxRecordAge: Duration.hours(1),
    }));
    const findings = lint(stack, RULE);
    expect(findings[0].message).toContain('reads the Kinesis stream TestStack/Clicks without an on-failure destination');
    expect(findings[0].message).not.toContain('bisect on error (');
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
