import { Aspects, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { OwnAccessLogGroup, REST_ACCESS_LOG_FORMAT } from './access-log';
import { REST_API_ALARMS } from './api-alarm-catalog';
import { ApiAlarmOptions } from './api-alarm-options';
import { buildApiAlarms } from './api-alarms';
import { ApiRules, CheckedApi, checkIntegrationTimeout, checkNewRoute, installApiChecks } from './api-checks';
import { apiGatewayAccount } from './api-gateway-account';
import { defaultApiName } from './api-naming';
import { RestLambdaRouteOptions } from './api-route-options';
import { API_DEFAULTS, API_LIMITS, FunctionIndex, restRoutes } from './api-routes';
import { checkInteger, checkRange } from '../core/errors';
import { invokeTargetOf } from '../core/invoke-target';
import { INTEGRATION_MARGIN_MS } from '../core/limits';
import { brand, hasBrand } from '../core/tree-state';

/**
 * Props of an ObservedRestApi: every prop of `apigateway.RestApi`, with safer defaults, plus the
 * alarm settings and the statement of who may call it.
 *
 * Defaults that differ from `apigateway.RestApi` (each can be overridden):
 * - `endpointTypes`: REGIONAL instead of EDGE;
 * - `restApiName`: `<stack name>-<construct path>` instead of the construct id (metrics are keyed by it);
 * - `deployOptions`: JSON access logs into a log group with `accessLogRetention`, execution logs
 *   at ERROR (`loggingLevel`), X-Ray tracing, stage throttling of `DEFAULT_THROTTLING_RATE_LIMIT`
 *   requests per second with a burst of `DEFAULT_THROTTLING_BURST_LIMIT`;
 * - `cloudWatchRole`: execution logs need a role set on the account (a setting per account and
 *   region). Unless `cloudWatchRole` is given, one role per stack is shared by its REST APIs
 *   (retained when the stack is deleted); `false` states that the account already has one;
 * - a request validator (body and parameters) on every method that names none.
 */
export interface ObservedRestApiProps extends apigateway.RestApiProps {
  /**
   * State that anyone may call this API: methods without an authorizer are then allowed. When
   * false, every method except CORS preflight (OPTIONS) must have an authorizer (IAM, Cognito or
   * a Lambda authorizer), or `cdk synth` fails and names it.
   *
   * @default false
   */
  readonly allowUnauthenticatedAccess?: boolean;

  /**
   * Changes to the default alarms: switch one off, or give it another threshold.
   *
   * @default - every default alarm, with the catalog thresholds
   */
  readonly alarms?: ApiAlarmOptions;

  /**
   * The share of requests that must not fail with 5XX, in percent (90 to 99.999): the error
   * budget of the burn-rate alarms (`alarms.errorBudgetFastBurn`, `alarms.errorBudgetSlowBurn`)
   * is 100 % minus this.
   *
   * @default 99.9
   */
  readonly availabilityObjectivePercent?: number;

  /**
   * Where this API's alarms notify (on ALARM and on OK).
   *
   * @default - chosen by `AlarmNotifications`: the paging or the non-paging topic of the nearest enclosing scope, else the stack's default topic
   */
  readonly alarmTopic?: ITopic;

  /**
   * How long the access log group the construct creates keeps its logs. Ignored when
   * `deployOptions.accessLogDestination` is given.
   *
   * @default - the `ObservedDefaults` retention, else logs.RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: logs.RetentionDays;

  /**
   * Create a request validator (request body and parameters) and use it for every method that
   * names none, so that the request models and required parameters a method declares are
   * enforced (without a validator API Gateway ignores them).
   *
   * @default true
   */
  readonly defaultRequestValidator?: boolean;
}

/**
 * An `apigateway.RestApi` with safe defaults, production alarms, and Lambda routes that cannot
 * outlive their integration timeout.
 *
 * However a Lambda method is added (`addLambdaRoute` or `addMethod(..., new LambdaIntegration(fn))`),
 * `cdk synth` fails when the function's timeout does not end `LAMBDA_TIMEOUT_MARGIN` before the
 * integration timeout (29 seconds unless set), when an integration timeout above 29 seconds is
 * used on an edge-optimized endpoint, or when a method has no authorizer and the API does not
 * state `allowUnauthenticatedAccess`. An ObservedFunction without an explicit timeout that serves
 * a method is given one that fits.
 */
export class ObservedRestApi extends apigateway.RestApi {
  /** The default stage rate limit, in requests per second: a tenth of the account's regional 10,000. */
  public static readonly DEFAULT_THROTTLING_RATE_LIMIT = API_DEFAULTS.throttlingRateLimit;

  /**
   * The default stage burst limit, in requests: half of Lambda's default 1,000 concurrent
   * executions, so a spike is answered with 429 (retryable) before the functions are throttled
   * and API Gateway answers 5XX.
   */
  public static readonly DEFAULT_THROTTLING_BURST_LIMIT = API_DEFAULTS.throttlingBurstLimit;

  /**
   * The default level of execution logs: errors only (what AWS Control Tower's CT.APIGATEWAY.PR.1
   * asks for at least). INFO logs every request's execution and costs accordingly.
   */
  public static readonly DEFAULT_LOGGING_LEVEL = apigateway.MethodLoggingLevel.ERROR;

  /** The default retention of the access log group. */
  public static readonly DEFAULT_ACCESS_LOG_RETENTION = API_DEFAULTS.accessLogRetention;

  /** API Gateway's integration timeout for REST APIs when none is set, and its maximum without a quota increase. */
  public static readonly DEFAULT_INTEGRATION_TIMEOUT = Duration.millis(API_LIMITS.restIntegrationMs);

  /**
   * How long before the integration timeout a function's timeout must end. The integration
   * timeout also counts what the function timeout does not: the invoke and, on a cold start, the
   * function's initialization. One second covers both for typical runtimes and is the smallest
   * step of a function timeout (whole seconds).
   */
  public static readonly LAMBDA_TIMEOUT_MARGIN = Duration.millis(INTEGRATION_MARGIN_MS);

  /**
   * Whether `x` is an ObservedRestApi, made by any copy of this library loaded in the app (`instanceof`
   * fails across copies).
   */
  public static isObservedRestApi(x: any): x is ObservedRestApi {
    return hasBrand(x, 'ObservedRestApi');
  }

  /** The alarms this API created. */
  public readonly alarms: Alarm[];

  /** The access log group, when the construct created it. */
  public readonly accessLogGroup?: logs.ILogGroup;

  /** The request validator used by every method that names none, when the construct created it. */
  public readonly defaultValidator?: apigateway.RequestValidator;

  private readonly checks: CheckedApi;

  constructor(scope: Construct, id: string, props: ObservedRestApiProps = {}) {
    const path = `${scope.node.path}/${id}`;
    const given = props.deployOptions ?? {};
    checkRange(path, 'deployOptions.throttlingRateLimit', given.throttlingRateLimit, 0, 1_000_000, 'requests per second');
    checkRange(path, 'deployOptions.throttlingBurstLimit', given.throttlingBurstLimit, 0, 1_000_000, 'requests');
    checkInteger(path, 'deployOptions.throttlingBurstLimit', given.throttlingBurstLimit);
    const {
      alarms, alarmTopic, availabilityObjectivePercent, allowUnauthenticatedAccess, accessLogRetention, defaultRequestValidator,
      ...apiProps
    } = props;
    const deploy = props.deploy !== false;
    const ownLogs = deploy && !given.accessLogDestination
      ? new OwnAccessLogGroup(path, accessLogRetention)
      : undefined;
    super(scope, id, {
      ...apiProps,
      restApiName: props.restApiName ?? defaultApiName(scope, id),
      endpointTypes: props.endpointTypes ?? (props.endpointConfiguration ? undefined : [apigateway.EndpointType.REGIONAL]),
      // undefined would let a feature flag decide; the shared role is made below
      cloudWatchRole: props.cloudWatchRole ?? false,
      deployOptions: deploy ? {
        ...given,
        loggingLevel: given.loggingLevel ?? ObservedRestApi.DEFAULT_LOGGING_LEVEL,
        tracingEnabled: given.tracingEnabled ?? true,
        throttlingRateLimit: given.throttlingRateLimit ?? ObservedRestApi.DEFAULT_THROTTLING_RATE_LIMIT,
        throttlingBurstLimit: given.throttlingBurstLimit ?? ObservedRestApi.DEFAULT_THROTTLING_BURST_LIMIT,
        accessLogDestination: given.accessLogDestination ?? ownLogs,
        accessLogFormat: given.accessLogFormat ?? REST_ACCESS_LOG_FORMAT,
      } : props.deployOptions,
    });
    brand(this, 'ObservedRestApi');
    this.accessLogGroup = ownLogs?.logGroup;
    if (deploy && props.cloudWatchRole === undefined) this.deploymentStage.node.addDependency(apiGatewayAccount(this));

    if (defaultRequestValidator !== false) {
      const validator = this.addRequestValidator('DefaultRequestValidator', {
        validateRequestBody: true,
        validateRequestParameters: true,
      });
      this.defaultValidator = validator;
      Aspects.of(this).add({
        visit: (node: IConstruct) => {
          if (node !== this) return;
          for (const method of this.methods) {
            const cfn = method.node.defaultChild as apigateway.CfnMethod;
            cfn.requestValidatorId ??= validator.requestValidatorId;
          }
        },
      });
    }

    this.checks = {
      api: this,
      rules: () => this.rules(),
      routes: index => restRoutes(this, index),
      allowUnauthenticatedAccess: allowUnauthenticatedAccess === true,
    };
    const largestIntegrationMs = installApiChecks(this.checks);
    this.acknowledgeDefaults(props);

    this.alarms = buildApiAlarms(this, {
      catalog: REST_API_ALARMS,
      dimensions: deploy ? { ApiName: this.restApiName, Stage: this.deploymentStage.stageName } : { ApiName: this.restApiName },
      alarms,
      alarmTopic,
      availabilityObjectivePercent,
      largestIntegrationMs,
    });
  }

  /**
   * Route `httpMethod path` to a Lambda function, creating the resources along the path. The
   * timeout rule is checked at once, so a function whose timeout does not end before the
   * integration's fails here; an ObservedFunction without an explicit timeout is given one that fits.
   *
   * @param httpMethod e.g. 'GET'
   * @param path e.g. '/orders/{id}'
   * @param handler the function
   * @param options the method options and the integration timeout
   */
  public addLambdaRoute(httpMethod: string, path: string, handler: lambda.IFunction, options: RestLambdaRouteOptions = {}): apigateway.Method {
    const { integrationTimeout, ...methodOptions } = options;
    checkIntegrationTimeout(this, `${httpMethod} ${path}`, integrationTimeout, this.rules());
    const integration = new apigateway.LambdaIntegration(invokeTargetOf(handler), { timeout: integrationTimeout });
    const method = this.root.resourceForPath(path).addMethod(httpMethod, integration, methodOptions);
    checkNewRoute(this.checks, restRoutes(this, new FunctionIndex(Stack.of(this))).find(r => r.construct === method));
    return method;
  }

  private rules(): ApiRules {
    const cfn = this.node.defaultChild as apigateway.CfnRestApi;
    const config = Stack.of(this).resolve(cfn.endpointConfiguration) as { types?: string[] } | undefined;
    const edge = (config?.types ?? ['EDGE']).includes('EDGE');
    const restMs = API_LIMITS.restIntegrationMs;
    return {
      kind: 'REST API',
      defaultIntegrationMs: restMs,
      maxIntegration: edge ? {
        ms: restMs,
        where: 'on an edge-optimized endpoint',
        fix: 'Integration timeouts above 29 seconds are for Regional and private REST APIs only, after a quota increase: use endpointTypes [EndpointType.REGIONAL] (the ObservedRestApi default), or lower the timeout.',
      } : undefined,
      quotaAboveMs: edge ? undefined : restMs,
      raiseTimeout: ms => {
        if (!edge) return ', or raise the integration\'s timeout (LambdaIntegration\'s timeout, or addLambdaRoute\'s integrationTimeout; above 29 seconds only after a quota increase)';
        if (ms < restMs) return ', or raise the integration\'s timeout (at most 29 seconds on an edge-optimized endpoint)';
        return ', or use a Regional endpoint, where the integration timeout can exceed 29 seconds after a quota increase';
      },
      addAuthorizer: 'the method\'s authorizer or authorizationType, or the API\'s defaultMethodOptions',
      preflightExempt: true,
    };
  }

  private acknowledgeDefaults(props: ObservedRestApiProps): void {
    const acknowledgements = [{
      id: 'AwsSolutions-APIG3',
      reason: 'A WAF web ACL costs a monthly fee per ACL and rule plus a charge per request, and its rules depend on the application; the stage is throttled instead. Associate a web ACL with the deployment stage (wafv2.CfnWebACLAssociation) where the API needs one.',
    }];
    if (props.allowUnauthenticatedAccess === true) {
      acknowledgements.push(
        { id: 'AwsSolutions-APIG4', reason: 'allowUnauthenticatedAccess is true: the API is stated in its props to be open to anyone. Methods that have an authorizer keep it.' },
        { id: 'AwsSolutions-COG4', reason: 'allowUnauthenticatedAccess is true: the API is stated in its props to be open to anyone, so a Cognito authorizer is not required.' },
      );
    } else {
      acknowledgements.push({
        id: 'AwsSolutions-COG4',
        reason: 'Every method has an authorizer (ObservedRestApi fails synth otherwise); IAM and Lambda authorizers are as valid a choice as a Cognito user pool.',
      });
    }
    Validations.of(this).acknowledge(...acknowledgements);
  }
}
