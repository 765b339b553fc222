import { Lazy } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { REST_API_ALARMS } from './api-alarm-catalog';
import { ApiAlarmOptions } from './api-alarm-options';
import { buildAlarms } from '../alarms/alarm-builder';
import { availabilityObjective, burnRateThreshold, isErrorBudgetKey } from '../core/error-budget';

/** What an API construct hands its alarms. */
export interface ApiAlarmsOf {
  /** REST_API_ALARMS or HTTP_API_ALARMS. */
  readonly catalog: typeof REST_API_ALARMS;
  readonly dimensions: { readonly [name: string]: string };
  readonly alarms?: ApiAlarmOptions;
  readonly alarmTopic?: ITopic;
  readonly availabilityObjectivePercent?: number;
  /** The largest integration timeout of the API in ms, known once the app is prepared. */
  readonly largestIntegrationMs: () => number;
}

/**
 * The alarms of a REST or HTTP API: burn-rate thresholds from the availability objective, and the
 * p99 latency threshold as a share of the largest integration timeout.
 */
export function buildApiAlarms(api: Construct, of: ApiAlarmsOf): Alarm[] {
  const objective = availabilityObjective(api, 'availabilityObjectivePercent', of.availabilityObjectivePercent);
  return buildAlarms(of.catalog, {
    owner: api,
    dimensions: of.dimensions,
    options: of.alarms,
    optionsProp: 'alarms',
    topic: of.alarmTopic,
    absoluteThreshold: (key, threshold) => isErrorBudgetKey(key) ? burnRateThreshold(threshold, objective)
      : key === 'latencyP99PercentOfTimeout' ? Lazy.number({ produce: () => of.largestIntegrationMs() * threshold / 100 })
        : threshold,
  });
}
