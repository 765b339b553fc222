import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { API_DEFAULTS } from './api-routes';
import { createLogGroup } from '../core/log-groups';
import { checkRetention } from '../core/observed-defaults';

/**
 * A JSON access log line. Every value is quoted (API Gateway writes `-` for a value it does not
 * have, which would break unquoted numbers), and only values that cannot contain a quote are
 * used, so every line parses: the error is logged by its type (`INTEGRATION_TIMEOUT`,
 * `THROTTLED`, `UNAUTHORIZED`, ...), not by its message.
 */
function jsonFormat(fields: Record<string, string>): apigateway.AccessLogFormat {
  return apigateway.AccessLogFormat.custom(JSON.stringify(fields));
}

const F = apigateway.AccessLogField;

/** REST API access log fields (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html). */
export const REST_ACCESS_LOG_FORMAT = jsonFormat({
  requestId: F.contextRequestId(),
  extendedRequestId: F.contextExtendedRequestId(),
  requestTime: F.contextRequestTime(),
  ip: F.contextIdentitySourceIp(),
  userAgent: F.contextIdentityUserAgent(),
  caller: F.contextIdentityCaller(),
  user: F.contextIdentityUser(),
  principalId: F.contextAuthorizerPrincipalId(),
  httpMethod: F.contextHttpMethod(),
  resourcePath: F.contextResourcePath(),
  path: F.contextPath(),
  protocol: F.contextProtocol(),
  status: F.contextStatus(),
  responseLength: F.contextResponseLength(),
  responseLatency: F.contextResponseLatency(),
  integrationLatency: F.contextIntegrationLatency(),
  integrationStatus: F.contextIntegrationStatus(),
  errorType: F.contextErrorResponseType(),
  xrayTraceId: F.contextXrayTraceId(),
});

/** HTTP API access log fields (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html). */
export const HTTP_ACCESS_LOG_FORMAT = jsonFormat({
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  errorType: '$context.error.responseType',
});

/**
 * An access log destination that creates its log group when the stage binds it, under the stage
 * (retention and key as for every log group the library creates: `createLogGroup`).
 * RestApi creates its deployment stage inside its own constructor, before a subclass may create
 * children, so the log group cannot be made first.
 */
export class OwnAccessLogGroup implements apigateway.IAccessLogDestination {
  public logGroup?: logs.LogGroup;

  constructor(private readonly owner: string, private readonly retention: logs.RetentionDays | undefined) {
    checkRetention(owner, 'accessLogRetention', retention);
  }

  public bind(stage: apigateway.IStage): apigateway.AccessLogDestinationConfig {
    this.logGroup = createLogGroup(stage, 'AccessLogs', this.retention, { owner: this.owner, name: 'accessLogRetention', fallback: API_DEFAULTS.accessLogRetention });
    return new apigateway.LogGroupLogDestination(this.logGroup).bind(stage);
  }
}
