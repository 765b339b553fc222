import { Annotations, Aspects, Duration, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { API_LIMITS, ApiRoute, FunctionIndex } from './api-routes';
import { ObservedErrorCode } from '../core/error-codes';
import { invalidProp, problemText, propError } from '../core/errors';
import { INTEGRATION_MARGIN_MS, longestTimeoutBehindIntegration } from '../core/limits';
import { ObservedFunction } from '../function/observed-function';

/** What differs between REST and HTTP APIs in the rules below. */
export interface ApiRules {
  /** 'REST API' or 'HTTP API', for messages. */
  readonly kind: string;
  /** The integration timeout when none is set, in ms. */
  readonly defaultIntegrationMs: number;
  /**
   * The largest integration timeout allowed, in ms, and why; undefined when only a quota bounds
   * it (Regional and private REST APIs).
   */
  readonly maxIntegration?: { readonly ms: number; readonly where: string; readonly fix: string };
  /** Timeouts above this many ms need a raised quota (Regional and private REST APIs). */
  readonly quotaAboveMs?: number;
  /**
   * The second half of the fix for a function timeout too close to an integration timeout of
   * `timeoutMs`: how (or whether) the integration's timeout can be raised, e.g. ", or raise ...".
   */
  readonly raiseTimeout: (timeoutMs: number) => string;
  /** How the user gives a route an authorizer, for messages. */
  readonly addAuthorizer: string;
  /** Whether an OPTIONS route may go without authorization (REST CORS preflight). */
  readonly preflightExempt: boolean;
}

/** What the API construct tells the checks. */
export interface CheckedApi {
  readonly api: IConstruct;
  readonly rules: () => ApiRules;
  readonly routes: (index: FunctionIndex) => ApiRoute[];
  readonly allowUnauthenticatedAccess: boolean;
}

/** The integration timeout a route ends up with, in ms (undefined when it is a token). */
export function integrationMs(route: ApiRoute, rules: ApiRules): number | undefined {
  if (route.timeoutIsToken) return undefined;
  return route.timeoutMs ?? rules.defaultIntegrationMs;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s} second${s === 1 ? '' : 's'}`;
}

/**
 * Checks a route's integration timeout before aws-cdk-lib sees it (it would refuse some allowed
 * values, such as an HTTP API's 30 seconds, in words of its own). Returns it in ms, undefined when
 * unset or a token.
 */
export function checkIntegrationTimeout(api: IConstruct, label: string, timeout: Duration | undefined, rules: ApiRules): number | undefined {
  const prop = `${label} integrationTimeout`;
  if (timeout !== undefined && timeout.isUnresolved() && timeout.unitLabel() !== 'millis') {
    invalidProp(ObservedErrorCode.TOKEN_NOT_SUPPORTED, api, prop, `a token in ${timeout.unitLabel()}`, 'allowed is a token in milliseconds (Duration.millis(param.valueAsNumber))',
      'API Gateway takes the timeout in milliseconds, and a token cannot be converted at synth time.');
  }
  if (timeout === undefined || timeout.isUnresolved()) return undefined;
  const ms = timeout.toMilliseconds({ integral: false });
  const max = rules.maxIntegration;
  if (!Number.isFinite(ms) || ms < API_LIMITS.minIntegrationMs || !Number.isInteger(ms)) {
    const code = ms >= API_LIMITS.minIntegrationMs ? ObservedErrorCode.NOT_WHOLE_NUMBER : ObservedErrorCode.OUT_OF_RANGE;
    invalidProp(code, api, prop, `${ms} ms`, `allowed is a whole number of milliseconds from ${API_LIMITS.minIntegrationMs} ms${max ? ` to ${seconds(max.ms)} ${max.where}` : ''}`);
  }
  if (max && ms > max.ms) invalidProp(ObservedErrorCode.OUT_OF_RANGE, api, prop, seconds(ms), `allowed is at most ${seconds(max.ms)} ${max.where}`, max.fix);
  return ms;
}

/**
 * The problems of one route, as the library's validation errors (not thrown, so that all problems
 * are reported at once): an integration timeout outside what the API allows, a Lambda function
 * whose timeout does not end before the integration's, a route anyone may call.
 */
export function routeProblems(checked: CheckedApi, rules: ApiRules, route: ApiRoute): Error[] {
  const problems: Error[] = [];
  const { api } = checked;
  const where = `${api.node.path} ${route.label}`;
  const timeoutMs = integrationMs(route, rules);
  const source = route.timeoutMs === undefined ? ` (the ${rules.kind} default)` : '';

  const max = rules.maxIntegration;
  if (route.timeoutMs !== undefined && max && route.timeoutMs > max.ms) {
    problems.push(propError(ObservedErrorCode.OUT_OF_RANGE, api, `${route.label} integration timeout`, seconds(route.timeoutMs!),
      `allowed is at most ${seconds(max.ms)} ${max.where}`, max.fix));
  }

  const fn = route.lambdaFunction;
  const fnTimeout = fn?.timeout ?? API_LIMITS.lambdaDefaultTimeoutSeconds;
  if (fn && timeoutMs !== undefined && !Token.isUnresolved(fnTimeout)) {
    const allowed = longestTimeoutBehindIntegration(timeoutMs);
    if (allowed < API_LIMITS.lambdaMinTimeoutSeconds) {
      problems.push(propError(ObservedErrorCode.TIMEOUT_ABOVE_INTEGRATION, api, `${route.label} integration timeout`, seconds(timeoutMs),
        `allowed is at least ${seconds(API_LIMITS.lambdaMinTimeoutSeconds * 1000 + INTEGRATION_MARGIN_MS)} for a Lambda integration (Lambda's minimum timeout of ${seconds(API_LIMITS.lambdaMinTimeoutSeconds * 1000)} plus the ${seconds(INTEGRATION_MARGIN_MS)} margin)`,
        'Raise the integration\'s timeout.'));
    } else if (fnTimeout > allowed) {
      const functionPath = fn.node.scope?.node.path ?? fn.node.path;
      problems.push(propError(ObservedErrorCode.TIMEOUT_ABOVE_INTEGRATION, functionPath, 'timeout', seconds(fnTimeout * 1000),
        `allowed is at most ${seconds(allowed * 1000)} behind ${where}, whose integration timeout is ${seconds(timeoutMs)}${source}: the function must finish ${seconds(INTEGRATION_MARGIN_MS)} before API Gateway gives up, or callers get a 504 while it keeps running`,
        `Lower the function's timeout to Duration.seconds(${allowed}) or less${rules.raiseTimeout(timeoutMs)}.`));
    }
  }

  const open = route.authorizationType === undefined || route.authorizationType === 'NONE';
  if (open && !checked.allowUnauthenticatedAccess && !(rules.preflightExempt && route.httpMethod === 'OPTIONS')) {
    problems.push(propError(ObservedErrorCode.OPEN_API_ROUTE, api, `${route.label} authorizationType`, 'NONE',
      'allowed is an authorizer unless the API states that anyone may call it',
      `Give it an authorizer (${rules.addAuthorizer}), or set allowUnauthenticatedAccess: true if this API is meant to be open to anyone.`));
  }
  return problems;
}

/**
 * Wires the checks into the app's lifecycle, whichever way routes were added:
 * - when the app is prepared (an aspect): an ObservedFunction without an explicit timeout that
 *   serves a route is given one that fits below the integration timeout, and integration timeouts
 *   above the default quota are reported as warnings;
 * - when the app is validated: every problem above fails synth, all of them reported at once.
 *
 * Returns a function that gives the largest integration timeout of the API in ms (for alarms).
 */
export function installApiChecks(checked: CheckedApi): () => number {
  const { api } = checked;
  let largestMs: number | undefined;
  const inventory = () => checked.routes(new FunctionIndex(Stack.of(api)));
  const largest = (routes: ApiRoute[], rules: ApiRules): number => {
    const timeouts = routes.filter(r => r.integrationType !== 'MOCK')
      .map(r => integrationMs(r, rules))
      .filter((ms): ms is number => ms !== undefined);
    return timeouts.length > 0 ? Math.max(...timeouts) : rules.defaultIntegrationMs;
  };

  Aspects.of(api).add({
    visit(node: IConstruct) {
      if (node !== api) return;
      const rules = checked.rules();
      const routes = inventory();
      for (const route of routes) {
        fitDefaultTimeout(route, rules);
        warnAboveQuota(api, route, rules);
      }
      largestMs = largest(routes, rules);
    },
  });
  api.node.addValidation({
    validate: () => {
      const rules = checked.rules();
      return inventory().flatMap(route => routeProblems(checked, rules, route)).map(e => problemText(e.name, e.message));
    },
  });
  return () => largestMs ?? largest(inventory(), checked.rules());
}

/**
 * Checks a route the moment `addLambdaRoute` made it: an ObservedFunction without an explicit
 * timeout is given one that fits, and the route's first problem is thrown at once.
 */
export function checkNewRoute(checked: CheckedApi, route: ApiRoute | undefined): void {
  if (!route) return;
  const rules = checked.rules();
  fitDefaultTimeout(route, rules);
  const [problem] = routeProblems(checked, rules, route);
  if (problem) throw problem;
}

/** An ObservedFunction whose timeout the user did not set gets one below the integration's. */
function fitDefaultTimeout(route: ApiRoute, rules: ApiRules): void {
  const fn = route.lambdaFunction?.node.scope;
  const timeoutMs = integrationMs(route, rules);
  if (!ObservedFunction.isObservedFunction(fn) || timeoutMs === undefined) return;
  const allowed = longestTimeoutBehindIntegration(timeoutMs);
  if (allowed >= API_LIMITS.lambdaMinTimeoutSeconds) fn._fitDefaultTimeout(allowed);
}

function warnAboveQuota(api: IConstruct, route: ApiRoute, rules: ApiRules): void {
  if (rules.quotaAboveMs === undefined || route.timeoutMs === undefined || route.timeoutMs <= rules.quotaAboveMs) return;
  Annotations.of(api).addWarningV2('cdk-observed:IntegrationTimeoutAboveQuota',
    `${api.node.path} ${route.label} has an integration timeout of ${seconds(route.timeoutMs)}, above API Gateway's default quota of ${seconds(rules.quotaAboveMs)}. `
    + 'Regional and private REST APIs accept it only after the account\'s "Maximum integration timeout in milliseconds" quota was raised in this region (Service Quotas), '
    + 'which may lower the account-level throttle quota; until then the deployment fails. Acknowledge this warning once the quota is raised.');
}
