import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { QueueAlarmOptions } from './queue-alarm-options';
import { AlarmCatalog, AlarmEntry, critical } from '../core/alarm-catalog';

const SQS = 'AWS/SQS';
const COMMON = { period: Duration.minutes(1), enabledByDefault: true, when: 'always' };

/** The default alarms of an ObservedQueue, one entry per alarm kind. */
export const QUEUE_ALARMS: AlarmCatalog<keyof QueueAlarmOptions> = {
  ageOfOldestMessageSeconds: {
    ...COMMON,
    id: 'Backpressure',
    critical: true,
    catches: 'Producers outpace the consumer: the oldest message keeps getting older.',
    metric: { namespace: SQS, metricName: 'ApproximateAgeOfOldestMessage', statistic: 'Maximum' },
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 300,
    unit: 'seconds',
    min: 1,
    max: 1_209_600,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  backlogGrowing: {
    ...COMMON,
    id: 'BacklogGrowing',
    critical: true,
    catches: 'Messages pile up faster than the consumer takes them (a capped or slowed consumer, a surge of producers): the oldest message gets older and the backlog grows minute after minute, long before the age reaches the backpressure threshold.',
    // a trend, whatever the absolute age: older and more messages than a minute before, in each of
    // 5 minutes. The floor of a minute ignores the jitter of a queue that keeps up (its oldest
    // message is seconds old); a burst being drained has a falling depth and does not count.
    math: {
      expression: 'IF(age >= 60 AND DIFF(age) > 0 AND DIFF(visible) > 0, 1, 0)',
      metrics: {
        age: { namespace: SQS, metricName: 'ApproximateAgeOfOldestMessage', statistic: 'Maximum' },
        visible: { namespace: SQS, metricName: 'ApproximateNumberOfMessagesVisible', statistic: 'Maximum' },
      },
    },
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold: 1,
    unit: 'flag (1 = older and more messages than a minute before)',
    min: 1,
    max: 1,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  stuckConsumer: {
    ...COMMON,
    id: 'StuckConsumer',
    critical: true,
    catches: 'The consumer errors: messages are visible but none is deleted, so they return to the queue and nothing moves.',
    math: {
      expression: 'IF(FILL(visible, 0) > 0 AND FILL(deleted, 0) == 0, 1, 0)',
      metrics: {
        visible: { namespace: SQS, metricName: 'ApproximateNumberOfMessagesVisible', statistic: 'Maximum' },
        deleted: { namespace: SQS, metricName: 'NumberOfMessagesDeleted', statistic: 'Sum' },
      },
    },
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold: 1,
    unit: 'flag (1 = visible and none deleted)',
    min: 1,
    max: 1,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  deadLetterQueueMessages: critical(failedMessagesEntry('DeadLetterQueueMessages',
    'Messages failed maxReceiveCount times and were moved to the dead-letter queue: each new one is a lost unit of work.',
    'with a dead-letter queue')),
};

/**
 * New messages in a queue that holds failures (a dead-letter or failure queue): each is a unit of
 * work that was not done. The alarm fires in every minute the queue's depth rises and returns to
 * OK after, so each new failure is noticed: a depth alarm would stay in ALARM from the first
 * message on and hide the next ones. (Depth, not NumberOfMessagesSent, because SQS does not count
 * the messages it moves to a dead-letter queue as sent.) An idle, empty queue publishes no depth:
 * FILL counts it as 0.
 */
export function failedMessagesEntry(id: string, catches: string, when: string): AlarmEntry {
  return {
    id,
    catches,
    when,
    math: {
      expression: 'DIFF(FILL(visible, 0))',
      metrics: { visible: { namespace: SQS, metricName: 'ApproximateNumberOfMessagesVisible', statistic: 'Maximum' } },
    },
    period: Duration.minutes(1),
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 0,
    unit: 'messages added',
    min: 0,
    max: 1_000_000,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    enabledByDefault: true,
  };
}
