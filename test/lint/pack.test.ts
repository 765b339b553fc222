import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { NagMessageLevel, NagRuleCompliance, ServerlessChecks } from 'cdk-nag';
import { Node } from 'constructs';
import { ObservedFunction, ObservedQueue } from '../../src';
import { AppIndex } from '../../src/lint/app-index';
import { runRules } from '../../src/lint/engine';
import { ServerlessOpsChecks } from '../../src/lint/pack';
import { MINIMAL, testStack } from '../helpers';
import { fn, lines, lint } from './lint';

const ENV = { account: '123456789012', region: 'us-east-1' };

function watched(f: lambda.Function): lambda.Function {
  f.metricErrors().createAlarm(f, 'ErrorsAlarm', { threshold: 1, evaluationPeriods: 1 });
  f.metricThrottles().createAlarm(f, 'ThrottlesAlarm', { threshold: 1, evaluationPeriods: 1 });
  return f;
}

function outdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lint-synth-'));
}

describe('the pack', () => {
  test('lists its rules, one file each, with level, info and explanation', () => {
    const rules = ServerlessOpsChecks._rules();
    expect(rules.map(r => `${r.rule.name} ${r.level}`)).toEqual([
      'ApiGatewayTimeout Error', 'SqsVisibilityTimeout Error', 'SqsBatching Error', 'RecursiveLoopAllowed Warning',
      'QueueSelfTrigger Warning', 'TableStreamSelfWrite Warning', 'BucketSelfTrigger Warning', 'CallerTimeout Warning',
      'RetainedVersions Warning', 'MissingAlarms Warning', 'ReservedConcurrency Error', 'StreamFailureHandling Warning',
      'SqsMaxReceiveCount Warning', 'FixedTableCapacity Warning', 'UnqualifiedInvoke Warning',
    ]);
    const files = fs.readdirSync(path.join(__dirname, '../../src/lint/rules')).map(f => f.replace(/\.ts$/, '')).sort();
    expect(files).toEqual(rules.map(r => r.rule.name).sort());
    for (const r of rules) {
      expect(r.info.length).toBeGreaterThan(30);
      expect(r.explanation.length).toBeGreaterThan(80);
    }
    expect(new ServerlessOpsChecks().ruleIds).toEqual(rules.map(r => `ServerlessOps-${r.rule.name}`));
    expect(new ServerlessOpsChecks().name).toBe('ServerlessOps');
  });

  test('our own constructs with their defaults give no finding', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Fn', MINIMAL);
    new ObservedQueue(stack, 'Queue');
    new ObservedQueue(stack, 'Fifo', { fifo: true });
    const worker = new ObservedFunction(stack, 'Worker', { ...MINIMAL, timeout: Duration.seconds(30), asyncFailureQueue: false });
    worker.consumeQueue(new ObservedQueue(stack, 'Jobs'));
    expect(lint(stack)).toEqual([]);
  });

  test('a careful app, every shape done right, gives no finding', () => {
    const app = new App();
    const stack = new Stack(app, 'Careful', { env: ENV });
    const other = new Stack(app, 'Monitoring', { env: ENV });

    // API: 10 s functions behind REST (29 s) and a caller above its callee
    const backend = watched(fn(stack, 'Backend', 5));
    const front = watched(fn(stack, 'Front', 10));
    backend.grantInvoke(front);
    new apigw.RestApi(stack, 'Api').root.addResource('orders').addMethod('GET', new apigw.LambdaIntegration(front));

    // SQS: visibility 6 x 20 s + 5 s, a DLQ with an alarm, max concurrency within the reserved concurrency
    const dlq = new sqs.Queue(stack, 'Dlq');
    new cloudwatch.Alarm(other, 'DlqDepth', { metric: dlq.metricApproximateNumberOfMessagesVisible(), threshold: 0, evaluationPeriods: 1 });
    const jobs = new sqs.Queue(stack, 'Jobs', { visibilityTimeout: Duration.seconds(125), deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
    const worker = watched(fn(stack, 'Worker', 20, { reservedConcurrentExecutions: 10 }));
    worker.addEventSource(new SqsEventSource(jobs, { batchSize: 50, maxBatchingWindow: Duration.seconds(5), maxConcurrency: 10 }));
    new sqs.Queue(stack, 'Next').grantSendMessages(worker);

    // streams: failure handling, and writes back to the table filtered out
    const orders = new dynamodb.Table(stack, 'Orders', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      stream: dynamodb.StreamViewType.NEW_IMAGE,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    });
    const projector = watched(fn(stack, 'Projector', 30));
    projector.addEventSource(new DynamoEventSource(orders, {
      startingPosition: lambda.StartingPosition.LATEST,
      bisectBatchOnError: true,
      maxRecordAge: Duration.hours(1),
      retryAttempts: 5,
      onFailure: new SqsDlq(new sqs.Queue(stack, 'StreamFailures')),
      filters: [lambda.FilterCriteria.filter({ dynamodb: { NewImage: { writer: { S: lambda.FilterRule.notEquals('projector') } } } })],
    }));
    orders.grantWriteData(projector);

    // S3: read in/, write out/
    const uploads = new s3.Bucket(stack, 'Uploads');
    const thumbs = watched(fn(stack, 'Thumbs', 30));
    uploads.addEventNotification(s3.EventType.OBJECT_CREATED, new LambdaDestination(thumbs), { prefix: 'in/' });
    uploads.grantRead(thumbs, 'in/*');
    uploads.grantPut(thumbs, 'out/*');

    // SNS: subscribed to one topic, publishing to another
    const events = new sns.Topic(stack, 'Events');
    const notifier = watched(fn(stack, 'Notifier'));
    events.addSubscription(new LambdaSubscription(notifier));
    new sns.Topic(stack, 'Notifications').grantPublish(notifier);

    // versions deleted when replaced
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: front.currentVersion });

    expect(lint(app)).toEqual([]);
  });

  test('resources that aws-cdk-lib adds on its own are never reported', () => {
    const stack = testStack();
    const deprecation = jest.spyOn(console, 'warn').mockImplementation(() => undefined); // logRetention is deprecated, and still common
    const user = fn(stack, 'UserFn', 10, { logRetention: logs.RetentionDays.ONE_WEEK });
    deprecation.mockRestore();
    const uploads = new s3.Bucket(stack, 'Uploads', { autoDeleteObjects: true, removalPolicy: RemovalPolicy.DESTROY });
    uploads.addEventNotification(s3.EventType.OBJECT_CREATED, new LambdaDestination(user), { prefix: 'in/' });
    new cr.AwsCustomResource(stack, 'Lookup', {
      onCreate: { service: 'S3', action: 'listBuckets', physicalResourceId: cr.PhysicalResourceId.of('x') },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    });
    const onEvent = fn(stack, 'OnEvent', 60);
    new CustomResource(stack, 'Custom', { serviceToken: new cr.Provider(stack, 'Provider', { onEventHandler: onEvent }).serviceToken });

    const functions = stack.node.findAll().filter(c => (c as { cfnResourceType?: string }).cfnResourceType === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(6); // user's 2 + log retention, notifications, auto-delete, AwsCustomResource, provider framework
    // only the user's functions are judged (they have no alarms); the handlers aws-cdk-lib added are not
    expect(lines(lint(stack))).toEqual([
      'warning ServerlessOps-MissingAlarms TestStack/OnEvent/Resource',
      'warning ServerlessOps-MissingAlarms TestStack/UserFn/Resource',
    ]);
  });

  test('the app is indexed once per validation, and no rule walks the construct tree', () => {
    const stack = testStack();
    const queue = new sqs.Queue(stack, 'Jobs');
    fn(stack, 'Worker').addEventSource(new SqsEventSource(queue));
    const build = jest.spyOn(AppIndex, 'build');
    const findAll = jest.spyOn(Node.prototype, 'findAll');
    new ServerlessOpsChecks().validateScope(stack);
    expect(build).toHaveBeenCalledTimes(1);
    expect(findAll).not.toHaveBeenCalled();
    build.mockRestore();
    findAll.mockRestore();
  });

  test('verbose adds the rule\'s explanation to each message', () => {
    const stack = testStack();
    fn(stack, 'Fn', 10, { recursiveLoop: lambda.RecursiveLoop.ALLOW });
    const v = new ServerlessOpsChecks(undefined, { verbose: true }).validateScope(stack).violations.find(x => x.ruleName === 'ServerlessOps-RecursiveLoopAllowed')!;
    expect(v.description).toContain('By default Lambda stops a function that keeps triggering itself');
  });

  test('a rule that throws is reported as a warning on that resource, and the other rules still run', () => {
    const stack = testStack();
    fn(stack, 'Fn');
    function Broken(node: { cfnResourceType: string }) {
      if (node.cfnResourceType === 'AWS::Lambda::Function') throw new Error('boom');
      return NagRuleCompliance.NOT_APPLICABLE as const;
    }
    const findings = runRules('Test', 'Test', [{ rule: Broken, level: NagMessageLevel.ERROR, info: 'i', explanation: 'e' }], stack);
    expect(findings.map(f => [f.ruleId, f.rule.level, f.node.node.path, f.message])).toEqual([
      ['Test-Broken', NagMessageLevel.WARN, 'TestStack/Fn/Resource', 'The rule failed on this resource and could not judge it: boom'],
    ]);
  });
});

describe('acknowledgements', () => {
  function app() {
    const stack = testStack();
    const worker = fn(stack, 'Worker', 10, { recursiveLoop: lambda.RecursiveLoop.ALLOW });
    worker.addEventSource(new SqsEventSource(new sqs.Queue(stack, 'Jobs')));
    return { stack, worker };
  }

  test('on the resource or any scope above it, with the rule ID or the namespaced ID the report suggests', () => {
    const { stack, worker } = app();
    expect(lint(stack).map(f => f.rule)).toEqual(['ServerlessOps-MissingAlarms', 'ServerlessOps-RecursiveLoopAllowed', 'ServerlessOps-SqsVisibilityTimeout']);
    Validations.of(worker).acknowledge({ id: 'ServerlessOps-SqsVisibilityTimeout', reason: 'the handler is idempotent and finishes in 2 s' });
    Validations.of(stack).acknowledge({ id: 'ServerlessOps::ServerlessOps-MissingAlarms', reason: 'alarms live in the monitoring account' });
    expect(lint(stack).map(f => f.rule)).toEqual(['ServerlessOps-RecursiveLoopAllowed']);
  });

  test('an acknowledgement of another rule, or of this rule elsewhere, hides nothing', () => {
    const { stack } = app();
    const other = fn(stack, 'Other');
    Validations.of(other).acknowledge({ id: 'ServerlessOps-RecursiveLoopAllowed', reason: 'not this function' });
    Validations.of(stack).acknowledge({ id: 'Serverless-LambdaDLQ', reason: 'another pack' });
    expect(lint(stack, 'RecursiveLoopAllowed')).toHaveLength(1);
  });
});

describe('at synth', () => {
  function erroneous(dir: string): { app: App; stack: Stack; worker: lambda.Function } {
    const app = new App({ outdir: dir });
    const stack = new Stack(app, 'Shop', { env: ENV });
    // a 60 s function behind SQS's default 30 s visibility: Lambda would refuse the event source
    const worker = watched(fn(stack, 'Worker', 60));
    worker.addEventSource(new SqsEventSource(new sqs.Queue(stack, 'Jobs')));
    Validations.of(app).addPlugins(new ServerlessOpsChecks());
    return { app, stack, worker };
  }

  test('an error fails the synthesis with ValidationFailed, and the error carries the message', () => {
    const { app } = erroneous(outdir());
    let error: Error | undefined;
    try { app.synth(); } catch (e) { error = e as Error; }
    expect(error?.name).toBe('ValidationFailed');
    expect(error?.message).toContain('ERROR Queue Shop/Jobs has a visibility timeout of 30 s (SQS\'s default), below the 360 s its consumer Shop/Worker needs');
    expect(error?.message).toContain("Acknowledge with 'ServerlessOps::ServerlessOps-SqsVisibilityTimeout'");
  });

  test('references across stacks are followed at synth too (after aws-cdk-lib turned them into exports and imports)', () => {
    const dir = outdir();
    const app = new App({ outdir: dir });
    const a = new Stack(app, 'Queues', { env: ENV });
    const b = new Stack(app, 'Workers', { env: ENV });
    const queue = new sqs.Queue(a, 'Jobs');
    watched(fn(b, 'Worker', 60)).addEventSource(new SqsEventSource(queue));
    Validations.of(app).addPlugins(new ServerlessOpsChecks());
    expect(() => app.synth()).toThrow(/ERROR Queue Queues\/Jobs has a visibility timeout of 30 s \(SQS's default\), below the 360 s its consumer Workers\/Worker needs/);
    expect(fs.readFileSync(path.join(dir, 'Workers.template.json'), 'utf8')).toContain('Fn::ImportValue');
  });

  test('warnings alone do not fail it: they are printed and written to the validation report, with template and logical ID', () => {
    const dir = outdir();
    const app = new App({ outdir: dir });
    const stack = new Stack(app, 'Shop', { env: ENV });
    fn(stack, 'Fn', 10, { recursiveLoop: lambda.RecursiveLoop.ALLOW });
    Validations.of(app).addPlugins(new ServerlessOpsChecks());
    const print = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(() => app.synth()).not.toThrow();
    const printed = [...print.mock.calls, ...log.mock.calls, ...warn.mock.calls].flat().join('\n');
    print.mockRestore(); log.mockRestore(); warn.mockRestore();
    expect(printed).toContain('WARNING Function Shop/Fn has RecursiveLoop set to Allow');

    const report = JSON.parse(fs.readFileSync(path.join(dir, 'validation-report.json'), 'utf8'));
    const ours = report.pluginReports.find((r: { pluginName: string }) => r.pluginName === 'ServerlessOps');
    expect(ours.conclusion).toBe('success');
    expect(ours.violations.map((v: { ruleName: string; severity: string }) => `${v.severity} ${v.ruleName}`).sort())
      .toEqual(['warning ServerlessOps-MissingAlarms', 'warning ServerlessOps-RecursiveLoopAllowed']);
    const fnViolation = ours.violations.find((v: { ruleName: string }) => v.ruleName === 'ServerlessOps-RecursiveLoopAllowed');
    expect(fnViolation.violatingConstructs[0]).toMatchObject({
      constructPath: 'Shop/Fn/Resource',
      cloudFormationResource: { templatePath: 'Shop.template.json', logicalId: expect.stringMatching(/^Fn[0-9A-F]{8}$/), propertyPaths: ['Properties/RecursiveLoop'] },
    });
  });

  test('for contrast: a cdk-nag 3 pack fails the synthesis on warnings alone (its report fails on any violation)', () => {
    const app = new App({ outdir: outdir() });
    const stack = new Stack(app, 'Logs', { env: ENV });
    new logs.LogGroup(stack, 'Forever', { retention: logs.RetentionDays.INFINITE });
    const report = new ServerlessChecks().validateScope(stack);
    expect(report.violations.map(v => `${v.severity} ${v.ruleName}`)).toEqual(['warning Serverless-CloudWatchLogGroupRetentionPeriod']);
    expect(report.success).toBe(false);
    Validations.of(app).addPlugins(new ServerlessChecks());
    let error: Error | undefined;
    try { app.synth(); } catch (e) { error = e as Error; }
    expect(error?.name).toBe('ValidationFailed');
    expect(error?.message).toContain('WARNING The CloudWatch Log Group does not have an explicit retention policy defined. (Serverless)');
  });

  test('acknowledged findings neither print nor fail; the report keeps them, with the reason, as suppressed', () => {
    const dir = outdir();
    const { app, stack, worker } = erroneous(dir);
    fn(stack, 'Unwatched');
    Validations.of(worker).acknowledge({ id: 'ServerlessOps-SqsVisibilityTimeout', reason: 'the handler is idempotent' });
    Validations.of(stack).acknowledge({ id: 'ServerlessOps::ServerlessOps-MissingAlarms', reason: 'alarms live elsewhere' });
    expect(() => app.synth()).not.toThrow();
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'validation-report.json'), 'utf8'));
    const ours = report.pluginReports.find((r: { pluginName: string }) => r.pluginName === 'ServerlessOps');
    expect(ours.violations).toEqual([]);
    const suppressed = ours.suppressedViolations as { ruleName: string; reason: string; acknowledgedAt: string }[];
    expect(suppressed.map(v => [v.ruleName, v.reason, v.acknowledgedAt]).sort()).toEqual([
      ['Annotation::ServerlessOps-SqsVisibilityTimeout', 'the handler is idempotent', 'Shop/Worker'],
      ['ServerlessOps-MissingAlarms', 'alarms live elsewhere', 'Shop'],
    ]);
  });
});
