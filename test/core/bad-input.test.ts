import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  AccountConcurrencyMonitor, AlarmNotifications, AlarmPlacement, AlarmPlacementMode, CodeStorageMonitor, ObservedDashboard, ObservedFunction,
  ObservedHttpApi, ObservedQueue, ObservedRestApi, ObservedTable, ServiceHealth, VersionCleanupMode,
} from '../../src';
import { MINIMAL, synth, testStack } from '../helpers';

/** The classes of bad input of issue 17, each with the library's error or the template it now gets. */
const fn = (stack: Construct, props: Partial<lambda.FunctionProps> & Record<string, unknown> = {}, id = 'Fn') =>
  new ObservedFunction(stack, id, { ...MINIMAL, asyncFailureQueue: false, ...props });
const STREAM = { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES };

describe('durations that are not whole seconds, and NaN', () => {
  test.each([
    ['timeout', { timeout: Duration.millis(1500) }, 'TestStack/Fn: timeout is 1.5 seconds; allowed is a whole number of seconds from 1 to 900.'],
    ['maxEventAge', { maxEventAge: Duration.millis(90_500) }, 'TestStack/Fn: maxEventAge is 90.5 seconds; allowed is a whole number of seconds from 60 to 21600.'],
    ['NaN', { timeout: Duration.seconds(NaN) }, 'TestStack/Fn: timeout is NaN seconds; allowed range is 1-900 seconds.'],
    ['alarm period', { alarms: { throttles: { period: Duration.millis(90_500) } } }, 'TestStack/Fn: alarms.throttles.period is 90.5 seconds; allowed is a whole number of minutes from 1 minute to 1 day.'],
  ])('%s', (_, props, message) => {
    expect(() => fn(testStack(), props)).toThrow(message);
  });

  test('a batching window', () => {
    const stack = testStack();
    expect(() => fn(stack).consumeQueue(new ObservedQueue(stack, 'Q'), { maxBatchingWindow: Duration.millis(1500) })).toThrow(
      'TestStack/Fn: consumeQueue(TestStack/Q) maxBatchingWindow is 1.5 seconds; allowed is a whole number of seconds from 0 to 300.');
  });

  test('an ObservedQueue visibility timeout', () => {
    expect(() => new ObservedQueue(testStack(), 'Q', { visibilityTimeout: Duration.millis(500) })).toThrow(
      'TestStack/Q: visibilityTimeout is 0.5 seconds; allowed is a whole number of seconds from 0 to 43200.');
  });
});

describe('the prop the user set is the one blamed', () => {
  test('datapointsToAlarm above what a day holds', () => {
    expect(() => fn(testStack(), { alarms: { throttles: { datapointsToAlarm: 2000 } } })).toThrow(
      'TestStack/Fn: alarms.throttles.datapointsToAlarm is 2000; allowed range is 1-1440.');
  });

  test('a period of a day with the default evaluation periods', () => {
    expect(() => fn(testStack(), { alarms: { throttles: { period: Duration.days(1) } } })).toThrow(
      'TestStack/Fn: alarms.throttles.period is 1 day; with the default 3 evaluation periods, allowed is at most 480 minutes (evaluation periods x period must not exceed 1 day). Set alarms.throttles.evaluationPeriods (and datapointsToAlarm) as well.');
  });

  test('a period of a day with one evaluation period is accepted', () => {
    const stack = testStack();
    fn(stack, { alarms: { throttles: { period: Duration.days(1), evaluationPeriods: 1 } } });
    synth(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack/Fn/Throttles', Period: 86400, EvaluationPeriods: 1, DatapointsToAlarm: 1 });
  });
});

test('a token evaluationPeriods changes no other setting', () => {
  const stack = testStack();
  const periods = new CfnParameter(stack, 'Periods', { type: 'Number' }).valueAsNumber;
  fn(stack, { alarms: { throttles: { evaluationPeriods: periods } } });
  synth(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmName: 'TestStack/Fn/Throttles', EvaluationPeriods: { Ref: 'Periods' }, DatapointsToAlarm: 2,
  });
});

describe('queue consumers', () => {
  test('a batch above 10 needs a window of at least 1 second', () => {
    const stack = testStack();
    expect(() => fn(stack).consumeQueue(new ObservedQueue(stack, 'Q'), { batchSize: 10_000, maxBatchingWindow: Duration.seconds(0) })).toThrow(
      'TestStack/Fn: consumeQueue(TestStack/Q) maxBatchingWindow is 0 seconds; allowed is at least 1 second with a batchSize above 10 (batchSize is 10000).');
  });

  test('a token batching window sizes the ObservedQueue for the longest window', () => {
    const stack = testStack();
    const window = new CfnParameter(stack, 'Window', { type: 'Number' }).valueAsNumber;
    fn(stack, { timeout: Duration.seconds(10) }).consumeQueue(new ObservedQueue(stack, 'Q'), { maxBatchingWindow: Duration.seconds(window) });
    // 6 x 10 s + 300 s, the longest window
    synth(stack).hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 360 });
  });

  test('reserved concurrency 0 is refused', () => {
    expect(() => fn(testStack(), { reservedConcurrentExecutions: 0 })).toThrow(
      'TestStack/Fn: reservedConcurrentExecutions is 0; allowed range is 1-1000000. With 0 Lambda throttles every invocation');
  });

  test('two queues with the same id under different parents', () => {
    const stack = testStack();
    const f = fn(stack);
    f.consumeQueue(new ObservedQueue(new Construct(stack, 'A'), 'Jobs'));
    f.consumeQueue(new ObservedQueue(new Construct(stack, 'B'), 'Jobs'));
    expect(() => (stack.node.root as App).synth()).not.toThrow();
  });
});

describe('bucket consumers cannot loop', () => {
  const setup = () => {
    const stack = testStack();
    return { stack, bucket: new s3.Bucket(stack, 'B', { enforceSSL: true }), a: fn(stack, {}, 'A'), b: fn(stack, {}, 'Other') };
  };

  test.each([
    [{ inputPrefix: 'in/', outputPrefix: '*' }, "TestStack/A: consumeBucket(TestStack/B) outputPrefix is '*'; allowed are literal key characters, without * or ?."],
    [{ inputPrefix: 'in/*' }, "TestStack/A: consumeBucket(TestStack/B) inputPrefix is 'in/*'; allowed are literal key characters, without * or ?."],
    [{ inputPrefix: 'p'.repeat(2000) }, 'TestStack/A: consumeBucket(TestStack/B) inputPrefix is 2000 bytes long; allowed are at most 1024 bytes (the longest S3 object key).'],
  ])('%j', (options, message) => {
    const { bucket, a } = setup();
    expect(() => a.consumeBucket(bucket, options)).toThrow(message);
  });

  test('a/ -> b/ and b/ -> a/ across calls and functions', () => {
    const { bucket, a, b } = setup();
    a.consumeBucket(bucket, { inputPrefix: 'a/', outputPrefix: 'b/' });
    expect(() => b.consumeBucket(bucket, { inputPrefix: 'b/', outputPrefix: 'a/' })).toThrow(
      "TestStack/Other: consumeBucket(TestStack/B) outputPrefix is 'a/'; it closes a loop through the bucket: TestStack/Other, which writes under 'a/', which triggers TestStack/A, which writes under 'b/', which triggers TestStack/Other again (inputPrefix 'b/').");
  });

  test('a chain without a loop is accepted', () => {
    const { stack, bucket, a, b } = setup();
    a.consumeBucket(bucket, { inputPrefix: 'in/', outputPrefix: 'mid/' });
    b.consumeBucket(bucket, { inputPrefix: 'mid/', outputPrefix: 'out/' });
    expect(() => (stack.node.root as App).synth()).not.toThrow();
  });

  test('the same prefix twice (overlapping notifications)', () => {
    const { bucket, a, b } = setup();
    a.consumeBucket(bucket, { inputPrefix: 'in/' });
    expect(() => b.consumeBucket(bucket, { inputPrefix: 'in/' })).toThrow(
      "TestStack/Other: consumeBucket(TestStack/B) inputPrefix is 'in/'; it overlaps the notification of TestStack/A on the same bucket (inputPrefix 'in/', suffix '') for s3:ObjectCreated:*.");
  });

  test('overlapping event types in one call', () => {
    const { bucket, a } = setup();
    expect(() => a.consumeBucket(bucket, { inputPrefix: 'in/', events: [s3.EventType.OBJECT_CREATED, s3.EventType.OBJECT_CREATED_PUT] })).toThrow(
      'TestStack/A: consumeBucket(TestStack/B) events is [s3:ObjectCreated:*, s3:ObjectCreated:Put]; each event type once (s3:ObjectCreated:* already covers s3:ObjectCreated:Put).');
  });
});

describe('HTTP integration timeouts', () => {
  const api = (stack: Stack) => new ObservedHttpApi(stack, 'Api', { allowUnauthenticatedAccess: true });

  test('30 seconds, the HTTP API maximum, is accepted (API Gateway\'s default: left unset)', () => {
    const stack = testStack();
    api(stack).addLambdaRoute(apigwv2.HttpMethod.GET, '/a', fn(stack, { timeout: Duration.seconds(29) }), { integrationTimeout: Duration.seconds(30) });
    const integration = Object.values(synth(stack).findResources('AWS::ApiGatewayV2::Integration'))[0];
    expect(integration.Properties.TimeoutInMillis).toBeUndefined();
  });

  test('29.5 seconds is set on the integration', () => {
    const stack = testStack();
    api(stack).addLambdaRoute(apigwv2.HttpMethod.GET, '/a', fn(stack, { timeout: Duration.seconds(28) }), { integrationTimeout: Duration.millis(29_500) });
    synth(stack).hasResourceProperties('AWS::ApiGatewayV2::Integration', { TimeoutInMillis: 29_500 });
  });

  test('a token in seconds', () => {
    const stack = testStack();
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' }).valueAsNumber;
    expect(() => api(stack).addLambdaRoute(apigwv2.HttpMethod.GET, '/a', fn(stack), { integrationTimeout: Duration.seconds(seconds) })).toThrow(
      'TestStack/Api: GET /a integrationTimeout is a token in seconds; allowed is a token in milliseconds (Duration.millis(param.valueAsNumber)).');
  });

  test('31 seconds gets the library\'s explanation', () => {
    const stack = testStack();
    expect(() => api(stack).addLambdaRoute(apigwv2.HttpMethod.GET, '/a', fn(stack), { integrationTimeout: Duration.seconds(31) })).toThrow(
      'TestStack/Api: GET /a integrationTimeout is 31 seconds; allowed is at most 30 seconds on an HTTP API. HTTP APIs cannot raise it');
  });

  test('a fractional burst limit', () => {
    expect(() => new ObservedHttpApi(testStack(), 'Api', { throttle: { burstLimit: 12.5 } })).toThrow(
      'TestStack/Api: throttle.burstLimit is 12.5; it must be a whole number.');
    expect(() => new ObservedRestApi(testStack(), 'Api', { deployOptions: { throttlingBurstLimit: 12.5 } })).toThrow(
      'TestStack/Api: deployOptions.throttlingBurstLimit is 12.5; it must be a whole number.');
  });
});

describe('table stream consumers', () => {
  test('twice for the same table', () => {
    const stack = testStack();
    const table = new ObservedTable(stack, 'T', STREAM);
    const f = fn(stack);
    f.consumeTableStream(table);
    expect(() => f.consumeTableStream(table)).toThrow(
      'TestStack/Fn: consumeTableStream(TestStack/T) is called twice for the same table; a function consumes a table\'s stream once.');
  });

  test('two tables with the same id under different parents', () => {
    const stack = testStack();
    const f = fn(stack);
    f.consumeTableStream(new ObservedTable(new Construct(stack, 'A'), 'T', STREAM));
    f.consumeTableStream(new ObservedTable(new Construct(stack, 'B'), 'T', STREAM));
    expect(() => (stack.node.root as App).synth()).not.toThrow();
  });

  test('AT_TIMESTAMP', () => {
    const stack = testStack();
    expect(() => fn(stack).consumeTableStream(new ObservedTable(stack, 'T', STREAM), { startingPosition: lambda.StartingPosition.AT_TIMESTAMP })).toThrow(
      'TestStack/Fn: consumeTableStream(TestStack/T) startingPosition is AT_TIMESTAMP; allowed are LATEST and TRIM_HORIZON for a DynamoDB stream.');
  });
});

describe('other environments', () => {
  const app = () => new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
  const env = (region: string) => ({ account: '123456789012', region });

  test('a notification topic in another region', () => {
    const a = app();
    const stack = new Stack(a, 'Main', { env: env('us-east-1') });
    const topic = new sns.Topic(new Stack(a, 'Topics', { env: env('eu-west-1') }), 'Alerts');
    expect(() => new ObservedQueue(stack, 'Q', { alarmTopic: topic })).toThrow(
      'Main/Q: alarmTopic is Topics/Alerts in 123456789012/eu-west-1; allowed is a topic in the account and region of the alarm (123456789012/us-east-1).');
    AlarmNotifications.sendTo(a, topic);
    new ObservedQueue(stack, 'Other');
    expect(() => a.synth()).toThrow('Main/Other: AlarmNotifications.sendTo topic is Topics/Alerts in 123456789012/eu-west-1;');
  });

  test('a non-paging topic, or a service-health alarm\'s own topic, in another region', () => {
    const a = app();
    const stack = new Stack(a, 'Main', { env: env('us-east-1') });
    const topic = new sns.Topic(new Stack(a, 'Topics', { env: env('eu-west-1') }), 'Tickets');
    AlarmNotifications.sendNonPagingTo(a, topic);
    new ObservedQueue(stack, 'Q');
    expect(() => a.synth()).toThrow('Main/Q: AlarmNotifications.sendNonPagingTo topic is Topics/Tickets in 123456789012/eu-west-1;');
    expect(() => new ServiceHealth(stack, 'Health', { topic })).toThrow(
      'Main/Health: topic is Topics/Tickets in 123456789012/eu-west-1; allowed is a topic in the account and region of the alarm (123456789012/us-east-1).');
  });

  test('a service-health alarm in another region than the alarms it watches', () => {
    const a = app();
    const stack = new Stack(a, 'Main', { env: env('us-east-1') });
    new ObservedQueue(stack, 'Q');
    new ServiceHealth(new Stack(a, 'Health', { env: env('eu-west-1') }), 'Health');
    expect(() => a.synth()).toThrow('Health/Health: watch is the app, with alarms in 123456789012/us-east-1 (Main/Q/BackpressureAlarm); allowed are constructs whose alarms are in the account and region of the service-health alarm (123456789012/eu-west-1).');
  });

  test('a monitoring stack in another region', () => {
    const a = app();
    const stack = new Stack(a, 'Main', { env: env('us-east-1') });
    const monitoring = new Stack(a, 'Monitoring', { env: env('eu-west-1') });
    expect(() => AlarmPlacement.configure(stack, { mode: AlarmPlacementMode.MONITORING_STACK, monitoringStack: monitoring })).toThrow(
      'AlarmPlacement.configure(Main): monitoringStack is Monitoring in 123456789012/eu-west-1; allowed is a stack in the account and region of Main (123456789012/us-east-1)');
    AlarmPlacement.configure(a, { mode: AlarmPlacementMode.MONITORING_STACK, monitoringStack: monitoring });
    expect(() => new ObservedQueue(stack, 'Q')).toThrow('Main/Q: AlarmPlacement monitoringStack is Monitoring in 123456789012/eu-west-1;');
  });
});

test('a quote in a construct id does not break the service-health rule', () => {
  const stack = testStack();
  fn(stack, {}, 'My "quoted" fn');
  new ServiceHealth(stack, 'Health');
  const template = synth(stack);
  const rule: string = Object.values(template.findResources('AWS::CloudWatch::CompositeAlarm'))[0].Properties.AlarmRule;
  expect(rule).toContain('ALARM("TestStack/My \'quoted\' fn/ErrorRate")');
  expect(rule.replace(/ALARM\("[^"]*"\)/g, 'X')).toMatch(/^X( OR X)*$/);
  const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties.AlarmName as string);
  expect(names.filter(n => n.includes('"'))).toEqual([]);
});

describe('dashboard names', () => {
  test('a name longer than CloudWatch allows', () => {
    const stack = testStack();
    expect(() => new ObservedDashboard(stack, 'D', { dashboardName: 'd'.repeat(302) })).toThrow(
      `TestStack/D: dashboardName is '${'d'.repeat(302)}' (302 characters); allowed are 1-251 characters of A-Z, a-z, 0-9, - and _`);
  });

  test('characters CloudWatch does not allow', () => {
    expect(() => new ObservedDashboard(testStack(), 'D', { dashboardName: 'my dashboard' })).toThrow(
      "TestStack/D: dashboardName is 'my dashboard' (12 characters);");
  });

  test('a long id gives a default name within the limit', () => {
    const stack = testStack();
    fn(stack);
    new ObservedDashboard(stack, 'D'.repeat(300));
    const name: string = Object.values(synth(stack).findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardName;
    expect(name.length).toBeLessThanOrEqual(251);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

test('a version cleanup mode that does not exist', () => {
  expect(() => new CodeStorageMonitor(testStack(), 'Storage', { versionCleanup: { mode: 'bogus' as VersionCleanupMode } })).toThrow(
    'TestStack/Storage: versionCleanup.mode is "bogus"; allowed are VersionCleanupMode.DRY_RUN and VersionCleanupMode.DELETE.');
});

test('an alarm placement mode that does not exist', () => {
  expect(() => AlarmPlacement.configure(testStack(), { mode: 'bogus' as AlarmPlacementMode })).toThrow(
    "AlarmPlacement.configure(TestStack): mode is 'bogus'; allowed are SAME_STACK, NESTED_STACKS, MONITORING_STACK (AlarmPlacementMode).");
});

describe('classes found by the 10,000-case run after the merges', () => {
  test('a token alarm period is refused with the library\'s error (aws-cdk-lib cannot take it)', () => {
    const stack = testStack();
    expect(() => new ObservedFunction(stack, 'Fn', {
      ...MINIMAL,
      alarms: { throttles: { period: Duration.minutes(new CfnParameter(stack, 'P', { type: 'Number' }).valueAsNumber) } },
    })).toThrow(/TestStack\/Fn: alarms\.throttles\.period is a token; allowed is a whole number of minutes known at synth/);
  });

  test('maxExecutions must be whole even when executions is a token', () => {
    const stack = testStack();
    expect(() => new ObservedFunction(stack, 'Fn', {
      ...MINIMAL,
      provisionedConcurrency: { executions: new CfnParameter(stack, 'E', { type: 'Number' }).valueAsNumber, maxExecutions: 99.5 },
    })).toThrow(/provisionedConcurrency\.maxExecutions is 99\.5; it must be a whole number/);
  });

  test('a token batching window still needs a queue that fits the function timeout', () => {
    const stack = testStack();
    const worker = new ObservedFunction(stack, 'Fn', { ...MINIMAL, timeout: Duration.seconds(720), asyncFailureQueue: false });
    const window = Duration.seconds(new CfnParameter(stack, 'W', { type: 'Number' }).valueAsNumber);
    expect(() => worker.consumeQueue(new sqs.Queue(stack, 'Q'), { maxBatchingWindow: window }))
      .toThrow(/visibilityTimeout is 30 seconds; allowed is at least 4320 seconds \(6 x the function timeout of 720 seconds \+ a batching window that is a token, counted as 0\)/);
  });

  test('a token maxRecordAge is refused with the library\'s error', () => {
    const stack = testStack();
    const projector = new ObservedFunction(stack, 'Fn', { ...MINIMAL, asyncFailureQueue: false });
    const table = new ObservedTable(stack, 'T', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, dynamoStream: dynamodb.StreamViewType.NEW_IMAGE });
    expect(() => projector.consumeTableStream(table, { maxRecordAge: Duration.seconds(new CfnParameter(stack, 'A', { type: 'Number' }).valueAsNumber) }))
      .toThrow(/maxRecordAge is a token; allowed is a duration known at synth/);
  });

  test('an AccountConcurrencyMonitor with every alarm off is refused (it would create nothing)', () => {
    const stack = testStack();
    expect(() => new AccountConcurrencyMonitor(stack, 'C', { alarms: { claimedConcurrencyPercentOfQuota: { enabled: false } } }))
      .toThrow(/TestStack\/C: alarms is every alarm switched off; at least one alarm is needed/);
  });
});

test('a token utilization target of provisioned concurrency is refused with the library\'s error', () => {
  const stack = testStack();
  expect(() => new ObservedFunction(stack, 'Fn', {
    ...MINIMAL,
    provisionedConcurrency: { executions: 2, maxExecutions: 10, utilizationTargetPercent: new CfnParameter(stack, 'U', { type: 'Number' }).valueAsNumber },
  })).toThrow(/provisionedConcurrency\.utilizationTargetPercent is a token; allowed is a number known at synth, 10-90 percent/);
});
