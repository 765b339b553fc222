import { Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ObservedTable } from '../../src';
import { TABLE_OPERATIONS } from '../../src/table/table-alarm-catalog';
import { synth, testStack } from '../helpers';
import { nagFindings } from '../nag';

const KEY = { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } };

describe('ObservedTable defaults', () => {
  const stack = testStack();
  const table = new ObservedTable(stack, 'Orders', KEY);
  const template = synth(stack);

  test('on demand, PITR, deletion protection, AWS managed key, RETAIN', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [Match.objectLike({
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        })],
      }),
    });
  });

  test('five alarms on an on-demand table; all metric math with FILL so quiet minutes count as 0', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.map(a => a.Properties.AlarmName).sort()).toEqual([
      'TestStack/Orders/OnDemandMaxThroughputThrottleEvents',
      'TestStack/Orders/ReadThrottleEvents',
      'TestStack/Orders/SystemErrors',
      'TestStack/Orders/ThrottledRequests',
      'TestStack/Orders/WriteThrottleEvents',
    ]);
    for (const alarm of alarms) {
      expect(alarm.Properties.Metrics[0].Expression).toContain('FILL(');
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
    expect(table.alarms).toHaveLength(5);
  });

  test('read throttle events: FILL(ReadThrottleEvents, 0) > 0 in 2 of 3 minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Orders/ReadThrottleEvents',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Metrics: [
        Match.objectLike({ Expression: 'FILL(m, 0)' }),
        Match.objectLike({
          Id: 'm',
          MetricStat: Match.objectLike({
            Metric: { Namespace: 'AWS/DynamoDB', MetricName: 'ReadThrottleEvents', Dimensions: [{ Name: 'TableName', Value: { Ref: Match.stringLikeRegexp('^Orders') } }] },
            Period: 60,
            Stat: 'Sum',
          }),
        }),
      ],
    });
  });

  test('on-demand max throughput: reads + writes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Orders/OnDemandMaxThroughputThrottleEvents',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(reads, 0) + FILL(writes, 0)' }),
        Match.objectLike({ Id: 'reads', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ReadMaxOnDemandThroughputThrottleEvents' }) }) }),
        Match.objectLike({ Id: 'writes', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'WriteMaxOnDemandThroughputThrottleEvents' }) }) }),
      ]),
    });
  });

  test.each(['ThrottledRequests', 'SystemErrors'])('%s summed over the ten data-plane operations', metricName => {
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .find(a => a.Properties.AlarmName === `TestStack/Orders/${metricName}`)!;
    const [expression, ...metrics] = alarm.Properties.Metrics;
    expect(expression.Expression).toBe('SUM(FILL(METRICS(), 0))');
    expect(metrics.map((m: any) => m.MetricStat.Metric.MetricName)).toEqual(TABLE_OPERATIONS.map(() => metricName));
    expect(metrics.map((m: any) => m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'Operation').Value)).toEqual(TABLE_OPERATIONS);
    expect(alarm.Properties.Threshold).toBe(0);
  });

  test('cdk-nag 3 AwsSolutions and Serverless: no finding', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('ObservedTable options', () => {
  test('a provisioned table gets consumed-vs-provisioned alarms instead of the on-demand one', () => {
    const stack = testStack();
    new ObservedTable(stack, 'Orders', {
      ...KEY,
      billing: dynamodb.Billing.provisioned({
        readCapacity: dynamodb.Capacity.fixed(5),
        writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 20 }),
      }),
    });
    const template = synth(stack);
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties.AlarmName);
    expect(names).not.toContain('TestStack/Orders/OnDemandMaxThroughputThrottleEvents');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Orders/ReadCapacityNearProvisioned',
      Threshold: 80,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: '100 * FILL(consumed, 0) / PERIOD(consumed) / provisioned' }),
        Match.objectLike({ Id: 'consumed', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ConsumedReadCapacityUnits' }), Period: 300, Stat: 'Sum' }) }),
        Match.objectLike({ Id: 'provisioned', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ProvisionedReadCapacityUnits' }), Stat: 'Average' }) }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack/Orders/WriteCapacityNearProvisioned' });
  });

  test('user settings win; an alarm switched off is gone; a new threshold shows', () => {
    const stack = testStack();
    const table = new ObservedTable(stack, 'Orders', {
      ...KEY,
      deletionProtection: false,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false },
      alarms: { systemErrors: { enabled: false }, readThrottleEvents: { threshold: 10 } },
    });
    const template = synth(stack);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } })],
    });
    expect(table.alarms).toHaveLength(4);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack/Orders/ReadThrottleEvents', Threshold: 10 });
  });

  test('a bad threshold names the prop and the range', () => {
    expect(() => new ObservedTable(testStack(), 'Orders', { ...KEY, alarms: { writeThrottleEvents: { threshold: -1 } } }))
      .toThrow('TestStack/Orders: alarms.writeThrottleEvents.threshold is -1 count; allowed range is 0-1000000 count.');
  });
});
