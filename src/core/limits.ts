/**
 * AWS limits that the library's checks use and that no single service folder owns. Each with the
 * page that states it.
 */

/**
 * Lambda: the function timeout when none is set, and its range.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const LAMBDA_TIMEOUT = { defaultSeconds: 3, minSeconds: 1, maxSeconds: 900 };

/**
 * API Gateway integration timeouts, in milliseconds: the smallest; REST (the default, and the
 * most unless a Regional or private API's quota is raised); WebSocket; HTTP APIs (the default and
 * the most, not raisable).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
 */
export const INTEGRATION_TIMEOUT_MS = { min: 50, rest: 29_000, webSocket: 29_000, http: 30_000 };

/**
 * How long before an integration timeout a Lambda function behind it must end: API Gateway needs
 * time of its own to call the function and answer, so a function that runs to the integration's
 * timeout is answered 504.
 */
export const INTEGRATION_MARGIN_MS = 1000;

/**
 * The longest whole-second Lambda timeout that ends `marginMs` before an integration timeout of
 * `integrationMs`: what the API constructs give and require, and what the rule pack judges.
 */
export function longestTimeoutBehindIntegration(integrationMs: number, marginMs = INTEGRATION_MARGIN_MS): number {
  return Math.floor((integrationMs - marginMs) / 1000);
}

/** SQS: a queue's visibility timeout when none is set. */
export const SQS_DEFAULT_VISIBILITY_SECONDS = 30;

/**
 * The visibility timeout a queue consumed by Lambda needs: at least 6 times the function timeout
 * plus the batching window, or messages reappear while their batch is still being processed.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export function requiredVisibilityTimeoutSeconds(functionTimeoutSeconds: number, batchingWindowSeconds: number): number {
  return Math.ceil(6 * functionTimeoutSeconds + batchingWindowSeconds);
}

/**
 * S3: an object key is at most 1,024 bytes (UTF-8), so a notification filter or a key prefix
 * longer than that matches nothing.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
 */
export const S3_MAX_KEY_BYTES = 1024;

/**
 * CloudWatch dashboards: a name of 1-255 characters of A-Z, a-z, 0-9, - and _ (PutDashboard).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html
 */
export const DASHBOARD_NAME = { maxLength: 255, pattern: /^[A-Za-z0-9_-]+$/ };

/**
 * CloudWatch alarms: a period of whole minutes (the library's alarms use no high-resolution
 * periods), and evaluation periods x period of at most one day.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
export const ALARM_LIMITS = { minPeriodSeconds: 60, maxEvaluationSeconds: 86_400 };

/**
 * Lambda event source mappings: with a batch size above 10, an SQS source needs a batching
 * window of at least 1 second.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
 */
export const SQS_MIN_WINDOW_SECONDS_ABOVE_10 = 1;

/**
 * Lambda event source mappings: AT_TIMESTAMP is a starting position of Kinesis, Amazon MQ and
 * Kafka sources only, not of DynamoDB streams (CreateEventSourceMapping's StartingPosition).
 */
export const DYNAMODB_STARTING_POSITIONS = ['LATEST', 'TRIM_HORIZON'];

/** SQS's limits on a queue's durations (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html). */
export const SQS_QUEUE_LIMITS = {
  visibilityTimeoutSeconds: { min: 0, max: 43_200 },
  retentionSeconds: { min: 60, max: 1_209_600 },
  deliveryDelaySeconds: { min: 0, max: 900 },
  receiveWaitSeconds: { min: 0, max: 20 },
};
