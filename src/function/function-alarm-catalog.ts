import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { FunctionAlarmOptions } from './function-alarm-options';
import { AlarmCatalog, AlarmEntry, critical, LOG_DERIVED } from '../core/alarm-catalog';
import { errorBudgetEntries } from '../core/error-budget';
import { FUNCTION_LOG_QUERIES as Q } from '../core/function-log-queries';
import { failedMessagesEntry } from '../queue/queue-alarm-catalog';

const LAMBDA = 'AWS/Lambda';
const MINUTE = Duration.minutes(1);

/** Fires on a sustained condition: 2 of 3 one-minute periods, so one noisy minute does not page. */
const SUSTAINED = { period: MINUTE, evaluationPeriods: 3, datapointsToAlarm: 2 };
/** Fires on the first minute with any occurrence: each one is a lost unit of work or a loop. */
const ANY_OCCURRENCE = {
  period: MINUTE,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
  threshold: 0,
  unit: 'count',
  min: 0,
  max: 1_000_000,
};
const COMMON = { treatMissingData: TreatMissingData.NOT_BREACHING, enabledByDefault: true, when: 'always' };

function count(metricName: string, catches: string, when = 'always'): AlarmEntry {
  return { ...COMMON, ...ANY_OCCURRENCE, id: metricName, catches, when, metric: { namespace: LAMBDA, metricName, statistic: 'Sum' } };
}

/** The default alarms of an ObservedFunction, one entry per alarm kind. */
export const FUNCTION_ALARMS: AlarmCatalog<keyof FunctionAlarmOptions> = {
  errorRatePercent: {
    ...COMMON,
    ...SUSTAINED,
    id: 'ErrorRate',
    critical: true,
    logQuery: Q.errors,
    catches: 'The function fails a share of its invocations (exceptions, timeouts, out-of-memory crashes), more than a lone error among successes; a function too quiet for a rate alarms on a failed invocation with no other invocation beside it.',
    // A minute counts as failing when more than 5 % of its invocations failed AND that is more
    // than one failure, or every invocation of the minute failed: a lone error among successful
    // invocations is noise at any traffic (two of them 2 minutes apart at 12 invocations a minute
    // would otherwise make "2 of 3 minutes above 5 %"), while a function failing every invocation
    // breaches at any rate. Minutes without invocations have no data point (the outer IF drops
    // them) and count as missing, not as healthy: a busy function needs 2 failing minutes of 3,
    // and a quiet one (an hourly job) whose only invocation in the evaluation range failed alarms
    // 2 minutes later (CloudWatch's rule for a range with only breaching points, fewer than M).
    // That is unavoidable for any alarm that sees a function failing every invocation within
    // 5 minutes: when the next invocation is more than a few minutes away, a single failure looks
    // exactly like the first failure of an outage.
    math: {
      expression: 'IF(invocations > 0, IF(FILL(errors, 0) >= 2 OR FILL(errors, 0) >= invocations, 100 * FILL(errors, 0) / invocations, 0))',
      metrics: {
        errors: { namespace: LAMBDA, metricName: 'Errors', statistic: 'Sum' },
        invocations: { namespace: LAMBDA, metricName: 'Invocations', statistic: 'Sum' },
      },
    },
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 5,
    unit: 'percent',
    min: 0,
    max: 100,
    treatMissingData: TreatMissingData.MISSING,
  },
  throttles: {
    ...COMMON,
    ...SUSTAINED,
    id: 'Throttles',
    critical: true,
    // longer invocations hold more concurrency: the slowest show what uses it up
    logQuery: Q.slowest,
    catches: 'Invocations are rejected because the account or reserved concurrency is exhausted.',
    metric: { namespace: LAMBDA, metricName: 'Throttles', statistic: 'Sum' },
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 0,
    unit: 'count',
    min: 0,
    max: 1_000_000,
  },
  durationP99PercentOfTimeout: {
    ...COMMON,
    ...SUSTAINED,
    id: 'DurationNearTimeout',
    dashboard: true,
    logQuery: Q.slowest,
    catches: 'The timeout is too close to the real duration: the slowest invocations are about to time out.',
    metric: { namespace: LAMBDA, metricName: 'Duration', statistic: 'p99' },
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 80,
    unit: 'percent of timeout',
    min: 1,
    max: 100,
  },
  timeouts: {
    ...COMMON,
    ...SUSTAINED,
    id: 'Timeouts',
    critical: true,
    logQuery: Q.timeouts,
    catches: 'Invocations run into the function timeout and are cut off.',
    // the metric has data only in minutes with a timeout: FILL makes quiet minutes count as 0,
    // so two lone timeouts minutes apart do not make "2 of 3"
    math: { expression: 'FILL(m, 0)', metrics: { m: { namespace: LOG_DERIVED, metricName: 'Timeouts', statistic: 'Sum' } } },
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 0,
    unit: 'count',
    min: 0,
    max: 1_000_000,
  },
  memoryUsedPercent: {
    ...COMMON,
    ...SUSTAINED,
    id: 'MemoryNearLimit',
    dashboard: true,
    logQuery: Q.memory,
    catches: 'Memory is too small, or leaks across warm invocations, and will run out.',
    // reported only at or above the threshold (see PlatformReportMetrics): quiet minutes count as 0
    math: { expression: 'FILL(m, 0)', metrics: { m: { namespace: LOG_DERIVED, metricName: 'MaxMemoryUsedMB', statistic: 'Maximum' } } },
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold: 90,
    unit: 'percent of memory',
    min: 1,
    max: 100,
  },
  recursiveInvocationsDropped: critical(count('RecursiveInvocationsDropped',
    'The function is part of an infinite loop (it writes back to its own trigger) and Lambda stopped it.')),
  asyncEventsDropped: critical(count('AsyncEventsDropped',
    'Asynchronous events failed every retry or grew too old and were sent to the failure destination.',
    'with a dead-letter queue or an on-failure destination other than the construct\'s failure queue')),
  asyncEventAgeSeconds: {
    ...COMMON,
    ...SUSTAINED,
    id: 'AsyncEventsBackingUp',
    catches: 'Asynchronous events (S3, SNS, EventBridge, Invoke with Event) wait in Lambda\'s internal queue far longer than retries after an error explain: the function is throttled or its concurrency is capped, and events will reach their maximum age.',
    // AsyncEventAge is in milliseconds; the option's unit is seconds
    math: { expression: 'm / 1000', metrics: { m: { namespace: LAMBDA, metricName: 'AsyncEventAge', statistic: 'Maximum' } } },
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 600,
    unit: 'seconds',
    min: 1,
    max: 21_600,
    enabledByDefault: false,
  },
  failureQueueMessages: critical(failedMessagesEntry('FailureQueueMessages',
    'Asynchronous events failed every retry or grew too old and were added to the function\'s failure queue, where they wait to be looked at.',
    'with the construct\'s failure queue')),
  destinationDeliveryFailures: critical(count('DestinationDeliveryFailures',
    'Failed events could not be delivered to the on-failure destination and are lost.',
    'with an on-failure destination')),
  deadLetterErrors: critical(count('DeadLetterErrors',
    'Failed events could not be delivered to the dead-letter queue and are lost.',
    'with a dead-letter queue')),
  concurrencyPercentOfReserved: {
    ...COMMON,
    ...SUSTAINED,
    id: 'ConcurrencyNearReserved',
    logQuery: Q.slowest,
    catches: 'Concurrent executions approach the reserved concurrency, beyond which invocations are throttled.',
    metric: { namespace: LAMBDA, metricName: 'ConcurrentExecutions', statistic: 'Maximum' },
    comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    threshold: 90,
    unit: 'percent of reserved concurrency',
    min: 1,
    max: 100,
    when: 'with reserved concurrency',
  },
  provisionedConcurrencySpilloverPercent: {
    ...COMMON,
    id: 'ProvisionedConcurrencySpillover',
    logQuery: Q.coldStarts,
    catches: 'Traffic outgrew the provisioned concurrency: a share of invocations spills over to on-demand environments and meets cold starts again, for longer than a burst.',
    // a share over a window, not "any spilled call": a healthy burst spills a few calls for a
    // minute or two, which 5-minute windows in 2 of 2 (10 minutes) do not count
    math: {
      expression: '100 * FILL(spillover, 0) / invocations',
      metrics: {
        spillover: { namespace: LAMBDA, metricName: 'ProvisionedConcurrencySpilloverInvocations', statistic: 'Sum' },
        invocations: { namespace: LAMBDA, metricName: 'Invocations', statistic: 'Sum' },
      },
    },
    period: Duration.minutes(5),
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 10,
    unit: 'percent of invocations',
    min: 0,
    max: 100,
    when: 'with provisioned concurrency',
  },
  provisionedConcurrencyUtilizationPercent: {
    ...COMMON,
    id: 'ProvisionedConcurrencyHigh',
    logQuery: Q.coldStarts,
    catches: 'Nearly every provisioned environment is busy: the next burst spills over to cold starts.',
    metric: { namespace: LAMBDA, metricName: 'ProvisionedConcurrencyUtilization', statistic: 'Maximum' },
    period: MINUTE,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 90,
    unit: 'percent',
    min: 1,
    max: 100,
    when: 'with provisioned concurrency',
  },
  provisionedConcurrencyIdlePercent: {
    ...COMMON,
    id: 'ProvisionedConcurrencyIdle',
    logQuery: Q.coldStarts,
    catches: 'Provisioned environments sat mostly idle for a day: capacity is paid for and not used.',
    // Lambda emits utilization only while the alias is invoked: FILL counts silent hours as 0, so
    // a day without traffic is idle too. (Missing data as breaching would instead fire an hour
    // after every deployment, on an evaluation range with no data at all.)
    math: { expression: 'FILL(utilization, 0)', metrics: { utilization: { namespace: LAMBDA, metricName: 'ProvisionedConcurrencyUtilization', statistic: 'Maximum' } } },
    period: Duration.hours(1),
    evaluationPeriods: 24,
    datapointsToAlarm: 24,
    comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
    threshold: 20,
    unit: 'percent',
    min: 1,
    max: 100,
    when: 'with provisioned concurrency',
  },
  durationP99Milliseconds: {
    ...COMMON,
    id: 'LatencyObjective',
    catches: 'The function got slower than its stated latency objective (a slow dependency, a cold path, memory pressure) while still far below its timeout.',
    metric: { namespace: LAMBDA, metricName: 'Duration', statistic: 'p99' },
    period: Duration.minutes(5),
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 1000,
    unit: 'milliseconds',
    min: 1,
    max: 900_000,
    enabledByDefault: false,
  },
  minimumInvocations: {
    ...COMMON,
    id: 'TrafficStopped',
    catches: 'Invocations stopped or fell below what the function always receives (a broken trigger, a disabled event source mapping, an upstream outage).',
    // a period without invocations has no data point: FILL counts it as 0
    math: { expression: 'FILL(invocations, 0)', metrics: { invocations: { namespace: LAMBDA, metricName: 'Invocations', statistic: 'Sum' } } },
    period: Duration.minutes(10),
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
    threshold: 1,
    unit: 'invocations per period',
    min: 1,
    max: 1_000_000_000,
    enabledByDefault: false,
  },
  ...errorBudgetEntries({
    errors: { namespace: LAMBDA, metricName: 'Errors', statistic: 'Sum' },
    requests: { namespace: LAMBDA, metricName: 'Invocations', statistic: 'Sum' },
    what: 'invocations',
    enabledByDefault: false,
  }),
  coldStartPercent: {
    ...COMMON,
    id: 'ColdStarts',
    logQuery: Q.coldStarts,
    catches: 'Cold starts make up a large share of invocations and set the tail latency.',
    math: {
      expression: 'IF(invocations > 0, 100 * FILL(coldStarts, 0) / invocations, 0)',
      metrics: {
        coldStarts: { namespace: LOG_DERIVED, metricName: 'InitDurationMs', statistic: 'SampleCount' },
        invocations: { namespace: LAMBDA, metricName: 'Invocations', statistic: 'Sum' },
      },
    },
    period: Duration.minutes(5),
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold: 5,
    unit: 'percent',
    min: 0,
    max: 100,
    enabledByDefault: false,
  },
};
