import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex } from '../app-index';
import { Finding, RuleResult } from '../engine';
import { grantsOn } from '../iam';
import { eventSourcesOf } from '../index/event-sources';
import { roleOf } from '../index/functions';
import { literalArn } from '../index/names';
import { roleStatements } from '../index/roles';
import { subscriptionsOf } from '../index/topics';
import { T } from '../resource-types';
import { describeGrant } from '../text';
import { prop, stringValue } from '../values';

/**
 * A function triggered by an SQS queue (event source mapping) or an SNS topic (subscription)
 * whose role may also send to that queue or publish to that topic: a statement that names it, or
 * a wildcard that covers it (`*`). Unconditional Deny statements are honoured; statements with
 * conditions are not evidence either way and are left out. Reported on the function, once per
 * trigger.
 */
export function QueueSelfTrigger(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType !== T.function || index.isCdkInternal(node)) return NagRuleCompliance.NOT_APPLICABLE;
  const triggers: { target: CfnResource; kind: 'queue' | 'topic'; via: CfnResource }[] = [];
  for (const s of eventSourcesOf(index, node)) {
    if (s.kind === 'sqs' && s.source && s.enabled !== false) triggers.push({ target: s.source, kind: 'queue', via: s.mapping });
  }
  for (const s of subscriptionsOf(index, node)) triggers.push({ target: s.topic, kind: 'topic', via: s.via });
  if (triggers.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const role = roleOf(index, node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE; // an imported role: its policies are not in the app
  const statements = roleStatements(index, role);
  const findings: Finding[] = [];
  for (const t of triggers) {
    const actions = t.kind === 'queue' ? ['sqs:SendMessage'] : ['sns:Publish'];
    const grants = grantsOn(statements, actions, t.target, literalArn(t.target));
    if (grants.length === 0) continue;
    const loop = stringValue(node, prop(node, 'RecursiveLoop')) === 'Allow'
      ? 'Its RecursiveLoop is Allow, so nothing stops the loop.'
      : "Lambda's recursive loop detection stops such a loop after about 16 round trips and drops the event that started it.";
    findings.push({
      location: 'Properties/Role',
      message: `Function ${index.name(node)} is triggered by ${t.kind} ${index.name(t.target)} (through ${index.name(t.via)}) and its role may also `
        + `${t.kind === 'queue' ? 'send to that queue' : 'publish to that topic'}: ${describeGrant(grants[0])}. `
        + `Every message it ${t.kind === 'queue' ? 'sends' : 'publishes'} there invokes it again. ${loop} `
        + `${t.kind === 'queue' ? 'Send' : 'Publish'} to a different ${t.kind}, or narrow the permission; if the function re-queues on purpose (with a delay and a retry counter), acknowledge this rule on it.`,
    });
  }
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}
