import { App, CfnParameter, CfnResource, Duration, Errors, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  AlarmPlacement, AlarmPlacementMode, ObservedDashboard, ObservedErrorCode, ObservedFunction, ObservedHttpApi, ObservedQueue, ObservedTable,
} from '../../src';
import { codedError } from '../../src/core/errors';
import { MINIMAL, testStack } from '../helpers';
import { consumers, ENV, newApp } from '../placement/placement-app';

const fn = (stack: Stack, props: Partial<lambda.FunctionProps> & Record<string, unknown> = {}, id = 'Fn') =>
  new ObservedFunction(stack, id, { ...MINIMAL, asyncFailureQueue: false, ...props });
const STREAM = { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES };
const token = (stack: Stack, id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;

/** What was thrown. */
function thrown(build: () => unknown): any {
  try {
    build();
  } catch (e) {
    return e;
  }
  throw new Error('nothing was thrown');
}

/**
 * One refusal of each kind (and the checks that decide between two codes): the code, what is
 * done, the start of the message (path and prop), and the construct path the error is scoped to
 * (undefined when the check runs before the construct exists, on a path given as text).
 */
const REFUSALS: Array<[string, string, (stack: Stack) => unknown, string, string | undefined]> = [
  ['a timeout above 900 s', ObservedErrorCode.OUT_OF_RANGE, s => fn(s, { timeout: Duration.seconds(901) }), 'TestStack/Fn: timeout is 901 seconds;', undefined],
  ['a batch size above 10,000', ObservedErrorCode.OUT_OF_RANGE, s => fn(s).consumeQueue(new ObservedQueue(s, 'Q'), { batchSize: 10_001 }),
    'TestStack/Fn: consumeQueue(TestStack/Q) batchSize is 10001;', 'TestStack/Fn'],
  ['an alarm period of 30 s', ObservedErrorCode.OUT_OF_RANGE, s => fn(s, { alarms: { throttles: { period: Duration.seconds(30) } } }),
    'TestStack/Fn: alarms.throttles.period is 30 seconds;', 'TestStack/Fn'],
  ['a timeout of 1.5 s', ObservedErrorCode.NOT_WHOLE_NUMBER, s => fn(s, { timeout: Duration.millis(1500) }), 'TestStack/Fn: timeout is 1.5 seconds;', undefined],
  ['an alarm period of 90.5 s', ObservedErrorCode.NOT_WHOLE_NUMBER, s => fn(s, { alarms: { throttles: { period: Duration.millis(90_500) } } }),
    'TestStack/Fn: alarms.throttles.period is 90.5 seconds;', 'TestStack/Fn'],
  ['a fractional burst limit', ObservedErrorCode.NOT_WHOLE_NUMBER, s => new ObservedHttpApi(s, 'Api', { throttle: { burstLimit: 12.5 } }),
    'TestStack/Api: throttle.burstLimit is 12.5;', undefined],
  ['a token alarm period', ObservedErrorCode.TOKEN_NOT_SUPPORTED, s => fn(s, { alarms: { throttles: { period: Duration.minutes(token(s, 'P')) } } }),
    'TestStack/Fn: alarms.throttles.period is a token;', 'TestStack/Fn'],
  ['a dashboard name with a space', ObservedErrorCode.INVALID_FORMAT, s => new ObservedDashboard(s, 'D', { dashboardName: 'my dashboard' }),
    "TestStack/D: dashboardName is 'my dashboard'", 'TestStack/D'],
  ['an unknown placement mode', ObservedErrorCode.UNSUPPORTED_VALUE, s => AlarmPlacement.configure(s, { mode: 'bogus' as AlarmPlacementMode }),
    "AlarmPlacement.configure(TestStack): mode is 'bogus';", undefined],
  ['AT_TIMESTAMP on a DynamoDB stream', ObservedErrorCode.UNSUPPORTED_VALUE,
    s => fn(s).consumeTableStream(new ObservedTable(s, 'T', STREAM), { startingPosition: lambda.StartingPosition.AT_TIMESTAMP }),
    'TestStack/Fn: consumeTableStream(TestStack/T) startingPosition is AT_TIMESTAMP;', 'TestStack/Fn'],
  ['MONITORING_STACK without a monitoring stack', ObservedErrorCode.MISSING_PROP,
    s => AlarmPlacement.configure(s, { mode: AlarmPlacementMode.MONITORING_STACK }), 'AlarmPlacement.configure(TestStack): mode is MONITORING_STACK;', undefined],
  ['a batch above 10 without a window', ObservedErrorCode.MISSING_PROP, s => fn(s).consumeQueue(new ObservedQueue(s, 'Q'), { batchSize: 100 }),
    'TestStack/Fn: consumeQueue(TestStack/Q) batchSize is 100;', 'TestStack/Fn'],
  ['text logs with the log-based alarms on', ObservedErrorCode.CONFLICTING_PROPS, s => fn(s, { loggingFormat: lambda.LoggingFormat.TEXT }),
    'TestStack/Fn: loggingFormat is TEXT;', undefined],
  ['a batching window on a FIFO queue', ObservedErrorCode.CONFLICTING_PROPS,
    s => fn(s).consumeQueue(new ObservedQueue(s, 'Q', { fifo: true }), { maxBatchingWindow: Duration.seconds(1) }),
    'TestStack/Fn: consumeQueue(TestStack/Q) maxBatchingWindow is 1 second;', 'TestStack/Fn'],
  ['a table stream consumed twice', ObservedErrorCode.DUPLICATE, s => {
    const f = fn(s);
    const table = new ObservedTable(s, 'T', STREAM);
    f.consumeTableStream(table);
    f.consumeTableStream(table);
  }, 'TestStack/Fn: consumeTableStream(TestStack/T) is called twice', 'TestStack/Fn'],
  ['an alarm topic in another region', ObservedErrorCode.CROSS_ENVIRONMENT, s => {
    const topic = new sns.Topic(new Stack(s.node.root as App, 'Topics', { env: { ...ENV, region: 'eu-west-1' } }), 'Alerts');
    new ObservedQueue(s, 'Q', { alarmTopic: topic });
  }, 'TestStack/Q: alarmTopic is Topics/Alerts in 123456789012/eu-west-1;', 'TestStack/Q'],
  ['a function writing to the bucket it reads, without an input prefix', ObservedErrorCode.TRIGGER_LOOP,
    s => fn(s).consumeBucket(new s3.Bucket(s, 'B', { enforceSSL: true }), { outputPrefix: 'out/' }),
    'TestStack/Fn: consumeBucket(TestStack/B) inputPrefix is not set;', 'TestStack/Fn'],
  ['a function timeout above its route\'s integration timeout', ObservedErrorCode.TIMEOUT_ABOVE_INTEGRATION,
    s => new ObservedHttpApi(s, 'Api', { allowUnauthenticatedAccess: true }).addLambdaRoute(apigwv2.HttpMethod.GET, '/a', fn(s, { timeout: Duration.seconds(60) })),
    'TestStack/Fn: timeout is 60 seconds;', undefined],
  ['a queue visibility timeout below 6 x the function timeout', ObservedErrorCode.VISIBILITY_TIMEOUT_TOO_SHORT,
    s => fn(s, { timeout: Duration.seconds(60) }).consumeQueue(new sqs.Queue(s, 'Q')),
    'TestStack/Fn: consumeQueue(TestStack/Q) visibilityTimeout is 30 seconds;', 'TestStack/Fn'],
  ['an open route', ObservedErrorCode.OPEN_API_ROUTE, s => new ObservedHttpApi(s, 'Api').addLambdaRoute(apigwv2.HttpMethod.GET, '/a', fn(s)),
    'TestStack/Api: GET /a authorizationType is NONE;', 'TestStack/Api'],
  ['provisioned concurrency above the reserved', ObservedErrorCode.CONCURRENCY_ABOVE_RESERVED,
    s => fn(s, { reservedConcurrentExecutions: 10, provisionedConcurrency: { executions: 20 } }), 'TestStack/Fn: provisionedConcurrency is 20 executions;', undefined],
  ['placement configured after alarms exist', ObservedErrorCode.PLACEMENT_AFTER_ALARMS, s => {
    new ObservedQueue(s, 'Q');
    AlarmPlacement.configure(s, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 2 });
  }, 'AlarmPlacement.configure(TestStack): ', 'TestStack'],
];

describe('every refusal is aws-cdk-lib\'s validation error with the code of its kind', () => {
  test.each(REFUSALS)('%s: %s', (_, code, build, message, constructPath) => {
    const e = thrown(() => build(testStack()));
    expect(Errors.isValidationError(e)).toBe(true);
    expect(e).toEqual(expect.objectContaining({ name: code }));
    expect(ObservedErrorCode.isObservedErrorCode(e.name)).toBe(true);
    expect(e.message.startsWith(message)).toBe(true);
    expect(e.constructPath).toBe(constructPath);
  });

  test('jest can match on the code', () => {
    expect(() => fn(testStack(), { timeout: Duration.seconds(901) })).toThrow(expect.objectContaining({ name: ObservedErrorCode.OUT_OF_RANGE }));
  });

  test('a template above 1 MB as written', () => {
    const app = newApp();
    const stack = new Stack(app, 'Heavy', { env: ENV });
    consumers(stack, 1);
    new CfnResource(stack, 'Big', { type: 'Custom::Big', properties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x', Data: 'x'.repeat(1_000_000) } });
    const e = thrown(() => app.synth());
    expect(Errors.isValidationError(e)).toBe(true);
    expect(e.name).toBe(ObservedErrorCode.STACK_LIMIT_EXCEEDED);
    expect(e.message).toMatch(/^Synthesis failed: Heavy: the template has 10\d{5} bytes/);
  });

  test('every code is reached by a refusal above', () => {
    const reached = new Set([...REFUSALS.map(r => r[1]), ObservedErrorCode.STACK_LIMIT_EXCEEDED]);
    const codes = Object.values(ObservedErrorCode).filter(v => typeof v === 'string');
    expect(codes.filter(c => !reached.has(c))).toEqual([]);
    expect(codes.every(c => /^CdkObserved[A-Z][A-Za-z]+$/.test(c))).toBe(true);
    expect(ObservedErrorCode.isObservedErrorCode('ValidationError')).toBe(false);
  });
});

describe('problems reported when the app is validated carry their code in the text', () => {
  const failed = (app: App) => {
    const e = thrown(() => app.synth());
    expect(Errors.isValidationError(e)).toBe(true);
    return e.message as string;
  };

  test('an open route added through the L2', () => {
    const stack = testStack();
    const api = new ObservedHttpApi(stack, 'Api');
    api.addRoutes({ path: '/orders', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Orders', fn(stack)) });
    expect(failed(stack.node.root as App)).toMatch(
      /\[TestStack\/Api\] TestStack\/Api: GET \/orders authorizationType is NONE; .* open to anyone\. \[CdkObservedOpenApiRoute\]/);
  });

  test('a stack above 500 resources', () => {
    const app = newApp();
    consumers(new Stack(app, 'TooLarge', { env: ENV }), 30);
    expect(failed(app)).toMatch(/\[TooLarge\] TooLarge: the template has 6\d\d resources .* \(README: "Where alarms live"\)\. \[CdkObservedStackLimitExceeded\]/);
  });
});

describe('on an aws-cdk-lib without these error classes, a plain error of the same name and message', () => {
  test.each([
    ['no classes', {}],
    ['an older constructor (message, scope)', { ValidationError: class extends Error { constructor(message: string) { super(message); } } }],
  ])('%s', (_, lib) => {
    const e = codedError(ObservedErrorCode.OUT_OF_RANGE, 'S/Fn: timeout is 901 seconds; allowed range is 1-900 seconds.', testStack(), lib as any);
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.message]).toEqual([ObservedErrorCode.OUT_OF_RANGE, 'S/Fn: timeout is 901 seconds; allowed range is 1-900 seconds.']);
  });
});
