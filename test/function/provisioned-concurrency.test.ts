import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ObservedFunction, ObservedFunctionProps, ObservedQueue } from '../../src';
import { MINIMAL, synth, testStack } from '../helpers';
import { nagFindings } from '../nag';

function provisioned(props: Partial<ObservedFunctionProps> = {}) {
  const stack = testStack();
  const fn = new ObservedFunction(stack, 'Api', { ...MINIMAL, provisionedConcurrency: { executions: 5 }, ...props });
  return { stack, fn };
}

const ALIAS_DIMENSIONS = [
  { Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^Api') } },
  { Name: 'Resource', Value: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('^Api') }, ':live']] } },
];

describe('provisioned concurrency on an alias', () => {
  const { stack, fn } = provisioned();
  const template = synth(stack);

  test('a version (not retained after replacement) and an alias carrying the provisioned concurrency', () => {
    template.hasResource('AWS::Lambda::Version', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiCurrentVersion'), 'Version'] },
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 5 },
    });
    expect(fn.invokeTarget).toBe(fn.alias);
  });

  test('spillover, high and idle utilization alarms, on the alias dimension', () => {
    // spillover as a share of the alias's invocations over 5-minute windows, not any spilled call
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Api/ProvisionedConcurrencySpillover',
      Threshold: 10,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Metrics: [
        Match.objectLike({ Expression: '100 * FILL(spillover, 0) / invocations' }),
        Match.objectLike({ Id: 'spillover', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ProvisionedConcurrencySpilloverInvocations', Dimensions: ALIAS_DIMENSIONS }), Stat: 'Sum', Period: 300 }) }),
        Match.objectLike({ Id: 'invocations', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Invocations', Dimensions: ALIAS_DIMENSIONS }), Stat: 'Sum', Period: 300 }) }),
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Api/ProvisionedConcurrencyHigh',
      MetricName: 'ProvisionedConcurrencyUtilization',
      Statistic: 'Maximum',
      Dimensions: ALIAS_DIMENSIONS,
      Threshold: 0.9,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Api/ProvisionedConcurrencyIdle',
      Threshold: 0.2,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 24,
      DatapointsToAlarm: 24,
      TreatMissingData: 'notBreaching',
      Metrics: [
        Match.objectLike({ Expression: 'FILL(utilization, 0)' }),
        Match.objectLike({
          Id: 'utilization',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'ProvisionedConcurrencyUtilization', Dimensions: ALIAS_DIMENSIONS }),
            Stat: 'Maximum',
            Period: 3600,
          }),
        }),
      ],
    });
  });

  test('the wiring invokes the alias', () => {
    const wired = provisioned();
    wired.fn.consumeQueue(new ObservedQueue(wired.stack, 'Jobs'));
    wired.fn.consumeBucket(new s3.Bucket(wired.stack, 'Uploads', { enforceSSL: true }), { inputPrefix: 'in/' });
    const t = synth(wired.stack);
    const mapping = Object.values(t.findResources('AWS::Lambda::EventSourceMapping'))[0];
    expect(JSON.stringify(mapping.Properties.FunctionName)).toMatch(/ApiAlias[0-9A-F]{8}.*":live"/);
    t.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: { LambdaFunctionConfigurations: [Match.objectLike({ LambdaFunctionArn: { Ref: Match.stringLikeRegexp('^ApiAlias') } })] },
    });
  });

  test('cdk-nag 3 AwsSolutions and Serverless: no finding', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('provisioned concurrency options', () => {
  test('auto scaling on utilization between executions and maxExecutions', () => {
    const { stack } = provisioned({ provisionedConcurrency: { executions: 2, maxExecutions: 20, utilizationTargetPercent: 60, aliasName: 'prod' } });
    const template = synth(stack);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2, MaxCapacity: 20, ScalableDimension: 'lambda:function:ProvisionedConcurrency',
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 0.6,
        PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
      }),
    });
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'prod' });
  });

  test('no provisioned concurrency: no alias, no provisioned-concurrency alarms, the function is the target', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Api', MINIMAL);
    expect(fn.alias).toBeUndefined();
    expect(fn.invokeTarget).toBe(fn);
    synth(stack).resourceCountIs('AWS::Lambda::Alias', 0);
  });

  test.each<[string, Partial<ObservedFunctionProps>, string]>([
    ['zero executions', { provisionedConcurrency: { executions: 0 } }, 'TestStack/Api: provisionedConcurrency.executions is 0; allowed range is 1-1000000.'],
    ['max below min', { provisionedConcurrency: { executions: 5, maxExecutions: 2 } }, 'TestStack/Api: provisionedConcurrency.maxExecutions is 2; allowed range is 5-1000000.'],
    ['target above 90 %', { provisionedConcurrency: { executions: 5, maxExecutions: 9, utilizationTargetPercent: 95 } },
      'TestStack/Api: provisionedConcurrency.utilizationTargetPercent is 95 percent; allowed range is 10-90 percent.'],
    ['more than reserved', { reservedConcurrentExecutions: 4, provisionedConcurrency: { executions: 5 } },
      'TestStack/Api: provisionedConcurrency is 5 executions; at most reservedConcurrentExecutions (4) is allowed.'],
    ['a numeric alias name', { provisionedConcurrency: { executions: 1, aliasName: '123' } },
      "TestStack/Api: provisionedConcurrency.aliasName is '123'; allowed are 1-128 letters, digits, - and _, not only digits."],
  ])('%s', (_name, props, message) => {
    expect(() => provisioned(props)).toThrow(message);
  });
});

describe('cold starts', () => {
  test('the cold-start alarm is off by default and creates no metric filter', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Api', MINIMAL);
    const template = synth(stack);
    template.resourcePropertiesCountIs('AWS::Logs::MetricFilter', { FilterPattern: Match.stringLikeRegexp('initDurationMs') }, 0);
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'))).not.toContain('ColdStarts');
  });

  test('when on: cold starts from platform.report records with an init duration, as a share of invocations', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Api', { ...MINIMAL, alarms: { coldStartPercent: { enabled: true, threshold: 2 } } });
    const template = synth(stack);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.type = "platform.report") && ($.record.metrics.initDurationMs >= 0) }',
      MetricTransformations: [Match.objectLike({ MetricValue: '$.record.metrics.initDurationMs', MetricNamespace: 'CdkObserved/Lambda', DefaultValue: Match.absent() })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Api/ColdStarts',
      Threshold: 2,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(invocations > 0, 100 * FILL(coldStarts, 0) / invocations, 0)' }),
        Match.objectLike({
          Id: 'coldStarts',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ Namespace: 'CdkObserved/Lambda', MetricName: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('^Api') }, '-InitDurationMs']] } }),
            Stat: 'SampleCount',
            Period: 300,
          }),
        }),
      ]),
    });
  });

  test('metricColdStartInitDuration shares the filter', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Api', MINIMAL);
    const metric = fn.metricColdStartInitDuration({ period: Duration.minutes(5) }) as any;
    expect(metric.statistic).toBe('Average');
    fn.metricColdStartInitDuration();
    synth(stack).resourcePropertiesCountIs('AWS::Logs::MetricFilter', { FilterPattern: Match.stringLikeRegexp('initDurationMs') }, 1);
  });
});
