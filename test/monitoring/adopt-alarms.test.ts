import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ObservedFunction, ObservedQueue } from '../../src';
import { AdoptAlarms } from '../../src/monitoring/adopt-alarms';
import { ServiceHealth } from '../../src/monitoring/service-health';
import { MINIMAL } from '../helpers';

const ENV = { account: '123456789012', region: 'us-east-1' };

function alarms(stack: Stack): { [name: string]: any } {
  const out: { [name: string]: any } = {};
  for (const a of Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))) out[a.Properties.AlarmName] = a.Properties;
  return out;
}

function setup(): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'Legacy', { env: ENV });
  return { app, stack };
}

describe('AdoptAlarms', () => {
  test('a plain function gets the alarms whose metrics Lambda publishes; thresholds follow its own timeout', () => {
    const { app, stack } = setup();
    new lambda.Function(stack, 'Plain', { ...MINIMAL, timeout: Duration.seconds(5) });
    Aspects.of(app).add(new AdoptAlarms());
    const found = alarms(stack);
    expect(Object.keys(found).sort()).toEqual(['Legacy/Plain/DurationNearTimeout', 'Legacy/Plain/ErrorRate', 'Legacy/Plain/RecursiveInvocationsDropped', 'Legacy/Plain/Throttles']);
    expect(found['Legacy/Plain/DurationNearTimeout'].Threshold).toBe(4000);
    expect(found['Legacy/Plain/Throttles'].Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: expect.stringMatching(/^Plain/) } }]);
    Template.fromStack(stack).resourceCountIs('AWS::Logs::MetricFilter', 0);
  });

  test('it binds alarms as ObservedFunction does: reserved concurrency and an opted-in cold-start alarm on a JSON-logging function', () => {
    const { app, stack } = setup();
    new lambda.Function(stack, 'Plain', {
      ...MINIMAL, timeout: Duration.seconds(5), memorySize: 256, reservedConcurrentExecutions: 20, loggingFormat: lambda.LoggingFormat.JSON,
    });
    Aspects.of(app).add(new AdoptAlarms({ functionAlarms: { coldStartPercent: { enabled: true } } }));
    const found = alarms(stack);
    expect(found['Legacy/Plain/ConcurrencyNearReserved'].Threshold).toBe(18);
    expect(found['Legacy/Plain/MemoryNearLimit'].Threshold).toBe(230.4);
    expect(found['Legacy/Plain/ColdStarts'].Metrics[0].Expression).toBe('IF(invocations > 0, 100 * FILL(coldStarts, 0) / invocations, 0)');
    expect(Object.keys(found).some(n => n.includes('ProvisionedConcurrency'))).toBe(false);
  });

  test('with JSON logs it also gets the timeouts and memory alarms, counted from its log group', () => {
    const { app, stack } = setup();
    new lambda.Function(stack, 'Json', { ...MINIMAL, loggingFormat: lambda.LoggingFormat.JSON, memorySize: 512 });
    AdoptAlarms.applyTo(app);
    const found = alarms(stack);
    expect(found['Legacy/Json/Timeouts']).toBeDefined();
    expect(found['Legacy/Json/MemoryNearLimit'].Threshold).toBeCloseTo(460.8);
    // default timeout of lambda.Function: 3 s
    expect(found['Legacy/Json/DurationNearTimeout'].Threshold).toBe(2400);
    const filters = Object.values(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter')) as any[];
    expect(filters).toHaveLength(2);
    expect(filters[0].Properties.FilterPattern).toContain('platform.report');
  });

  test('a plain queue gets the queue alarms; its dead-letter queue is alarmed through it, not on its own', () => {
    const { app, stack } = setup();
    const dlq = new sqs.Queue(stack, 'Dlq');
    new sqs.Queue(stack, 'Work', { deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
    AdoptAlarms.applyTo(app);
    const found = alarms(stack);
    expect(Object.keys(found).sort()).toEqual(['Legacy/Work/BacklogGrowing', 'Legacy/Work/Backpressure', 'Legacy/Work/DeadLetterQueueMessages', 'Legacy/Work/StuckConsumer']);
    expect(found['Legacy/Work/DeadLetterQueueMessages'].Metrics[1].MetricStat.Metric.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^Dlq/), 'QueueName'] } }]);
  });

  test('a plain queue that an ObservedFunction consumes keeps the alarms of the consumer wiring, not a second set', () => {
    const { app, stack } = setup();
    const queue = new sqs.Queue(stack, 'Plain', { visibilityTimeout: Duration.minutes(2) });
    new ObservedFunction(stack, 'Worker', { ...MINIMAL, asyncFailureQueue: false }).consumeQueue(queue);
    AdoptAlarms.applyTo(app);
    const backpressure = Object.keys(alarms(stack)).filter(n => n.endsWith('/Backpressure'));
    expect(backpressure).toEqual(['Legacy/Worker/PlainAlarms/Backpressure']);
  });

  test('Table and TableV2 get the table alarms that fit their billing', () => {
    const { app, stack } = setup();
    new dynamodb.Table(stack, 'Old', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    new dynamodb.TableV2(stack, 'New', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    AdoptAlarms.applyTo(app);
    const names = Object.keys(alarms(stack));
    // Table defaults to provisioned capacity, TableV2 to on demand
    expect(names).toEqual(expect.arrayContaining(['Legacy/Old/ReadCapacityNearProvisioned', 'Legacy/Old/ReadThrottleEvents', 'Legacy/New/OnDemandMaxThroughputThrottleEvents', 'Legacy/New/SystemErrors']));
    expect(names).not.toContain('Legacy/New/ReadCapacityNearProvisioned');
    expect(names).not.toContain('Legacy/Old/OnDemandMaxThroughputThrottleEvents');
  });

  test('RestApi and HttpApi get the API alarms on their stage', () => {
    const { app, stack } = setup();
    const rest = new apigw.RestApi(stack, 'Rest');
    rest.root.addMethod('GET', new apigw.MockIntegration());
    new apigwv2.HttpApi(stack, 'Http');
    AdoptAlarms.applyTo(app);
    const found = alarms(stack);
    const restRate = found['Legacy/Rest/ServerErrorRate'];
    const dims = restRate.Metrics.find((m: any) => m.Id === 'errors').MetricStat.Metric.Dimensions;
    expect(dims).toEqual([{ Name: 'ApiName', Value: 'Rest' }, { Name: 'Stage', Value: { Ref: expect.stringMatching(/^RestDeploymentStageprod/) } }]);
    expect(found['Legacy/Rest/LatencyNearTimeout'].Threshold).toBe(29000 * 0.8);
    expect(found['Legacy/Http/ServerErrorRate']).toBeDefined();
    expect(found['Legacy/Http/LatencyNearTimeout'].Threshold).toBe(30000 * 0.8);
  });

  test('observed constructs and what they created are not adopted again; the service-health alarm includes adopted alarms', () => {
    const { app, stack } = setup();
    const health = new ServiceHealth(stack, 'Health');
    new ObservedFunction(stack, 'Observed', MINIMAL); // with its failure queue
    new ObservedQueue(stack, 'Jobs'); // with its DLQ
    new lambda.Function(stack, 'Plain', MINIMAL);
    Aspects.of(app).add(new AdoptAlarms());
    const names = Object.keys(alarms(stack));
    expect(names.filter(n => n.startsWith('Legacy/Observed/'))).toHaveLength(8);
    expect(names.filter(n => n.startsWith('Legacy/Jobs/'))).toHaveLength(4);
    // the observed function's failure queue is alarmed by the function (FailureQueueMessages), not adopted
    expect(names.filter(n => n.includes('FailureQueue') || n.includes('DeadLetterQueue/'))).toEqual(['Legacy/Observed/FailureQueueMessages']);
    const rule = (Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::CompositeAlarm'))[0] as any).Properties.AlarmRule;
    expect(rule).toContain('ALARM("Legacy/Plain/ErrorRate")');
    expect(rule).toContain('ALARM("Legacy/Observed/ErrorRate")');
    expect(health.criticalAlarmCount).toBe(6 + 4 + 3);
  });
});
