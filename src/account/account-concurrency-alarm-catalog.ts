import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AccountConcurrencyAlarmOptions } from './account-concurrency-alarm-options';
import { AlarmCatalog } from '../core/alarm-catalog';

/** The alarm of an AccountConcurrencyMonitor. */
export const ACCOUNT_CONCURRENCY_ALARMS: AlarmCatalog<keyof AccountConcurrencyAlarmOptions> = {
  claimedConcurrencyPercentOfQuota: {
    id: 'ClaimedConcurrencyNearQuota',
    dashboard: true,
    catches: 'Concurrency claimed in the region (on-demand executions plus reserved and provisioned concurrency) approaches the account quota, beyond which every function without reserved concurrency is throttled.',
    // Lambda's formula for concurrency utilization (Monitoring concurrency, Lambda developer
    // guide): SERVICE_QUOTA() of the quota's usage metric, AWS/Lambda ConcurrentExecutions
    // without dimensions, returns the applied quota, so a raised quota needs no change here.
    math: {
      expression: '100 * claimed / SERVICE_QUOTA(concurrent)',
      metrics: {
        claimed: { namespace: 'AWS/Lambda', metricName: 'ClaimedAccountConcurrency', statistic: 'Maximum' },
        concurrent: { namespace: 'AWS/Lambda', metricName: 'ConcurrentExecutions', statistic: 'Maximum' },
      },
    },
    period: Duration.minutes(1),
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold: 80,
    unit: 'percent of the concurrency quota',
    min: 1,
    max: 100,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    enabledByDefault: true,
    when: 'always',
  },
};
