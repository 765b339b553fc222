import { CfnResource } from 'aws-cdk-lib';
import { AppIndex, memo, relation } from '../app-index';
import { Statement, statementsOf } from '../iam';
import { T } from '../resource-types';
import { asArray, member, prop, readJson, refIn } from '../values';
import { byName } from './names';

/** The readable statements of every policy attached to a role (inline, attached, managed in the app). */
export const roleStatements = memo((index: AppIndex, role: CfnResource): readonly Statement[] => {
  const docs: { source: CfnResource; doc: unknown }[] = [];
  for (const p of asArray(readJson(role, prop(role, 'Policies')))) docs.push({ source: role, doc: member(p, 'PolicyDocument') });
  const attached = new Set<CfnResource>(policiesOf(index, role));
  for (const arn of asArray(readJson(role, prop(role, 'ManagedPolicyArns')))) {
    const ref = refIn(arn);
    if (ref?.resource.cfnResourceType === T.managedPolicy) attached.add(ref.resource);
  }
  for (const policy of attached) docs.push({ source: policy, doc: readJson(policy, prop(policy, 'PolicyDocument')) });
  return docs.flatMap(d => statementsOf(d.source, d.doc));
});

/** The policies in the app that attach to a role (`AWS::IAM::Policy`, `ManagedPolicy`, `RolePolicy`). */
const policiesOf = relation<CfnResource>((index, add) => {
  const roleNamed = (roleValue: unknown) => {
    const ref = refIn(roleValue);
    if (ref) return ref.resource.cfnResourceType === T.role ? ref.resource : undefined;
    return typeof roleValue === 'string' ? byName(index, T.role, roleValue) : undefined;
  };
  for (const type of [T.policy, T.managedPolicy]) {
    for (const policy of index.ofType(type)) {
      for (const r of asArray(readJson(policy, prop(policy, 'Roles')))) add(roleNamed(r), policy);
    }
  }
  for (const policy of index.ofType(T.rolePolicy)) add(roleNamed(readJson(policy, prop(policy, 'RoleName'))), policy);
});
