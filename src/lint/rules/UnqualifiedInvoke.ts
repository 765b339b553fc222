import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex } from '../app-index';
import { Finding, RuleResult } from '../engine';
import { aliasesOf } from '../index/functions';
import { byName } from '../index/names';
import { T } from '../resource-types';
import { asArray, isRef, member, Part, parts, partsIn, prop, readJson, UNKNOWN } from '../values';

/** Where each kind of invoker names the function it invokes, and how to say what it is. */
const INVOKERS: { [type: string]: { what: string; targets(node: CfnResource): Part[][] } } = {
  [T.eventSourceMapping]: { what: 'Event source mapping', targets: n => [parts(n, prop(n, 'FunctionName'))] },
  [T.permission]: { what: 'Permission', targets: n => [parts(n, prop(n, 'FunctionName'))] },
  [T.restMethod]: { what: 'API Gateway method', targets: n => [parts(n, prop(n, 'Integration', 'Uri'))] },
  [T.httpIntegration]: { what: 'API Gateway integration', targets: n => [parts(n, prop(n, 'IntegrationUri'))] },
  [T.subscription]: { what: 'SNS subscription', targets: n => [parts(n, prop(n, 'Endpoint'))] },
  [T.bucketNotifications]: {
    what: 'Bucket notification',
    targets: n => asArray(member(readJson(n, prop(n, 'NotificationConfiguration')), 'LambdaFunctionConfigurations'))
      .map(c => partsIn(member(c, 'LambdaFunctionArn'))),
  },
  [T.eventRule]: { what: 'EventBridge rule', targets: n => asArray(readJson(n, prop(n, 'Targets'))).map(t => partsIn(member(t, 'Arn'))) },
};

/**
 * An invoker (event source mapping, permission, API integration, SNS subscription, bucket
 * notification, EventBridge target) that names a function unqualified, or its `$LATEST`, while the
 * function's provisioned concurrency is on an alias or version: those invocations get on-demand
 * environments and their cold starts. Only references that can be read are judged: a value that
 * is a token this pack cannot follow is not reported. A permission whose source is a resource of
 * the app (an API, a bucket, a rule, a topic) is left out: that invoker is judged on its own
 * resource, so an integration and the permission that lets it invoke are one finding.
 */
export function UnqualifiedInvoke(node: CfnResource, index: AppIndex): RuleResult {
  const invoker = INVOKERS[node.cfnResourceType];
  if (!invoker || index.isCdkInternal(node)) return NagRuleCompliance.NOT_APPLICABLE;
  const findings: Finding[] = [];
  for (const target of invoker.targets(node)) {
    const unqualified = unqualifiedFunction(target, index);
    if (!unqualified || index.isCdkInternal(unqualified.fn)) continue;
    if (node.cfnResourceType === T.permission && parts(node, prop(node, 'SourceArn')).some(isRef)) continue;
    const provisioned = aliasesOf(index, unqualified.fn).filter(a => prop(a, 'ProvisionedConcurrencyConfig') !== undefined);
    if (provisioned.length === 0) continue;
    const carriers = provisioned.map(a => `${a.cfnResourceType === T.alias ? 'alias' : 'version'} ${index.name(a)}`).join(', ');
    findings.push({
      message: `${invoker.what} ${index.name(node)} invokes function ${index.name(unqualified.fn)} ${unqualified.latest ? 'as $LATEST' : 'unqualified'}, `
        + `but its provisioned concurrency is on ${carriers}: these invocations run in on-demand environments and meet the cold starts provisioned concurrency was bought to avoid. `
        + 'Point the invoker at the alias (e.g. fn.alias, or an ObservedFunction\'s invokeTarget) instead of the function.',
    });
  }
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}

/** The function a reference names without a qualifier (or as $LATEST); undefined when qualified or unreadable. */
function unqualifiedFunction(p: readonly Part[], index: AppIndex): { fn: CfnResource; latest: boolean } | undefined {
  // pseudo parameters (partition, region) read as unknown parts around the reference: only the
  // reference and what follows it decide
  const refs = p.filter(isRef);
  if (refs.some(r => r.resource.cfnResourceType === T.alias || r.resource.cfnResourceType === T.version)) return undefined;
  const at = p.findIndex(x => isRef(x) && x.resource.cfnResourceType === T.function);
  if (at >= 0) {
    const next = p[at + 1];
    if (next === UNKNOWN) return undefined; // a qualifier that cannot be read is not judged
    const qualifier = typeof next === 'string' ? /^:([^/:]+)/.exec(next)?.[1] : undefined;
    if (qualifier !== undefined && qualifier !== '$LATEST') return undefined;
    return { fn: (p[at] as { resource: CfnResource }).resource, latest: qualifier === '$LATEST' };
  }
  if (p.length !== 1 || typeof p[0] !== 'string' || p.includes(UNKNOWN)) return undefined;
  // a literal ARN or name: arn:...:function:name[:qualifier], or name[:qualifier]
  const m = /^(?:arn:[^:]*:lambda:[^:]*:[^:]*:function:)?([^:/]+)(?::([^:/]+))?$/.exec(p[0]);
  if (!m || (m[2] !== undefined && m[2] !== '$LATEST')) return undefined;
  const fn = byName(index, T.function, m[1]);
  return fn ? { fn, latest: m[2] === '$LATEST' } : undefined;
}
