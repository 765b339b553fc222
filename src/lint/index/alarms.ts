import { CfnResource } from 'aws-cdk-lib';
import { AppIndex, memo } from '../app-index';
import { T } from '../resource-types';
import { asArray, member, prop, readJson, stringValue } from '../values';

/** A metric alarms may watch, per resource through one dimension (`AWS/Lambda` `Errors` by `FunctionName`). */
export interface WatchedMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimension: string;
  /** The resource an alarm's dimension value names, when it can be traced. */
  readonly target: (index: AppIndex, alarm: CfnResource, value: unknown) => CfnResource | undefined;
}

/** Which resources alarms watch, for one metric. */
export interface AlarmCoverage {
  readonly watched: ReadonlySet<CfnResource>;
  /** An alarm on the metric without the dimension (all functions, all queues). */
  readonly all: boolean;
  /** An alarm on the metric whose dimension value cannot be traced: coverage cannot be judged. */
  readonly unknown: boolean;
}

/** Which resources alarms watch on a metric, counting single-metric alarms and the metrics of metric-math alarms. */
export const alarmCoverage = memo((index: AppIndex, metric: WatchedMetric): AlarmCoverage => {
  const watched = new Set<CfnResource>();
  let all = false;
  let unknown = false;
  for (const alarm of index.ofType(T.alarm)) {
    const metrics: unknown[] = [{
      Namespace: prop(alarm, 'Namespace'), MetricName: prop(alarm, 'MetricName'), Dimensions: readJson(alarm, prop(alarm, 'Dimensions')),
    }];
    for (const m of asArray(readJson(alarm, prop(alarm, 'Metrics')))) metrics.push(member(member(m, 'MetricStat'), 'Metric'));
    for (const m of metrics) {
      if (stringValue(alarm, member(m, 'Namespace')) !== metric.namespace || stringValue(alarm, member(m, 'MetricName')) !== metric.metricName) continue;
      const dims = asArray(member(m, 'Dimensions')).filter(d => stringValue(alarm, member(d, 'Name')) === metric.dimension);
      if (dims.length === 0) { all = true; continue; }
      const target = metric.target(index, alarm, member(dims[0], 'Value'));
      if (target) watched.add(target);
      else unknown = true;
    }
  }
  return { watched, all, unknown };
});
