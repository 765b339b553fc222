import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { TableStreamAlarmOptions } from './table-stream-options';
import { AlarmCatalog, critical } from '../core/alarm-catalog';
import { failedMessagesEntry } from '../queue/queue-alarm-catalog';

/** The alarms of a table stream consumer, one entry per alarm kind. */
export const TABLE_STREAM_ALARMS: AlarmCatalog<keyof TableStreamAlarmOptions> = {
  iteratorAgeSeconds: {
    id: 'IteratorAge',
    critical: true,
    catches: 'The consumer falls behind the stream (slow, failing or blocked by a poison record) and records near the 24-hour retention are lost.',
    metric: { namespace: 'AWS/Lambda', metricName: 'IteratorAge', statistic: 'Maximum' },
    period: Duration.minutes(1),
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 300,
    unit: 'seconds',
    min: 1,
    max: 604_800,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    enabledByDefault: true,
    when: 'always',
  },
  failedRecords: critical(failedMessagesEntry('FailedRecords',
    'Stream records failed every retry and were sent to the failure queue: each one is a change that was not processed.',
    'with the failure queue the wiring creates')),
};
