import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { QueueAlarmOptions } from './queue-alarm-options';
import { AlarmCatalog, AlarmEntry } from '../core/alarm-catalog';

const SQS = 'AWS/SQS';
const COMMON = { period: Duration.minutes(1), enabledByDefault: true, when: 'always' };

/** The default alarms of an ObservedQueue, one entry per alarm kind. */
export const QUEUE_ALARMS: AlarmCatalog<keyof QueueAlarmOptions> = {
  ageOfOldestMessageSeconds: {
    ...COMMON,
    id: 'Backpressure',
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
  stuckConsumer: {
    ...COMMON,
    id: 'StuckConsumer',
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
  deadLetterQueueMessages: failedMessagesEntry('DeadLetterQueueMessages',
    'Messages failed maxReceiveCount times and were moved to the dead-letter queue: each is a lost unit of work.',
    'with a dead-letter queue'),
};

/**
 * Messages waiting in a queue that holds failures (a dead-letter or failure queue): any message
 * there is a unit of work that was not done, so the first minute with one alarms.
 */
export function failedMessagesEntry(id: string, catches: string, when: string): AlarmEntry {
  return {
    id,
    catches,
    when,
    metric: { namespace: SQS, metricName: 'ApproximateNumberOfMessagesVisible', statistic: 'Maximum' },
    period: Duration.minutes(1),
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 0,
    unit: 'count',
    min: 0,
    max: 1_000_000,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    enabledByDefault: true,
  };
}
