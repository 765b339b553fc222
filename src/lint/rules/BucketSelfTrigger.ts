import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex } from '../app-index';
import { Finding, RuleResult } from '../engine';
import { filterGlob, globsIntersect, Grant, grantsOn, iamGlob } from '../iam';
import { bucketNotificationsOf } from '../index/buckets';
import { roleOf } from '../index/functions';
import { literalArn } from '../index/names';
import { roleStatements } from '../index/roles';
import { T } from '../resource-types';
import { describeGrant, listOf } from '../text';

/** Which S3 action puts an object event of each kind. */
const ACTIONS_BY_EVENT: { prefix: string; actions: string[] }[] = [
  { prefix: 's3:ObjectCreated:', actions: ['s3:PutObject'] },
  { prefix: 's3:ObjectRemoved:', actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'] },
];

/**
 * A bucket notification that invokes a function whose role may write (or delete, for removal
 * events) objects in the same bucket under keys that the notification's prefix/suffix filter
 * matches. The key spaces are compared exactly as globs (IAM's `*` and `?` against
 * `<prefix>*<suffix>`); filters that are tokens are not judged. A warning: the template shows a
 * permission, not that the code writes there. Reported on the function, once per bucket, with
 * every notification of that bucket whose key space the grant reaches.
 */
export function BucketSelfTrigger(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType !== T.function || index.isCdkInternal(node)) return NagRuleCompliance.NOT_APPLICABLE;
  const notifications = bucketNotificationsOf(index, node);
  if (notifications.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const role = roleOf(index, node);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const statements = roleStatements(index, role);
  const hits = new Map<CfnResource, { keys: string[]; events: string[]; via: CfnResource; grant: Grant }>();
  for (const n of notifications) {
    if (n.prefix === undefined || n.suffix === undefined) continue;
    const actions = [...new Set(ACTIONS_BY_EVENT.filter(a => n.events.some(e => e === 's3:*' || e.startsWith(a.prefix))).flatMap(a => a.actions))];
    const filter = filterGlob(n.prefix, n.suffix);
    const grant = grantsOn(statements, actions, n.bucket, literalArn(n.bucket), { objects: true })
      .find(g => g.match.keyPattern !== undefined && globsIntersect(iamGlob(g.match.keyPattern), filter));
    if (!grant) continue;
    const keys = n.prefix || n.suffix ? `keys${n.prefix ? ` starting with "${n.prefix}"` : ''}${n.prefix && n.suffix ? ' and' : ''}${n.suffix ? ` ending with "${n.suffix}"` : ''}` : 'every key';
    const hit = hits.get(n.bucket) ?? hits.set(n.bucket, { keys: [], events: [], via: n.via, grant }).get(n.bucket)!;
    if (!hit.keys.includes(keys)) hit.keys.push(keys);
    for (const e of n.events) if (!hit.events.includes(e)) hit.events.push(e);
  }
  const findings: Finding[] = [...hits.entries()].map(([bucket, hit]) => ({
    location: 'Properties/Role',
    message: `Function ${index.name(node)} is invoked by bucket ${index.name(bucket)} for ${hit.events.join(', ')} on ${listOf(hit.keys, 4)} (through ${index.name(hit.via)}), `
      + `and its role may write the same bucket in that key space: ${describeGrant(hit.grant)}. `
      + 'The template shows the permission, not whether the code writes there; if it does, an object it writes in that key space invokes it again, '
      + 'in a loop that writes objects (and bills invocations) until Lambda\'s loop detection or someone stops it. '
      + 'Write outputs under a prefix the notification does not match (for example read "in/" and write "out/") and narrow the permission to it (grantPut(fn, "out/*") instead of grantReadWrite), or write to another bucket.',
  }));
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}

