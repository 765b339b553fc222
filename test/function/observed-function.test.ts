import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { alarmCost } from '../../scripts/alarm-cost';
import { ObservedFunction } from '../../src';
import { AlarmSimulator } from '../../src/simulator/alarm-simulator';
import { MINIMAL, synth, testStack } from '../helpers';

function minimalTemplate(): { stack: Stack; fn: ObservedFunction; template: Template } {
  const stack = testStack();
  const fn = new ObservedFunction(stack, 'Fn', MINIMAL);
  return { stack, fn, template: synth(stack) };
}

describe('ObservedFunction defaults', () => {
  const { fn, template } = minimalTemplate();

  test('explicit timeout and memory, X-Ray, JSON logs into its own log group, recursive loops terminated', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 10,
      MemorySize: 1024,
      TracingConfig: { Mode: 'Active' },
      RecursiveLoop: 'Terminate',
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^FnLogGroup') } },
    });
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(fn.logGroup.node.path).toBe('TestStack/Fn/LogGroup');
  });

  test('no log-retention custom resource and no AWSLambdaBasicExecutionRole: logs are written only to its own log group', () => {
    template.resourceCountIs('Custom::LogRetention', 0);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnLogGroup'), 'Arn'] },
        }]),
      },
    });
  });

  test('asynchronous invocations: 2 retries, 6 hours max age, failures to an encrypted TLS-only queue kept 14 days', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnFailureQueue'), 'Arn'] } } },
    });
    // a dead-letter queue by its RedriveAllowPolicy (Control Tower's CT.SQS.PR.1 then asks it for no DLQ of its own)
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true, RedriveAllowPolicy: { redrivePermission: 'allowAll' } });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
    expect(fn.failureQueue).toBeDefined();
  });

  test('exactly the eight default alarms, with stable readable names', () => {
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(r => r.Properties.AlarmName).sort();
    expect(names).toEqual([
      'TestStack/Fn/DestinationDeliveryFailures',
      'TestStack/Fn/DurationNearTimeout',
      'TestStack/Fn/ErrorRate',
      'TestStack/Fn/FailureQueueMessages',
      'TestStack/Fn/MemoryNearLimit',
      'TestStack/Fn/RecursiveInvocationsDropped',
      'TestStack/Fn/Throttles',
      'TestStack/Fn/Timeouts',
    ]);
    expect(fn.alarms).toHaveLength(8);
  });

  test('error rate is errors / invocations in percent, not a raw count', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Fn/ErrorRate',
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      // minutes without invocations are missing: a quiet function's lone failure alarms
      TreatMissingData: 'missing',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(invocations > 0, IF(FILL(errors, 0) >= 2 OR FILL(errors, 0) >= invocations, 100 * FILL(errors, 0) / invocations, 0))', ReturnData: true }),
        Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Errors', Namespace: 'AWS/Lambda' }), Period: 60, Stat: 'Sum' }) }),
        Match.objectLike({ Id: 'invocations', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Invocations' }), Period: 60, Stat: 'Sum' }) }),
      ]),
    });
  });

  test.each([
    ['Throttles', 'Throttles', 'Sum', 0, 'GreaterThanThreshold', 3, 2],
    ['RecursiveInvocationsDropped', 'RecursiveInvocationsDropped', 'Sum', 0, 'GreaterThanThreshold', 1, 1],
    ['DestinationDeliveryFailures', 'DestinationDeliveryFailures', 'Sum', 0, 'GreaterThanThreshold', 1, 1],
  ])('%s alarm on AWS/Lambda %s (%s) > %d', (id, metricName, statistic, threshold, comparison, evaluationPeriods, datapoints) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `TestStack/Fn/${id}`,
      Namespace: 'AWS/Lambda',
      MetricName: metricName,
      Statistic: statistic,
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Fn') } }],
      Period: 60,
      Threshold: threshold,
      ComparisonOperator: comparison,
      EvaluationPeriods: evaluationPeriods,
      DatapointsToAlarm: datapoints,
    });
  });

  test('the failure queue is alarmed on every new failed event; AsyncEventsDropped would repeat it', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Fn/FailureQueueMessages',
      Metrics: [
        Match.objectLike({ Expression: 'DIFF(FILL(visible, 0))', ReturnData: true }),
        Match.objectLike({
          Id: 'visible',
          MetricStat: Match.objectLike({
            Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FnFailureQueue'), 'QueueName'] } }] },
            Stat: 'Maximum',
          }),
        }),
      ],
      Threshold: 0,
      EvaluationPeriods: 1,
    });
    expect(Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties.AlarmName)).not.toContain('TestStack/Fn/AsyncEventsDropped');
  });

  test('p99 duration alarm at 80 % of the function timeout (8,000 ms of 10 s)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Fn/DurationNearTimeout',
      MetricName: 'Duration',
      ExtendedStatistic: 'p99',
      Period: 60,
      Threshold: 8000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  test('timeouts are counted from platform.report records with status timeout', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.type = "platform.report") && ($.record.status = "timeout") }',
      LogGroupName: { Ref: Match.stringLikeRegexp('^FnLogGroup') },
      MetricTransformations: [Match.objectLike({ MetricNamespace: 'CdkObserved/Lambda', MetricValue: '1', DefaultValue: Match.absent() })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Fn/Timeouts',
      Threshold: 0,
      Metrics: [
        Match.objectLike({ Expression: 'FILL(m, 0)', ReturnData: true }),
        Match.objectLike({
          Id: 'm',
          MetricStat: Match.objectLike({
            Metric: { Namespace: 'CdkObserved/Lambda', MetricName: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('^Fn') }, '-Timeouts']] } },
            Stat: 'Sum',
            Period: 60,
          }),
        }),
      ],
    });
  });

  test('max memory used is alarmed at 90 % of the memory size, from platform.report records', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.type = "platform.report") && ($.record.metrics.maxMemoryUsedMB >= 921.6) }',
      MetricTransformations: [Match.objectLike({ MetricValue: '$.record.metrics.maxMemoryUsedMB', DefaultValue: Match.absent() })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Fn/MemoryNearLimit',
      Threshold: 921.6,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Metrics: [
        Match.objectLike({ Expression: 'FILL(m, 0)' }),
        Match.objectLike({ Id: 'm', MetricStat: Match.objectLike({ Stat: 'Maximum', Period: 60 }) }),
      ],
    });
  });

  test('with no topic given, alarms notify the stack\'s default topic (every alarm has an action)', () => {
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^ObservedAlarmsTopic/) }]);
    }
  });

  test('the default alarms cost at most $1.00 a month ($0.10 per alarm metric, $0.30 per always-on custom metric)', () => {
    const { dollars } = alarmCost(template.toJSON().Resources);
    // printed for the record (issue 15): the default pack's monthly alarm cost
    process.stdout.write(`default alarm pack of a function: $${dollars.toFixed(2)} a month\n`);
    expect(dollars).toBeCloseTo(0.90, 5);
    expect(dollars).toBeLessThanOrEqual(1.0);
  });
});

describe('ObservedFunction error budget', () => {
  test('off by default; an availability objective turns on both burn-rate alarms on Errors / Invocations', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Plain', MINIMAL);
    new ObservedFunction(stack, 'Slo', { ...MINIMAL, availabilityObjectivePercent: 99 });
    const template = synth(stack);
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties.AlarmName);
    expect(names.filter(n => n.includes('ErrorBudget')).sort()).toEqual(['TestStack/Slo/ErrorBudgetFastBurn', 'TestStack/Slo/ErrorBudgetSlowBurn']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Slo/ErrorBudgetFastBurn',
      Threshold: 10,
      Metrics: Match.arrayWith([Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Errors' }), Period: 120 }) })]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack/Slo/ErrorBudgetSlowBurn', Threshold: 2 });
  });

  test('an objective with one burn alarm switched off keeps it off', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Slo', { ...MINIMAL, availabilityObjectivePercent: 99.9, alarms: { errorBudgetSlowBurn: { enabled: false } } });
    expect(fn.alarms.map(a => a.node.id)).toContain('ErrorBudgetFastBurnAlarm');
    expect(fn.alarms.map(a => a.node.id)).not.toContain('ErrorBudgetSlowBurnAlarm');
  });
});

describe('ObservedFunction overrides', () => {
  test('user values win over every default', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Fn', {
      ...MINIMAL,
      timeout: Duration.seconds(25),
      memorySize: 512,
      tracing: lambda.Tracing.PASS_THROUGH,
      logRetention: logs.RetentionDays.ONE_WEEK,
      retryAttempts: 0,
      maxEventAge: Duration.minutes(5),
    });
    const template = synth(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 25, MemorySize: 512, TracingConfig: { Mode: 'PassThrough' } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.resourceCountIs('Custom::LogRetention', 0);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 300 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack/Fn/DurationNearTimeout', Threshold: 20000 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack/Fn/MemoryNearLimit', Threshold: 460.8 });
  });

  test('switching an alarm off removes it (and its metric filter)', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Fn', { ...MINIMAL, alarms: { timeouts: { enabled: false }, throttles: { enabled: false } } });
    const template = synth(stack);
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(r => r.Properties.AlarmName);
    expect(names).not.toContain('TestStack/Fn/Timeouts');
    expect(names).not.toContain('TestStack/Fn/Throttles');
    expect(names).toContain('TestStack/Fn/ErrorRate');
    expect(fn.alarms).toHaveLength(6);
    template.resourcePropertiesCountIs('AWS::Logs::MetricFilter', { FilterPattern: Match.stringLikeRegexp('timeout') }, 0);
  });

  test('a new threshold, period and M-of-N show in the alarm', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Fn', {
      ...MINIMAL,
      alarms: {
        errorRatePercent: { threshold: 1, evaluationPeriods: 5, datapointsToAlarm: 3, period: Duration.minutes(5) },
        durationP99PercentOfTimeout: { threshold: 50 },
      },
    });
    const template = synth(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Fn/ErrorRate',
      Threshold: 1,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      Metrics: Match.arrayWith([Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Period: 300 }) })]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack/Fn/DurationNearTimeout', Threshold: 5000 });
  });

  test('reserved concurrency adds an alarm at 90 % of it', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Fn', { ...MINIMAL, reservedConcurrentExecutions: 50 });
    synth(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Fn/ConcurrencyNearReserved',
      MetricName: 'ConcurrentExecutions',
      Statistic: 'Maximum',
      Threshold: 45,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  test('a dead-letter queue replaces the failure queue and is alarmed on DeadLetterErrors', () => {
    const stack = testStack();
    const dlq = new sqs.Queue(stack, 'Dlq', { enforceSSL: true });
    const fn = new ObservedFunction(stack, 'Fn', { ...MINIMAL, deadLetterQueue: dlq });
    const template = synth(stack);
    expect(fn.failureQueue).toBeUndefined();
    template.resourceCountIs('AWS::SQS::Queue', 1);
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(r => r.Properties.AlarmName);
    expect(names).toEqual(expect.arrayContaining(['TestStack/Fn/DeadLetterErrors', 'TestStack/Fn/AsyncEventsDropped']));
    expect(names).not.toContain('TestStack/Fn/DestinationDeliveryFailures');
  });

  test("the user's on-failure destination replaces the failure queue", () => {
    const stack = testStack();
    const target = new sqs.Queue(stack, 'Target');
    const fn = new ObservedFunction(stack, 'Fn', { ...MINIMAL, onFailure: new SqsDestination(target) });
    const template = synth(stack);
    expect(fn.failureQueue).toBeUndefined();
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack/Fn/DestinationDeliveryFailures' });
  });

  test('asyncFailureQueue: false leaves asynchronous handling and its alarms out', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Fn', { ...MINIMAL, asyncFailureQueue: false });
    const template = synth(stack);
    template.resourceCountIs('AWS::SQS::Queue', 0);
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
  });

  test('enabling an alarm that cannot apply is an error', () => {
    const stack = testStack();
    expect(() => new ObservedFunction(stack, 'Fn', { ...MINIMAL, alarms: { concurrencyPercentOfReserved: { enabled: true } } }))
      .toThrow('TestStack/Fn: alarms.concurrencyPercentOfReserved.enabled is true; this alarm exists only with reserved concurrency.');
  });

  test('a VPC function keeps the VPC access managed policy', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0 });
    new ObservedFunction(stack, 'Fn', { ...MINIMAL, vpc, allowPublicSubnet: true });
    const role = Object.values(synth(stack).findResources('AWS::IAM::Role'))[0];
    const arns = JSON.stringify(role.Properties.ManagedPolicyArns);
    expect(arns).toContain('AWSLambdaVPCAccessExecutionRole');
    expect(arns).not.toContain('AWSLambdaBasicExecutionRole');
  });

  test('it is a lambda.Function: grants land in its role', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Fn', MINIMAL);
    const table = new dynamodb.TableV2(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    table.grantReadData(fn);
    const fnAsL2: lambda.IFunction = fn;
    expect(fnAsL2.functionName).toBeDefined();
    synth(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['dynamodb:GetItem']) })]) },
    });
  });
});

describe('ObservedFunction metrics', () => {
  test('metricTimeouts reuses the timeouts metric filter and takes metric options', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Fn', MINIMAL);
    const metric = fn.metricTimeouts({ period: Duration.minutes(5) }) as any;
    expect(metric.namespace).toBe('CdkObserved/Lambda');
    expect(metric.period.toSeconds()).toBe(300);
    expect(metric.statistic).toBe('Sum');
    synth(stack).resourcePropertiesCountIs('AWS::Logs::MetricFilter', { FilterPattern: Match.stringLikeRegexp('timeout') }, 1);
  });
});

describe('ObservedFunction asynchronous events backing up (opt-in)', () => {
  test('AsyncEventAge in seconds: events aging 30 s a minute under throttling alarm once the oldest passes 600 s, not before', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Fn', { ...MINIMAL, alarms: { asyncEventAgeSeconds: { enabled: true } } });
    const template = synth(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Fn/AsyncEventsBackingUp',
      Threshold: 600,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'm / 1000' }),
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'AsyncEventAge' }), Stat: 'Maximum' }) })]),
    });
    const fnId = Object.keys(template.findResources('AWS::Lambda::Function'))[0];
    // the oldest event's age in ms: 30 s older every minute from minute 0 (21 min to pass 600 s)
    const ages = Array.from({ length: 30 }, (_x, i) => i * 30_000);
    const r = new AlarmSimulator(template.toJSON(), { metricDelayMinutes: 0, logDelayMinutes: 0 }).simulate({
      minutes: 30,
      onsetMinute: 0,
      series: [{ namespace: 'AWS/Lambda', metricName: 'AsyncEventAge', dimensions: { FunctionName: `\${${fnId}}` }, data: ages }],
    });
    const alarm = r.alarms.find(a => a.alarmName === 'TestStack/Fn/AsyncEventsBackingUp')!;
    expect(alarm.evaluable).toBe(true);
    // above 600 s from the datapoint of minute 21 (630 s; minute 20's is 600, not above); the
    // datapoints of minutes 21 and 22 are 2 of 3 breaching when minute 22 has ended
    expect(alarm.changes.filter(c => c.toState === 'ALARM').map(c => c.minute)).toEqual([23]);
  });

  test('off by default', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Fn', MINIMAL);
    expect(Object.values(synth(stack).findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties.AlarmName)).not.toContain('TestStack/Fn/AsyncEventsBackingUp');
  });
});
