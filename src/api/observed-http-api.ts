import { Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { HTTP_ACCESS_LOG_FORMAT } from './access-log';
import { HTTP_API_ALARMS } from './api-alarm-catalog';
import { ApiAlarmOptions } from './api-alarm-options';
import { buildApiAlarms } from './api-alarms';
import { ApiRules, CheckedApi, checkIntegrationTimeout, checkNewRoute, installApiChecks } from './api-checks';
import { HttpLambdaRouteOptions } from './api-route-options';
import { API_DEFAULTS, API_LIMITS, FunctionIndex, httpRoutes } from './api-routes';
import { checkInteger, checkRange } from '../core/errors';
import { invokeTargetOf } from '../core/invoke-target';
import { INTEGRATION_MARGIN_MS } from '../core/limits';
import { createLogGroup } from '../core/log-groups';
import { brand, hasBrand } from '../core/tree-state';

/** The longest integration timeout aws-cdk-lib's HttpIntegration accepts, in ms. */
const HTTP_L2_MAX_TIMEOUT_MS = 29_000;

/**
 * Props of an ObservedHttpApi: every prop of `apigwv2.HttpApi`, plus the default stage's
 * settings, the alarm settings and the statement of who may call it.
 *
 * The default stage (`$default`, auto-deployed) differs from `apigwv2.HttpApi`'s: JSON access
 * logs into a log group with `accessLogRetention`, and throttling of `throttle` (by default
 * `DEFAULT_THROTTLING_RATE_LIMIT` requests per second with a burst of `DEFAULT_THROTTLING_BURST_LIMIT`).
 * HTTP APIs are always Regional and do not support X-Ray tracing.
 */
export interface ObservedHttpApiProps extends apigwv2.HttpApiProps {
  /**
   * State that anyone may call this API: routes without an authorizer are then allowed. When
   * false, every route must have an authorizer (the route's, or the API's `defaultAuthorizer`),
   * or `cdk synth` fails and names it.
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
   * How long the default stage's access log group keeps its logs.
   *
   * @default - the `ObservedDefaults` retention, else logs.RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: logs.RetentionDays;

  /**
   * The default stage's throttling.
   *
   * @default - 1000 requests per second, burst of 500 (`DEFAULT_THROTTLING_RATE_LIMIT`, `DEFAULT_THROTTLING_BURST_LIMIT`)
   */
  readonly throttle?: apigwv2.ThrottleSettings;
}

/**
 * An `apigwv2.HttpApi` with safe defaults, production alarms, and Lambda routes that cannot
 * outlive their integration timeout.
 *
 * However a Lambda route is added (`addLambdaRoute` or `addRoutes({ integration: new
 * HttpLambdaIntegration(...) })`), `cdk synth` fails when the function's timeout does not end
 * `LAMBDA_TIMEOUT_MARGIN` before the integration timeout (30 seconds unless set, and never more),
 * or when a route has no authorizer and the API does not state `allowUnauthenticatedAccess`.
 * An ObservedFunction without an explicit timeout that serves a route is given one that fits.
 */
export class ObservedHttpApi extends apigwv2.HttpApi {
  /** The default stage rate limit, in requests per second: a tenth of the account's regional 10,000. */
  public static readonly DEFAULT_THROTTLING_RATE_LIMIT = API_DEFAULTS.throttlingRateLimit;

  /**
   * The default stage burst limit, in requests: half of Lambda's default 1,000 concurrent
   * executions, so a spike is answered with 429 (retryable) before the functions are throttled.
   */
  public static readonly DEFAULT_THROTTLING_BURST_LIMIT = API_DEFAULTS.throttlingBurstLimit;

  /** The default retention of the access log group. */
  public static readonly DEFAULT_ACCESS_LOG_RETENTION = API_DEFAULTS.accessLogRetention;

  /** API Gateway's integration timeout for HTTP APIs when none is set, and its maximum (not raisable). */
  public static readonly DEFAULT_INTEGRATION_TIMEOUT = Duration.millis(API_LIMITS.httpIntegrationMs);

  /**
   * How long before the integration timeout a function's timeout must end (the integration
   * timeout also counts the invoke and a cold start's initialization).
   */
  public static readonly LAMBDA_TIMEOUT_MARGIN = Duration.millis(INTEGRATION_MARGIN_MS);

  /**
   * Whether `x` is an ObservedHttpApi, made by any copy of this library loaded in the app (`instanceof`
   * fails across copies).
   */
  public static isObservedHttpApi(x: any): x is ObservedHttpApi {
    return hasBrand(x, 'ObservedHttpApi');
  }

  /** The alarms this API created. */
  public readonly alarms: Alarm[];

  /** The default stage's access log group, when the construct created the default stage. */
  public readonly accessLogGroup?: logs.ILogGroup;

  private readonly checks: CheckedApi;

  constructor(scope: Construct, id: string, props: ObservedHttpApiProps = {}) {
    const path = `${scope.node.path}/${id}`;
    checkRange(path, 'throttle.rateLimit', props.throttle?.rateLimit, 0, 1_000_000, 'requests per second');
    checkRange(path, 'throttle.burstLimit', props.throttle?.burstLimit, 0, 1_000_000, 'requests');
    checkInteger(path, 'throttle.burstLimit', props.throttle?.burstLimit);
    const { alarms, alarmTopic, availabilityObjectivePercent, allowUnauthenticatedAccess, accessLogRetention, throttle, ...apiProps } = props;
    const ownStage = props.createDefaultStage !== false;
    // HttpApiProps has no settings for the default stage: the construct creates it instead
    super(scope, id, ownStage ? { ...apiProps, createDefaultStage: false, defaultDomainMapping: undefined } : apiProps);
    brand(this, 'ObservedHttpApi');

    if (ownStage) {
      const logGroup = createLogGroup(this, 'AccessLogs', accessLogRetention,
        { owner: this, name: 'accessLogRetention', fallback: ObservedHttpApi.DEFAULT_ACCESS_LOG_RETENTION });
      const stage = new apigwv2.HttpStage(this, 'DefaultStage', {
        httpApi: this,
        autoDeploy: true,
        domainMapping: props.defaultDomainMapping,
        throttle: {
          rateLimit: throttle?.rateLimit ?? ObservedHttpApi.DEFAULT_THROTTLING_RATE_LIMIT,
          burstLimit: throttle?.burstLimit ?? ObservedHttpApi.DEFAULT_THROTTLING_BURST_LIMIT,
        },
        accessLogSettings: {
          destination: new apigwv2.LogGroupLogDestination(logGroup),
          format: HTTP_ACCESS_LOG_FORMAT,
        },
      });
      if (props.defaultDomainMapping) stage.node.addDependency(props.defaultDomainMapping.domainName);
      // what HttpApi would have set had it created the stage (url, domain mappings, metrics)
      (this as { defaultStage?: apigwv2.IHttpStage }).defaultStage = stage;
      this.accessLogGroup = logGroup;
    }

    this.checks = {
      api: this,
      rules: () => this.rules(),
      routes: index => httpRoutes(this, index),
      allowUnauthenticatedAccess: allowUnauthenticatedAccess === true,
    };
    const largestIntegrationMs = installApiChecks(this.checks);
    if (allowUnauthenticatedAccess === true) {
      Validations.of(this).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'allowUnauthenticatedAccess is true: the API is stated in its props to be open to anyone. Routes that have an authorizer keep it.',
      });
    }

    this.alarms = buildApiAlarms(this, {
      catalog: HTTP_API_ALARMS,
      dimensions: this.defaultStage ? { ApiId: this.apiId, Stage: this.defaultStage.stageName } : { ApiId: this.apiId },
      alarms,
      alarmTopic,
      availabilityObjectivePercent,
      largestIntegrationMs,
    });
  }

  /**
   * Route `httpMethod path` to a Lambda function. The timeout rule is checked at once, so a
   * function whose timeout does not end before the integration's fails here; an ObservedFunction
   * without an explicit timeout is given one that fits.
   *
   * @param httpMethod e.g. HttpMethod.GET
   * @param path e.g. '/orders/{id}'
   * @param handler the function
   * @param options the integration timeout and the authorizer
   */
  public addLambdaRoute(httpMethod: apigwv2.HttpMethod, path: string, handler: lambda.IFunction,
    options: HttpLambdaRouteOptions = {}): apigwv2.HttpRoute {
    const timeoutMs = checkIntegrationTimeout(this, `${httpMethod} ${path}`, options.integrationTimeout, this.rules());
    // aws-cdk-lib takes at most 29 seconds; an HTTP API allows 30 (its default): above 29 s the
    // timeout is set on the integration's L1 instead
    const viaL1 = timeoutMs !== undefined && timeoutMs > HTTP_L2_MAX_TIMEOUT_MS;
    const integrationId = `LambdaIntegration${Names.nodeUniqueId(handler.node)}`;
    const integration = new HttpLambdaIntegration(integrationId, invokeTargetOf(handler), {
      timeout: viaL1 ? undefined : options.integrationTimeout,
    });
    const [route] = this.addRoutes({
      path,
      methods: [httpMethod],
      integration,
      authorizer: options.authorizer,
      authorizationScopes: options.authorizationScopes,
    });
    if (viaL1 && timeoutMs !== API_LIMITS.httpIntegrationMs) {
      const cfn = this.node.findAll()
        .find((c): c is apigwv2.CfnIntegration => c instanceof apigwv2.CfnIntegration && c.node.scope?.node.id === integrationId);
      if (cfn) cfn.timeoutInMillis = timeoutMs;
    }
    checkNewRoute(this.checks, httpRoutes(this, new FunctionIndex(Stack.of(this))).find(r => r.construct === route));
    return route;
  }

  private rules(): ApiRules {
    const httpMs = API_LIMITS.httpIntegrationMs;
    return {
      kind: 'HTTP API',
      defaultIntegrationMs: httpMs,
      maxIntegration: {
        ms: httpMs,
        where: 'on an HTTP API',
        fix: 'HTTP APIs cannot raise it (a fixed quota); lower the timeout, or use a Regional REST API with a raised quota for longer requests.',
      },
      raiseTimeout: ms => ms < httpMs
        ? ', or raise the integration\'s timeout (HttpLambdaIntegration\'s timeout, or addLambdaRoute\'s integrationTimeout; '
          + 'at most 30 seconds on an HTTP API)'
        : '; an HTTP API waits 30 seconds at most',
      addAuthorizer: 'the route\'s authorizer, or the API\'s defaultAuthorizer',
      preflightExempt: false,
    };
  }
}
