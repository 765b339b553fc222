import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ObservedQueue } from '../../src';
import { synth, testStack } from '../helpers';
import { nagFindings } from '../nag';

describe('ObservedQueue defaults', () => {
  const stack = testStack();
  const queue = new ObservedQueue(stack, 'Queue');
  const template = synth(stack);

  test('a dead-letter queue after 5 receives, kept 14 days; both encrypted', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^QueueDeadLetterQueue'), 'Arn'] }, maxReceiveCount: 5 },
      SqsManagedSseEnabled: true,
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true, RedrivePolicy: Match.absent() });
    expect(queue.deadLetterQueue?.maxReceiveCount).toBe(5);
    expect(queue.deadLetterQueue?.queue.node.path).toBe('TestStack/Queue/DeadLetterQueue');
  });

  test('the dead-letter queue declares itself one: allowAll, since the source queue\'s generated name cannot be named without a circular reference', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 1209600, RedriveAllowPolicy: { redrivePermission: 'allowAll' } });
    template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: Match.anyValue(), RedriveAllowPolicy: Match.absent() });
  });

  test('TLS is enforced on the queue and on its dead-letter queue', () => {
    template.resourcePropertiesCountIs('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    }, 2);
  });

  test('three alarms: backpressure, stuck consumer, dead-letter depth', () => {
    expect(queue.alarms.map(a => a.node.id)).toEqual(['BackpressureAlarm', 'BacklogGrowingAlarm', 'StuckConsumerAlarm', 'DeadLetterQueueMessagesAlarm']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Queue/Backpressure',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Queue'), 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Queue/StuckConsumer',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(FILL(visible, 0) > 0 AND FILL(deleted, 0) == 0, 1, 0)' }),
        Match.objectLike({ Id: 'visible', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ApproximateNumberOfMessagesVisible' }), Stat: 'Maximum', Period: 60 }) }),
        Match.objectLike({ Id: 'deleted', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'NumberOfMessagesDeleted' }), Stat: 'Sum', Period: 60 }) }),
      ]),
    });
    // a trend, whatever the age threshold: older and more messages than a minute before, 5 of 5
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Queue/BacklogGrowing',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(age >= 60 AND DIFF(age) > 0 AND DIFF(visible) > 0, 1, 0)' }),
        Match.objectLike({ Id: 'age', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ApproximateAgeOfOldestMessage' }), Stat: 'Maximum', Period: 60 }) }),
        Match.objectLike({ Id: 'visible', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ApproximateNumberOfMessagesVisible' }), Stat: 'Maximum', Period: 60 }) }),
      ]),
    });
    // every minute the dead-letter queue's depth rises alarms, not only the first
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Queue/DeadLetterQueueMessages',
      Metrics: [
        Match.objectLike({ Expression: 'DIFF(FILL(visible, 0))', ReturnData: true }),
        Match.objectLike({
          Id: 'visible',
          MetricStat: Match.objectLike({
            Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^QueueDeadLetterQueue'), 'QueueName'] } }] },
            Stat: 'Maximum',
            Period: 60,
          }),
        }),
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  test('cdk-nag 3 AwsSolutions and Serverless: no unacknowledged finding', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('ObservedQueue options', () => {
  test('a FIFO queue gets a FIFO dead-letter queue', () => {
    const stack = testStack();
    new ObservedQueue(stack, 'Queue', { fifo: true, maxReceiveCount: 8 });
    const template = synth(stack);
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { FifoQueue: true }, 2);
    template.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, RedrivePolicy: Match.objectLike({ maxReceiveCount: 8 }) });
  });

  test('with a queue name, the dead-letter queue allows only that queue to use it (byQueue)', () => {
    const stack = testStack();
    new ObservedQueue(stack, 'Queue', { queueName: 'orders.fifo', fifo: true });
    synth(stack).hasResourceProperties('AWS::SQS::Queue', {
      RedriveAllowPolicy: {
        redrivePermission: 'byQueue',
        sourceQueueArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sqs:us-east-1:123456789012:orders.fifo']] }],
      },
    });
  });

  test("the user's dead-letter queue is used and alarmed", () => {
    const stack = testStack();
    const dlq = new sqs.Queue(stack, 'MyDlq', { enforceSSL: true });
    new ObservedQueue(stack, 'Queue', { deadLetterQueue: { queue: dlq, maxReceiveCount: 10 } });
    const template = synth(stack);
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Queue/DeadLetterQueueMessages',
      Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyDlq'), 'QueueName'] } }] }) }) })]),
    });
  });

  test('an alarm switched off is gone; a new threshold shows', () => {
    const stack = testStack();
    const queue = new ObservedQueue(stack, 'Queue', {
      alarms: { stuckConsumer: { enabled: false }, ageOfOldestMessageSeconds: { threshold: 60 } },
      retentionPeriod: Duration.days(4),
    });
    expect(queue.alarms).toHaveLength(3);
    synth(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack/Queue/Backpressure', Threshold: 60 });
  });

  test.each([
    [{ maxReceiveCount: 0 }, 'TestStack/Queue: maxReceiveCount is 0; allowed range is 1-1000.'],
    [{ maxReceiveCount: 2.5 }, 'TestStack/Queue: maxReceiveCount is 2.5; it must be a whole number.'],
    [{ alarms: { ageOfOldestMessageSeconds: { threshold: 0 } } }, 'TestStack/Queue: alarms.ageOfOldestMessageSeconds.threshold is 0 seconds; allowed range is 1-1209600 seconds.'],
  ])('bad props: %j', (props, message) => {
    expect(() => new ObservedQueue(testStack(), 'Queue', props)).toThrow(message);
  });
});
