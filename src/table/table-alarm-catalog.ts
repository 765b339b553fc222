import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { TableAlarmOptions } from './table-alarm-options';
import { AlarmCatalog, AlarmEntry, critical, MetricSource } from '../core/alarm-catalog';

const DDB = 'AWS/DynamoDB';

/**
 * The data-plane operations whose ThrottledRequests and SystemErrors are summed (these metrics
 * exist only per operation). Ten is also the most metrics one alarm may evaluate.
 */
export const TABLE_OPERATIONS = [
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan',
  'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems',
];

const COUNT = {
  period: Duration.minutes(1),
  comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
  threshold: 0,
  unit: 'count',
  min: 0,
  max: 1_000_000,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  treatMissingData: TreatMissingData.NOT_BREACHING,
  enabledByDefault: true,
  when: 'always',
};

/** A count metric with quiet minutes as 0 (see TableAlarmOptions on missing data). */
function filled(id: string, metricName: string, catches: string): AlarmEntry {
  return { ...COUNT, id, catches, math: { expression: 'FILL(m, 0)', metrics: { m: { namespace: DDB, metricName, statistic: 'Sum' } } } };
}

/** The sum over the data-plane operations of a per-operation metric. */
function perOperation(id: string, metricName: string, catches: string): AlarmEntry {
  const metrics: { [id: string]: MetricSource } = {};
  for (const operation of TABLE_OPERATIONS) {
    metrics[operation.charAt(0).toLowerCase() + operation.slice(1)] = { namespace: DDB, metricName, statistic: 'Sum', dimensions: { Operation: operation } };
  }
  return { ...COUNT, id, catches, math: { expression: 'SUM(FILL(METRICS(), 0))', metrics } };
}

function utilization(id: string, consumed: string, provisioned: string, catches: string): AlarmEntry {
  return {
    ...COUNT,
    id,
    catches,
    period: Duration.minutes(5),
    math: {
      // consumed units per second over the period, as a share of the provisioned units per second
      expression: '100 * FILL(consumed, 0) / PERIOD(consumed) / provisioned',
      metrics: {
        consumed: { namespace: DDB, metricName: consumed, statistic: 'Sum' },
        provisioned: { namespace: DDB, metricName: provisioned, statistic: 'Average' },
      },
    },
    threshold: 80,
    unit: 'percent',
    min: 1,
    max: 100,
    when: 'with provisioned capacity',
  };
}

/** The default alarms of an ObservedTable, one entry per alarm kind. */
export const TABLE_ALARMS: AlarmCatalog<keyof TableAlarmOptions> = {
  readThrottleEvents: critical(filled('ReadThrottleEvents', 'ReadThrottleEvents',
    'Reads are throttled (capacity, a hot partition or an account limit): callers slow down, time out and return 5XX.')),
  writeThrottleEvents: critical(filled('WriteThrottleEvents', 'WriteThrottleEvents',
    'Writes are throttled (capacity, a hot partition or an account limit): writes fail or retry until callers time out.')),
  onDemandMaxThroughputThrottleEvents: {
    ...COUNT,
    id: 'OnDemandMaxThroughputThrottleEvents',
    critical: true,
    catches: 'An on-demand table hit the maximum throughput configured for it, and the excess is throttled.',
    when: 'with on-demand billing',
    math: {
      expression: 'FILL(reads, 0) + FILL(writes, 0)',
      metrics: {
        reads: { namespace: DDB, metricName: 'ReadMaxOnDemandThroughputThrottleEvents', statistic: 'Sum' },
        writes: { namespace: DDB, metricName: 'WriteMaxOnDemandThroughputThrottleEvents', statistic: 'Sum' },
      },
    },
  },
  throttledRequests: critical(perOperation('ThrottledRequests', 'ThrottledRequests',
    'Requests are rejected because at least one of their reads or writes was throttled.')),
  systemErrors: critical(perOperation('SystemErrors', 'SystemErrors',
    'DynamoDB itself fails requests (HTTP 500): retries pile up and callers see errors.')),
  consumedReadPercentOfProvisioned: utilization('ReadCapacityNearProvisioned', 'ConsumedReadCapacityUnits', 'ProvisionedReadCapacityUnits',
    'A provisioned table is about to run out of read capacity, after which reads are throttled.'),
  consumedWritePercentOfProvisioned: utilization('WriteCapacityNearProvisioned', 'ConsumedWriteCapacityUnits', 'ProvisionedWriteCapacityUnits',
    'A provisioned table is about to run out of write capacity, after which writes are throttled.'),
};

/** Whether a table alarm applies to a table with this billing: capacity alarms only when provisioned, the on-demand cap only when not. */
export function tableAlarmApplies(key: keyof TableAlarmOptions, provisioned: boolean): boolean {
  switch (key) {
    case 'consumedReadPercentOfProvisioned':
    case 'consumedWritePercentOfProvisioned': return provisioned;
    case 'onDemandMaxThroughputThrottleEvents': return !provisioned;
    default: return true;
  }
}
