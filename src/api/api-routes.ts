import { Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { INTEGRATION_TIMEOUT_MS, LAMBDA_TIMEOUT } from '../core/limits';

/**
 * API Gateway's and Lambda's limits that the timeout rule is made of.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
 */
export const API_LIMITS = {
  /** The smallest integration timeout, REST and HTTP. */
  minIntegrationMs: INTEGRATION_TIMEOUT_MS.min,
  /** REST: the default integration timeout, and the maximum unless a Regional or private API's quota is raised. */
  restIntegrationMs: INTEGRATION_TIMEOUT_MS.rest,
  /** HTTP APIs: the default integration timeout and its maximum (not raisable). */
  httpIntegrationMs: INTEGRATION_TIMEOUT_MS.http,
  /** Lambda's timeout when none is set, and its minimum. */
  lambdaDefaultTimeoutSeconds: LAMBDA_TIMEOUT.defaultSeconds,
  lambdaMinTimeoutSeconds: LAMBDA_TIMEOUT.minSeconds,
};

/**
 * The library's stage defaults, shared by both API constructs: a rate of a tenth of the account's
 * regional 10,000 requests per second, a burst of half of Lambda's default 1,000 concurrent
 * executions, and a month of access logs.
 */
export const API_DEFAULTS = {
  throttlingRateLimit: 1000,
  throttlingBurstLimit: 500,
  accessLogRetention: logs.RetentionDays.ONE_MONTH,
};

/** One method (REST) or route (HTTP) of an API, as the synthesized L1 tree describes it. */
export interface ApiRoute {
  /** `GET /orders` */
  readonly label: string;
  /** The Method or HttpRoute construct. */
  readonly construct: IConstruct;
  readonly httpMethod: string;
  /** NONE, IAM / AWS_IAM, CUSTOM, COGNITO_USER_POOLS, JWT; undefined when unset (= NONE). */
  readonly authorizationType?: string;
  /** AWS_PROXY, AWS, HTTP_PROXY, MOCK, ...; undefined for a route without an integration. */
  readonly integrationType?: string;
  /** The integration timeout set on the integration, in ms; undefined when unset. */
  readonly timeoutMs?: number;
  /** The integration timeout is a token at synth time: not judged. */
  readonly timeoutIsToken: boolean;
  /** The function behind a Lambda integration, when it is defined in this app. */
  readonly lambdaFunction?: lambda.CfnFunction;
}

type Json = unknown;

/**
 * Finds the CfnFunction behind a resolved ARN or name (`{ Ref }`, `{ Fn::GetAtt }`, or an
 * imported value across stacks), through aliases and versions. Built once per check, for the
 * whole app, so a method's integration is matched by lookups rather than by scanning.
 */
export class FunctionIndex {
  private readonly byReference = new Map<string, lambda.CfnFunction>();

  constructor(private readonly stack: Stack) {
    const all = stack.node.root.node.findAll();
    for (const c of all) {
      if (!(c instanceof lambda.CfnFunction)) continue;
      this.add(c.attrArn, c);
      this.add(c.ref, c);
    }
    for (const c of all) {
      if (!(c instanceof lambda.CfnAlias || c instanceof lambda.CfnVersion)) continue;
      const fn = this.find(this.resolve(c.functionName));
      if (fn) this.add(c.ref, fn);
    }
  }

  /** The function referenced anywhere inside a resolved value, if any. */
  public find(resolved: Json): lambda.CfnFunction | undefined {
    if (resolved === null || typeof resolved !== 'object') return undefined;
    const own = this.byReference.get(JSON.stringify(resolved));
    if (own) return own;
    for (const value of Object.values(resolved as object)) {
      const found = this.find(value);
      if (found) return found;
    }
    return undefined;
  }

  public resolve(value: unknown): Json {
    try {
      return this.stack.resolve(value);
    } catch {
      return undefined; // a reference this stack cannot resolve is not one of its integrations
    }
  }

  private add(reference: string, fn: lambda.CfnFunction): void {
    const resolved = this.resolve(reference);
    if (resolved !== null && typeof resolved === 'object') this.byReference.set(JSON.stringify(resolved), fn);
  }
}

interface IntegrationJson {
  readonly type?: string;
  readonly uri?: Json;
  readonly timeoutInMillis?: Json;
}

function timeoutOf(value: Json): { timeoutMs?: number; timeoutIsToken: boolean } {
  if (value === undefined) return { timeoutIsToken: false };
  if (typeof value === 'number' && !Token.isUnresolved(value)) return { timeoutMs: value, timeoutIsToken: false };
  return { timeoutIsToken: true };
}

function authorization(value: Json): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The methods of a REST API, read from their CfnMethods. */
export function restRoutes(api: apigateway.RestApi, index: FunctionIndex): ApiRoute[] {
  return api.methods.map(method => {
    const cfn = method.node.defaultChild as apigateway.CfnMethod;
    const integration = (index.resolve(cfn.integration) ?? {}) as IntegrationJson;
    const isLambda = (integration.type === 'AWS_PROXY' || integration.type === 'AWS')
      && JSON.stringify(integration.uri ?? '').includes(':lambda:path/');
    return {
      label: `${method.httpMethod} ${method.resource.path}`,
      construct: method,
      httpMethod: method.httpMethod,
      authorizationType: authorization(index.resolve(cfn.authorizationType)),
      integrationType: integration.type,
      ...timeoutOf(integration.timeoutInMillis),
      lambdaFunction: isLambda ? index.find(integration.uri) : undefined,
    };
  });
}

/** The routes of an HTTP API with their integrations, read from the CfnRoutes and CfnIntegrations. */
export function httpRoutes(api: apigwv2.HttpApi, index: FunctionIndex): ApiRoute[] {
  const integrations = api.node.findAll()
    .filter((c): c is apigwv2.CfnIntegration => c instanceof apigwv2.CfnIntegration)
    .map(cfn => ({ cfn, reference: JSON.stringify(index.resolve(cfn.ref)) }));
  return api.node.findAll()
    .filter((c): c is apigwv2.CfnRoute => c instanceof apigwv2.CfnRoute)
    .map(cfn => {
      const routeKey = String(index.resolve(cfn.routeKey));
      const target = JSON.stringify(index.resolve(cfn.target) ?? '');
      const integration = integrations.find(i => target.includes(i.reference))?.cfn;
      const type = integration ? index.resolve(integration.integrationType) as string : undefined;
      return {
        label: routeKey,
        construct: cfn.node.scope ?? cfn,
        httpMethod: routeKey.split(' ')[0],
        authorizationType: authorization(index.resolve(cfn.authorizationType)),
        integrationType: type,
        ...timeoutOf(integration ? index.resolve(integration.timeoutInMillis) : undefined),
        lambdaFunction: integration && type === 'AWS_PROXY' ? index.find(index.resolve(integration.integrationUri)) : undefined,
      };
    });
}
