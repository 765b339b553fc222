import { CfnResource } from 'aws-cdk-lib';
import { AppIndex, memo, relation } from '../app-index';
import { T } from '../resource-types';
import { isRef, numberValue, parts, prop, refOfParts, stringValue } from '../values';
import { functionOfParts } from './functions';
import { byName } from './names';
import { INTEGRATION_TIMEOUT_MS } from '../../core/limits';

/** A method or route of an API Gateway API whose integration invokes a function. */
export interface ApiIntegration {
  readonly api: 'REST' | 'HTTP' | 'WebSocket' | 'HTTP or WebSocket';
  /** `POST /orders`, `GET /`, `$default` */
  readonly route: string;
  /** The method or integration resource. */
  readonly via: CfnResource;
  /** The integration timeout in ms; explicit, or API Gateway's default for the API type. */
  readonly timeoutMs: number;
  readonly explicitTimeout: boolean;
}

/** The API Gateway methods and routes whose integration invokes a function. */
export const apiIntegrationsOf = relation<ApiIntegration>((index, add) => {
  for (const method of index.ofType(T.restMethod)) {
    const type = stringValue(method, prop(method, 'Integration', 'Type'));
    if (type !== 'AWS_PROXY' && type !== 'AWS') continue;
    const explicit = prop(method, 'Integration', 'TimeoutInMillis');
    const timeoutMs = explicit === undefined ? INTEGRATION_TIMEOUT_MS.rest : numberValue(method, explicit);
    if (timeoutMs === undefined) continue; // a token: cannot be judged
    const httpMethod = stringValue(method, prop(method, 'HttpMethod')) ?? '?';
    const route = `${httpMethod} ${restPath(index, method, prop(method, 'ResourceId'))}`;
    add(lambdaInUri(index, method, prop(method, 'Integration', 'Uri')),
      { api: 'REST', route, via: method, timeoutMs, explicitTimeout: explicit !== undefined });
  }
  for (const integration of index.ofType(T.httpIntegration)) {
    if (stringValue(integration, prop(integration, 'IntegrationType')) !== 'AWS_PROXY') continue;
    const apiRef = refOfParts(parts(integration, prop(integration, 'ApiId')));
    const protocol = apiRef?.resource.cfnResourceType === T.httpApi ? stringValue(apiRef.resource, prop(apiRef.resource, 'ProtocolType')) : undefined;
    const api = protocol === 'HTTP' ? 'HTTP' : protocol === 'WEBSOCKET' ? 'WebSocket' : 'HTTP or WebSocket';
    const explicit = prop(integration, 'TimeoutInMillis');
    // HTTP APIs: 30 s (also the maximum); WebSocket APIs: 29 s. Unknown protocol: the larger, to never over-report
    const timeoutMs = explicit === undefined ? (api === 'WebSocket' ? INTEGRATION_TIMEOUT_MS.webSocket : INTEGRATION_TIMEOUT_MS.http) : numberValue(integration, explicit);
    if (timeoutMs === undefined) continue;
    const keys = routesOf(index, integration).map(r => stringValue(r, prop(r, 'RouteKey')) ?? '?');
    add(lambdaInUri(index, integration, prop(integration, 'IntegrationUri')),
      { api, route: keys.length > 0 ? keys.join(', ') : 'an integration without routes', via: integration, timeoutMs, explicitTimeout: explicit !== undefined });
  }
});

/** The routes of an HTTP or WebSocket API integration. */
const routesOf = relation<CfnResource>((index, add) => {
  for (const route of index.ofType(T.httpRoute)) {
    const p = parts(route, prop(route, 'Target'));
    add(p.length === 2 && p[0] === 'integrations/' && isRef(p[1]) ? p[1].resource : undefined, route);
  }
});

/** The function in an integration URI: a function ARN, or API Gateway's `.../functions/<ARN>/invocations`. */
function lambdaInUri(index: AppIndex, from: CfnResource, value: unknown): CfnResource | undefined {
  const p = parts(from, value);
  for (let i = 0; i < p.length; i++) {
    const x = p[i];
    if (isRef(x)) {
      const f = functionOfParts(index, p.slice(i, i + 1));
      if (f) return f;
    } else if (typeof x === 'string') {
      const m = /arn:[^:]*:lambda:[^:]*:[^:]*:function:([^:/]+)/.exec(x);
      if (m) return byName(index, T.function, m[1]);
    }
  }
  return undefined;
}

/** `/orders/{id}` from a REST method's resource id. */
function restPath(index: AppIndex, from: CfnResource, resourceId: unknown): string {
  const ref = refOfParts(parts(from, resourceId));
  if (!ref) return '?';
  if (ref.resource.cfnResourceType === T.restApi) return '/'; // Fn::GetAtt RestApi.RootResourceId
  if (ref.resource.cfnResourceType !== T.restResource) return '?';
  return resourcePath(index, ref.resource);
}

/** The path of a REST API resource. */
const resourcePath = memo((index: AppIndex, resource: CfnResource): string => {
  const parent = restPath(index, resource, prop(resource, 'ParentId'));
  const part = stringValue(resource, prop(resource, 'PathPart')) ?? '?';
  return `${parent === '/' ? '' : parent}/${part}`;
});
