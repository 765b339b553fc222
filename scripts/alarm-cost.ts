/**
 * What the alarms of a template cost a month at CloudWatch's list prices (us-east-1, standard
 * resolution; https://aws.amazon.com/cloudwatch/pricing/): $0.10 per metric an alarm reads (a
 * metric-math alarm pays for each metric in its expression), $0.50 per composite alarm, and $0.30
 * per custom metric published all month (a metric filter with a default value publishes a
 * datapoint every minute; one without publishes only when a log event matches, and is left out).
 */
export const PRICES = { alarmMetric: 0.10, compositeAlarm: 0.50, customMetric: 0.30 };

interface Resource { readonly Type: string; readonly Properties?: any }

export interface AlarmCost {
  readonly alarmMetrics: number;
  readonly compositeAlarms: number;
  readonly customMetrics: number;
  readonly dollars: number;
}

export function alarmCost(resources: Record<string, Resource>): AlarmCost {
  let alarmMetrics = 0;
  let compositeAlarms = 0;
  let customMetrics = 0;
  for (const r of Object.values(resources)) {
    if (r.Type === 'AWS::CloudWatch::Alarm') {
      const metrics: any[] | undefined = r.Properties?.Metrics;
      alarmMetrics += metrics ? metrics.filter(m => m.MetricStat).length : 1;
    } else if (r.Type === 'AWS::CloudWatch::CompositeAlarm') {
      compositeAlarms++;
    } else if (r.Type === 'AWS::Logs::MetricFilter') {
      customMetrics += (r.Properties?.MetricTransformations ?? []).filter((t: any) => t.DefaultValue !== undefined).length;
    }
  }
  const dollars = alarmMetrics * PRICES.alarmMetric + compositeAlarms * PRICES.compositeAlarm + customMetrics * PRICES.customMetric;
  return { alarmMetrics, compositeAlarms, customMetrics, dollars: Math.round(dollars * 100) / 100 };
}
