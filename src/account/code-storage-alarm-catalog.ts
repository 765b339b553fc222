import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { CodeStorageAlarmOptions } from './code-storage-alarm-options';
import { METRIC, METRIC_NAMESPACE } from './code-storage-contract';
import { AlarmCatalog } from '../core/alarm-catalog';

/**
 * The default poll interval, and the period of the catalog's alarms. A CodeStorageMonitor with
 * another `schedule` evaluates its alarms over periods of that length instead (one poll each).
 */
export const DEFAULT_POLL_INTERVAL = Duration.hours(1);

const COMMON = { period: DEFAULT_POLL_INTERVAL, enabledByDefault: true, when: 'always' };

/** The alarms of a CodeStorageMonitor, one entry per alarm kind. */
export const CODE_STORAGE_ALARMS: AlarmCatalog<keyof CodeStorageAlarmOptions> = {
  codeStorageUsedPercent: {
    ...COMMON,
    id: 'CodeStorageNearLimit',
    dashboard: true,
    catches: 'Lambda code storage (every published version and layer version in the region) approaches its quota; when it is full, deployments fail with CodeStorageExceededException.',
    metric: { namespace: METRIC_NAMESPACE, metricName: METRIC.usedPercent, statistic: 'Maximum' },
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold: 80,
    unit: 'percent of the code storage limit',
    min: 1,
    max: 100,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    // a missing poll is the successfulPolls alarm's business
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
  successfulPolls: {
    ...COMMON,
    id: 'PollFailing',
    catches: 'The code storage poll keeps failing (or the poller is not invoked at all), so the storage alarm is blind.',
    // FILL makes an hour without a poll a 0 that breaches: CloudWatch fills in missing points only
    // when fewer than N are present in its evaluation range, which would take 5 empty hours
    math: { expression: 'FILL(polls, 0)', metrics: { polls: { namespace: METRIC_NAMESPACE, metricName: METRIC.usedBytes, statistic: 'SampleCount' } } },
    comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
    threshold: 1,
    unit: 'polls',
    min: 1,
    max: 1000,
    // 3 of 3: the current period may not have been polled yet, and a rate schedule drifts by
    // seconds, so one empty period is not a failure; three in a row are at least two failed polls
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    treatMissingData: TreatMissingData.BREACHING,
  },
  pollerErrors: {
    ...COMMON,
    id: 'PollerErrors',
    catches: 'Polls fail after their retries: an API call is denied or keeps failing, or the version cleanup fails.',
    metric: { namespace: 'AWS/Lambda', metricName: 'Errors', statistic: 'Sum' },
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 0,
    unit: 'count',
    min: 0,
    max: 1_000_000,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  },
};
