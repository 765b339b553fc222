import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex } from '../app-index';
import { Finding, RuleResult } from '../engine';
import { coveredAction, grantsOn } from '../iam';
import { aliasesOf, describeTimeout, functionOf, functionOfParts, roleOf, timeoutSeconds } from '../index/functions';
import { literalArn } from '../index/names';
import { roleStatements } from '../index/roles';
import { T } from '../resource-types';
import { describeGrant } from '../text';
import { isRef, prop } from '../values';

const INVOKE = ['lambda:InvokeFunction'];

/**
 * A function whose role may invoke another function (a statement that names it: its ARN, an
 * alias or version of it, `<ARN>:*`, or its literal name) whose timeout is at or above the
 * caller's own. Wildcard grants (`*`, `function:*`) are left out: they say nothing about which
 * function is called. A callee that is one of the caller's asynchronous-invocation destinations
 * (on success or on failure) is left out: the grant is the one Lambda uses to deliver to it, an
 * asynchronous call. Timeouts that are tokens are not judged. Reported on the caller, once per
 * callee.
 */
export function CallerTimeout(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType !== T.function || index.isCdkInternal(node)) return NagRuleCompliance.NOT_APPLICABLE;
  const role = roleOf(index, node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const statements = roleStatements(index, role);
  const callees = new Set<CfnResource>();
  for (const s of statements) {
    if (s.effect !== 'Allow' || !coveredAction(s, INVOKE)) continue;
    for (const resource of s.resources) {
      const fn = isRef(resource[0]) || (resource.length === 1 && typeof resource[0] === 'string' && !resource[0].includes('*'))
        ? functionOfParts(index, resource.slice(0, 1)) : undefined;
      if (fn && fn !== node && !index.isCdkInternal(fn)) callees.add(fn);
    }
  }
  for (const destination of destinationFunctions(node, index)) callees.delete(destination);
  if (callees.size === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const own = timeoutSeconds(node);
  if (own === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const findings: Finding[] = [];
  for (const callee of callees) {
    const theirs = timeoutSeconds(callee);
    if (theirs === undefined || theirs < own) continue;
    const grant = grantsOn(statements, INVOKE, callee, literalArn(callee), { aliases: aliasesOf(index, callee) }).find(g => g.match.kind === 'exact');
    if (!grant) continue; // denied
    findings.push({
      location: 'Properties/Timeout',
      message: `Function ${index.name(node)} (timeout ${describeTimeout(node)}) may invoke function ${index.name(callee)} (timeout ${describeTimeout(callee)}): ${describeGrant(grant)}. `
        + `When it waits for the answer (a synchronous RequestResponse call), it times out first: ${index.name(callee)} keeps working for a caller that is gone, and the caller's retries start it again. `
        + `Give ${index.name(node)} a timeout above ${theirs} s plus its own work, or lower ${index.name(callee)}'s; if it only invokes asynchronously (InvocationType Event), acknowledge this rule on it.`,
    });
  }
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}

/** The functions a function's asynchronous invocations deliver to (EventInvokeConfig destinations). */
function destinationFunctions(fn: CfnResource, index: AppIndex): CfnResource[] {
  const out: CfnResource[] = [];
  for (const config of index.ofType(T.eventInvokeConfig)) {
    if (functionOf(index, config, prop(config, 'FunctionName')) !== fn) continue;
    for (const when of ['OnSuccess', 'OnFailure']) {
      const target = functionOf(index, config, prop(config, 'DestinationConfig', when, 'Destination'));
      if (target) out.push(target);
    }
  }
  return out;
}
