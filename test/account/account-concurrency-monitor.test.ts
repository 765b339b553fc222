import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AccountConcurrencyMonitor } from '../../src/account/account-concurrency-monitor';
import { synth, testStack } from '../helpers';
import { nagFindings } from '../nag';

describe('AccountConcurrencyMonitor defaults', () => {
  const stack = testStack();
  const m = new AccountConcurrencyMonitor(stack, 'Concurrency');
  const template = synth(stack);

  test('one alarm: ClaimedAccountConcurrency as a share of SERVICE_QUOTA(ConcurrentExecutions), >= 80 % in 2 of 3 minutes', () => {
    expect(m.alarms.map(a => a.node.id)).toEqual(['ClaimedConcurrencyNearQuotaAlarm']);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Concurrency/ClaimedConcurrencyNearQuota',
      Threshold: 80,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
      Metrics: [
        { Id: 'expr_1', Expression: '100 * claimed / SERVICE_QUOTA(concurrent)', Label: 'ClaimedConcurrencyNearQuota', ReturnData: true },
        {
          Id: 'claimed',
          ReturnData: false,
          // account-level: no dimensions
          MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'ClaimedAccountConcurrency' }, Stat: 'Maximum', Period: 60 },
        },
        {
          Id: 'concurrent',
          ReturnData: false,
          MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'ConcurrentExecutions' }, Stat: 'Maximum', Period: 60 },
        },
      ],
    });
  });

  test('nothing but the alarm is deployed (and, with no topic given, the stack\'s default alarm topic)', () => {
    expect(Object.values(template.toJSON().Resources).map((r: any) => r.Type).sort())
      .toEqual(['AWS::CloudWatch::Alarm', 'AWS::SNS::Topic', 'AWS::SNS::TopicPolicy']);
  });

  test('the metric for dashboards is the alarm\'s expression', () => {
    const config = m.metricClaimedPercentOfQuota().toMetricConfig();
    expect(config.mathExpression?.expression).toBe('100 * claimed / SERVICE_QUOTA(concurrent)');
    expect(Object.keys(config.mathExpression?.usingMetrics ?? {})).toEqual(['claimed', 'concurrent']);
    expect(m.metricClaimedPercentOfQuota({ period: Duration.minutes(5) }).toMetricConfig().mathExpression?.period).toBe(300);
  });

  test('cdk-nag 3 AwsSolutions and Serverless: no finding', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('AccountConcurrencyMonitor options', () => {
  test('another threshold and window', () => {
    const stack = testStack();
    new AccountConcurrencyMonitor(stack, 'Concurrency', { alarms: { claimedConcurrencyPercentOfQuota: { threshold: 70, evaluationPeriods: 5, datapointsToAlarm: 3 } } });
    synth(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 70, EvaluationPeriods: 5, DatapointsToAlarm: 3 });
  });

  test('switched off: refused, since the monitor would create nothing (and an empty stack does not deploy)', () => {
    const stack = testStack();
    expect(() => new AccountConcurrencyMonitor(stack, 'Concurrency', { alarms: { claimedConcurrencyPercentOfQuota: { enabled: false } } }))
      .toThrow('TestStack/Concurrency: alarms is every alarm switched off; at least one alarm is needed: the monitor creates nothing but its alarms. Remove the monitor instead.');
  });

  test('notifies its alarm topic on ALARM and OK', () => {
    const stack = testStack();
    const topic = new sns.Topic(stack, 'Pager');
    new AccountConcurrencyMonitor(stack, 'Concurrency', { alarmTopic: topic });
    synth(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Pager') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^Pager') }],
    });
  });

  test.each([
    [0, 'TestStack/Concurrency: alarms.claimedConcurrencyPercentOfQuota.threshold is 0 percent of the concurrency quota; allowed range is 1-100 percent of the concurrency quota.'],
    [101, 'TestStack/Concurrency: alarms.claimedConcurrencyPercentOfQuota.threshold is 101 percent of the concurrency quota; allowed range is 1-100 percent of the concurrency quota.'],
  ])('a threshold of %d percent is a synth-time error', (threshold, message) => {
    expect(() => new AccountConcurrencyMonitor(testStack(), 'Concurrency', { alarms: { claimedConcurrencyPercentOfQuota: { threshold } } })).toThrow(message);
  });
});
