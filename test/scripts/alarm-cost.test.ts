import { alarmCost } from '../../scripts/alarm-cost';

test('alarm metrics, composites and always-on custom metrics, at list prices', () => {
  const cost = alarmCost({
    Single: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors' } },
    Math: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { Metrics: [{ Id: 'e', MetricStat: {} }, { Id: 'i', MetricStat: {} }, { Id: 'rate', Expression: 'e / i' }] },
    },
    Health: { Type: 'AWS::CloudWatch::CompositeAlarm' },
    Always: { Type: 'AWS::Logs::MetricFilter', Properties: { MetricTransformations: [{ DefaultValue: 0 }] } },
    OnMatch: { Type: 'AWS::Logs::MetricFilter', Properties: { MetricTransformations: [{}] } },
    Queue: { Type: 'AWS::SQS::Queue' },
  });
  expect(cost).toEqual({ alarmMetrics: 3, compositeAlarms: 1, customMetrics: 1, dollars: 1.10 });
});
