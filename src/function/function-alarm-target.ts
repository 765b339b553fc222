import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { FUNCTION_ALARMS } from './function-alarm-catalog';
import { FunctionAlarmOptions } from './function-alarm-options';
import { PlatformReportMetrics } from './platform-report-metrics';
import { AlarmTarget } from '../alarms/alarm-builder';
import { AlarmEntry, LOG_DERIVED } from '../core/alarm-catalog';
import { burnRateThreshold, DEFAULT_AVAILABILITY_OBJECTIVE_PERCENT } from '../core/error-budget';
import { functionDiagnosis } from '../core/function-diagnosis';

/** What a function's alarms depend on, as far as it is known at synth (undefined: a token). */
export interface FunctionAlarmFacts {
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
  /** Whether reserved concurrency is set at all, and its value when it is a number. */
  readonly reservedConcurrencySet: boolean;
  readonly reservedConcurrency?: number;
  readonly deadLetter: boolean;
  readonly destination: boolean;
  /** The QueueName of the failure queue the construct created, if any. */
  readonly failureQueueName?: string;
  /** The alias carrying provisioned concurrency, if any. */
  readonly aliasName?: string;
  /** The availability objective of the burn-rate alarms, in percent. @default 99.9 */
  readonly availabilityObjectivePercent?: number;
  /** The function's platform.report metrics; without them (non-JSON logs) log-derived alarms do not apply. */
  readonly reports?: PlatformReportMetrics;
}

/**
 * How the default function alarms bind to one function: which apply, the thresholds in the
 * metrics' units, the alias dimensions, the log-derived metrics. The single binding used by
 * ObservedFunction and by AdoptAlarms for plain functions.
 */
export function functionAlarmTarget(fn: lambda.Function, facts: FunctionAlarmFacts, options: FunctionAlarmOptions | undefined,
  optionsProp: string, topic: ITopic | undefined): AlarmTarget<keyof FunctionAlarmOptions> {
  const aliasDimensions = facts.aliasName !== undefined
    ? { FunctionName: fn.functionName, Resource: `${fn.functionName}:${facts.aliasName}` }
    : undefined;
  const share = (of: number | undefined, percent: number) => of === undefined ? undefined : of * percent / 100;
  return {
    owner: fn,
    dimensions: { FunctionName: fn.functionName },
    options,
    optionsProp,
    topic,
    applies: key => {
      if (!facts.reports && readsLogs(FUNCTION_ALARMS[key])) return false;
      switch (key) {
        case 'asyncEventsDropped': return facts.deadLetter || (facts.destination && facts.failureQueueName === undefined);
        case 'failureQueueMessages': return facts.failureQueueName !== undefined;
        case 'destinationDeliveryFailures': return facts.destination;
        case 'deadLetterErrors': return facts.deadLetter;
        case 'concurrencyPercentOfReserved': return facts.reservedConcurrencySet;
        case 'provisionedConcurrencySpilloverPercent':
        case 'provisionedConcurrencyUtilizationPercent':
        case 'provisionedConcurrencyIdlePercent': return aliasDimensions !== undefined;
        default: return true;
      }
    },
    absoluteThreshold: (key, threshold) => {
      switch (key) {
        case 'durationP99PercentOfTimeout': return share(facts.timeoutMs, threshold);
        case 'memoryUsedPercent': return share(facts.memoryMb, threshold);
        case 'concurrencyPercentOfReserved': return share(facts.reservedConcurrency, threshold);
        // Lambda reports provisioned concurrency utilization as a fraction
        case 'provisionedConcurrencyUtilizationPercent':
        case 'provisionedConcurrencyIdlePercent': return threshold / 100;
        case 'errorBudgetFastBurn':
        case 'errorBudgetSlowBurn': return burnRateThreshold(threshold, facts.availabilityObjectivePercent ?? DEFAULT_AVAILABILITY_OBJECTIVE_PERCENT);
        default: return threshold;
      }
    },
    dimensionsFor: key => key.startsWith('provisionedConcurrency') ? aliasDimensions
      : key === 'failureQueueMessages' && facts.failureQueueName !== undefined ? { QueueName: facts.failureQueueName } : undefined,
    diagnosis: functionDiagnosis(fn),
    logMetric: (_key, source, threshold, period, scope) => {
      const reports = facts.reports!;
      const metricOptions = { statistic: source.statistic, period };
      switch (source.metricName) {
        case 'MaxMemoryUsedMB': return reports.maxMemoryUsed(threshold, metricOptions, scope);
        case 'InitDurationMs': return reports.initDurations(metricOptions, scope);
        default: return reports.timeouts(metricOptions, scope);
      }
    },
  };
}

function readsLogs(entry: AlarmEntry): boolean {
  const sources = entry.math ? Object.values(entry.math.metrics) : entry.metric ? [entry.metric] : [];
  return sources.some(s => s.namespace === LOG_DERIVED);
}
