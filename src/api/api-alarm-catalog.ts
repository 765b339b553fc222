import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { ApiAlarmOptions } from './api-alarm-options';
import { AlarmCatalog, AlarmEntry, critical, MetricSource } from '../core/alarm-catalog';
import { errorBudgetEntries } from '../core/error-budget';

const API_GATEWAY = 'AWS/ApiGateway';

/** Fires on a sustained condition: 2 of 3 one-minute periods, so one noisy minute does not page. */
const SUSTAINED = {
  period: Duration.minutes(1),
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  treatMissingData: TreatMissingData.NOT_BREACHING,
  when: 'always',
};

/**
 * The names REST and HTTP APIs publish their metrics under (both in AWS/ApiGateway; REST APIs
 * are dimensioned by ApiName, HTTP APIs by ApiId).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html
 */
interface ApiMetricNames {
  readonly serverErrors: string;
  readonly clientErrors: string;
  /** The statistic that counts requests (the REST docs name SampleCount for Count). */
  readonly requests: MetricSource;
}

function errorRate(id: string, errors: string, requests: MetricSource, catches: string, threshold: number, enabledByDefault: boolean): AlarmEntry {
  return {
    ...SUSTAINED,
    id,
    catches,
    math: {
      expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)',
      metrics: {
        errors: { namespace: API_GATEWAY, metricName: errors, statistic: 'Sum' },
        requests,
      },
    },
    comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
    threshold,
    unit: 'percent',
    min: 0,
    max: 100,
    enabledByDefault,
  };
}

function apiAlarms(names: ApiMetricNames): AlarmCatalog<keyof ApiAlarmOptions> {
  return {
    serverErrorRatePercent: critical(errorRate('ServerErrorRate', names.serverErrors, names.requests,
      'The API answers a share of requests with 5XX: integration timeouts (504), failed or malformed Lambda responses (502), failing backends.',
      5, true)),
    latencyP99PercentOfTimeout: {
      ...SUSTAINED,
      id: 'LatencyNearTimeout',
      dashboard: true,
      catches: 'The slowest requests approach the integration timeout, beyond which API Gateway cuts them off with a 504.',
      metric: { namespace: API_GATEWAY, metricName: 'Latency', statistic: 'p99' },
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: 80,
      unit: 'percent of integration timeout',
      min: 1,
      max: 100,
      enabledByDefault: true,
    },
    integrationLatencyP99Milliseconds: {
      ...SUSTAINED,
      id: 'IntegrationLatency',
      catches: 'The backend has slowed down: the slowest requests spend longer in the integration than an interactive caller waits.',
      metric: { namespace: API_GATEWAY, metricName: 'IntegrationLatency', statistic: 'p99' },
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: 5000,
      unit: 'milliseconds',
      min: 1,
      max: 900_000,
      enabledByDefault: true,
    },
    clientErrorRatePercent: errorRate('ClientErrorRate', names.clientErrors, names.requests,
      'The API rejects a growing share of requests with 4XX: a broken client, an authorizer rejecting valid callers, or throttling (429).',
      10, false),
    latencyP99Milliseconds: {
      ...SUSTAINED,
      id: 'LatencyObjective',
      catches: 'The API got slower than its latency objective (a slow dependency or backend) long before the integration timeout: callers wait seconds.',
      metric: { namespace: API_GATEWAY, metricName: 'Latency', statistic: 'p99' },
      period: Duration.minutes(5),
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      threshold: 2500,
      unit: 'milliseconds',
      min: 1,
      max: 900_000,
      enabledByDefault: true,
    },
    minimumRequests: {
      ...SUSTAINED,
      id: 'TrafficStopped',
      catches: 'Requests stopped or fell below what the API always receives (a DNS or routing change, a broken client release, an upstream outage).',
      // a period without requests has no data point: FILL counts it as 0
      math: { expression: 'FILL(requests, 0)', metrics: { requests: names.requests } },
      period: Duration.minutes(10),
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
      threshold: 1,
      unit: 'requests per period',
      min: 1,
      max: 1_000_000_000,
      enabledByDefault: false,
    },
    ...errorBudgetEntries({
      errors: { namespace: API_GATEWAY, metricName: names.serverErrors, statistic: 'Sum' },
      requests: names.requests,
      what: 'requests (5XX)',
      enabledByDefault: true,
    }),
  };
}

/** The alarms of an ObservedRestApi, one entry per alarm kind. */
export const REST_API_ALARMS = apiAlarms({
  serverErrors: '5XXError',
  clientErrors: '4XXError',
  requests: { namespace: API_GATEWAY, metricName: 'Count', statistic: 'SampleCount' },
});

/** The alarms of an ObservedHttpApi, one entry per alarm kind. */
export const HTTP_API_ALARMS = apiAlarms({
  serverErrors: '5xx',
  clientErrors: '4xx',
  requests: { namespace: API_GATEWAY, metricName: 'Count', statistic: 'Sum' },
});
