import { Duration } from 'aws-cdk-lib';
import { IMetric, MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, ILogGroupRef, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Namespace of the metrics the library counts from function logs. */
export const LOG_METRIC_NAMESPACE = 'CdkObserved/Lambda';

const REPORT = FilterPattern.stringValue('$.type', '=', 'platform.report');

/**
 * Metrics counted from a function's JSON `platform.report` log records by metric filters.
 *
 * CloudWatch bills a custom metric only for the hours in which it receives data, and neither
 * filter sets a default value: the timeouts metric has data only in minutes with a timeout, and
 * the memory metric only in minutes where an invocation reached the alarm threshold. In normal
 * operation both cost nothing.
 */
export class PlatformReportMetrics {
  private timeoutsFilter?: MetricFilter;
  private memoryFilter?: MetricFilter;
  private initFilter?: MetricFilter;

  /**
   * Filters are created on first use in `scope` (by default the function; an alarm placed in a
   * nested stack brings its filter along, see src/placement).
   */
  constructor(private readonly fn: lambda.Function, private readonly logGroup: ILogGroupRef) {}

  /** Count of invocations whose report says they timed out. */
  public timeouts(options: MetricOptions, scope: Construct = this.fn): IMetric {
    this.timeoutsFilter ??= new MetricFilter(scope, 'TimeoutsMetricFilter', {
      logGroup: this.logGroup,
      filterPattern: FilterPattern.all(REPORT, FilterPattern.stringValue('$.record.status', '=', 'timeout')),
      metricNamespace: LOG_METRIC_NAMESPACE,
      metricName: `${this.fn.functionName}-Timeouts`,
      metricValue: '1',
    });
    return this.timeoutsFilter.metric({ period: Duration.minutes(1), ...options });
  }

  /** Max memory used (MB) of the invocations that used at least `atLeastMb`. */
  public maxMemoryUsed(atLeastMb: number, options: MetricOptions, scope: Construct = this.fn): IMetric {
    this.memoryFilter ??= new MetricFilter(scope, 'MaxMemoryUsedMetricFilter', {
      logGroup: this.logGroup,
      filterPattern: FilterPattern.all(REPORT, FilterPattern.numberValue('$.record.metrics.maxMemoryUsedMB', '>=', atLeastMb)),
      metricNamespace: LOG_METRIC_NAMESPACE,
      metricName: `${this.fn.functionName}-MaxMemoryUsedMB`,
      metricValue: '$.record.metrics.maxMemoryUsedMB',
      unit: undefined,
    });
    return this.memoryFilter.metric({ period: Duration.minutes(1), ...options });
  }

  /**
   * Init duration (ms) of the invocations that were cold starts (their report carries
   * `initDurationMs`); its SampleCount is the number of cold starts. Has data in every minute
   * with a cold start, so it is created only on demand.
   */
  public initDurations(options: MetricOptions, scope: Construct = this.fn): IMetric {
    this.initFilter ??= new MetricFilter(scope, 'InitDurationMetricFilter', {
      logGroup: this.logGroup,
      filterPattern: FilterPattern.all(REPORT, FilterPattern.numberValue('$.record.metrics.initDurationMs', '>=', 0)),
      metricNamespace: LOG_METRIC_NAMESPACE,
      metricName: `${this.fn.functionName}-InitDurationMs`,
      metricValue: '$.record.metrics.initDurationMs',
    });
    return this.initFilter.metric({ period: Duration.minutes(1), ...options });
  }
}
