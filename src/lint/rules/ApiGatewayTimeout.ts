import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { INTEGRATION_MARGIN_MS, longestTimeoutBehindIntegration } from '../../core/limits';
import { AppIndex } from '../app-index';
import { RuleResult } from '../engine';
import { apiIntegrationsOf } from '../index/apis';
import { describeTimeout, timeoutSeconds } from '../index/functions';
import { T } from '../resource-types';
import { listOf } from '../text';

/**
 * A function behind an API Gateway method (REST) or route (HTTP, WebSocket) whose timeout does not
 * end the margin before the integration timeout (29 s for REST and WebSocket, 30 s for HTTP APIs,
 * or the integration's explicit `TimeoutInMillis`): the rule the API constructs enforce at synth,
 * from the same formula (`longestTimeoutBehindIntegration`). Reported on the function, once, with
 * the tightest integration. An error when the function's timeout is above the integration's (the
 * template proves that API Gateway gives up while the function runs on), a warning when it is
 * within the margin (an invocation that runs to its timeout is answered 504). Timeouts that are
 * tokens are not judged.
 */
export function ApiGatewayTimeout(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType !== T.function || index.isCdkInternal(node)) return NagRuleCompliance.NOT_APPLICABLE;
  const integrations = apiIntegrationsOf(index, node);
  if (integrations.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const timeout = timeoutSeconds(node);
  if (timeout === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const over = integrations.filter(i => timeout > longestTimeoutBehindIntegration(i.timeoutMs));
  if (over.length === 0) return NagRuleCompliance.COMPLIANT;
  const limitMs = Math.min(...over.map(i => i.timeoutMs));
  const tightest = over.filter(i => i.timeoutMs === limitMs);
  const limit = limitMs / 1000;
  const longest = longestTimeoutBehindIntegration(limitMs);
  const where = listOf(tightest.map(i => `${i.api} API ${i.route} (${index.name(i.via)})`));
  const source = tightest[0].explicitTimeout ? 'its TimeoutInMillis' : `API Gateway's default for ${tightest[0].api} APIs`;
  return [{
    location: 'Properties/Timeout',
    level: timeout * 1000 > limitMs ? NagMessageLevel.ERROR : NagMessageLevel.WARN,
    message: `Function ${index.name(node)} has a timeout of ${describeTimeout(node)}, ${relation(timeout * 1000, limitMs)} the ${limit} s integration timeout (${source}) of ${where}. `
      + `API Gateway answers 504 after ${limit} s while the function keeps running and billing, and clients that retry pile more invocations onto a function that is already slow. `
      + `Set the function's timeout to at most ${longest} s, or raise the integration's timeout where the API allows it.`,
  }];
}

function relation(timeoutMs: number, integrationMs: number): string {
  if (timeoutMs > integrationMs) return 'above';
  if (timeoutMs === integrationMs) return 'equal to';
  return `within ${INTEGRATION_MARGIN_MS / 1000} s of`;
}
