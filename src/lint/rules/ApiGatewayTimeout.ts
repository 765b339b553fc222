import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { AppIndex } from '../app-index';
import { RuleResult } from '../engine';
import { apiIntegrationsOf } from '../index/apis';
import { describeTimeout, timeoutSeconds } from '../index/functions';
import { T } from '../resource-types';
import { listOf } from '../text';

/**
 * A function behind an API Gateway method (REST) or route (HTTP, WebSocket) whose timeout is at
 * or above the integration timeout: 29 s for REST and WebSocket, 30 s for HTTP APIs, or the
 * integration's explicit `TimeoutInMillis`. Reported on the function, once, with the tightest
 * integration. An error when the function's timeout is above the integration's (the template proves
 * that API Gateway gives up while the function runs on), a warning when it is equal (no margin: an
 * invocation that runs to its timeout is answered 504). Timeouts that are tokens are not judged.
 */
export function ApiGatewayTimeout(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType !== T.function || index.isCdkInternal(node)) return NagRuleCompliance.NOT_APPLICABLE;
  const integrations = apiIntegrationsOf(index, node);
  if (integrations.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const timeout = timeoutSeconds(node);
  if (timeout === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const over = integrations.filter(i => timeout * 1000 >= i.timeoutMs);
  if (over.length === 0) return NagRuleCompliance.COMPLIANT;
  const limitMs = Math.min(...over.map(i => i.timeoutMs));
  const tightest = over.filter(i => i.timeoutMs === limitMs);
  const limit = limitMs / 1000;
  const where = listOf(tightest.map(i => `${i.api} API ${i.route} (${index.name(i.via)})`));
  const source = tightest[0].explicitTimeout ? 'its TimeoutInMillis' : `API Gateway's default for ${tightest[0].api} APIs`;
  return [{
    location: 'Properties/Timeout',
    level: timeout * 1000 > limitMs ? NagMessageLevel.ERROR : NagMessageLevel.WARN,
    message: `Function ${index.name(node)} has a timeout of ${describeTimeout(node)}, at or above the ${limit} s integration timeout (${source}) of ${where}. `
      + `API Gateway answers 504 after ${limit} s while the function keeps running and billing, and clients that retry pile more invocations onto a function that is already slow. `
      + `Set the function's timeout below ${limit} s (at most ${Math.ceil(limit) - 1} s), or raise the integration's timeout where the API allows it.`,
  }];
}
