import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex } from '../app-index';
import { DYNAMODB_WRITE_ACTIONS } from '../dynamodb-actions';
import { RuleResult } from '../engine';
import { grantsOn } from '../iam';
import { eventSource } from '../index/event-sources';
import { roleOf } from '../index/functions';
import { literalArn } from '../index/names';
import { roleStatements } from '../index/roles';
import { T } from '../resource-types';
import { describeGrant, listOf } from '../text';
import { prop } from '../values';

/**
 * A DynamoDB stream event source mapping whose function may write the same table (a statement
 * naming the table, or a wildcard covering it) and which has no filter criteria. Any filter
 * counts as the fix: what it lets through cannot be judged at synth. A warning: the template shows
 * a permission, not that the code writes the table. Reported on the mapping.
 */
export function TableStreamSelfWrite(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType !== T.eventSourceMapping) return NagRuleCompliance.NOT_APPLICABLE;
  const { kind, source: table, fn } = eventSource(index, node);
  if (kind !== 'dynamodb' || !table || !fn || index.isCdkInternal(fn)) return NagRuleCompliance.NOT_APPLICABLE;
  if (prop(node, 'FilterCriteria') !== undefined) return NagRuleCompliance.COMPLIANT;
  const role = roleOf(index, fn);
  if (!role) return NagRuleCompliance.NOT_APPLICABLE;
  const grants = grantsOn(roleStatements(index, role), DYNAMODB_WRITE_ACTIONS, table, literalArn(table));
  if (grants.length === 0) return NagRuleCompliance.COMPLIANT;
  const actions = [...new Set(grants.map(g => g.action))];
  return [{
    location: 'Properties/FilterCriteria',
    message: `Function ${index.name(fn)} consumes the stream of table ${index.name(table)} (through ${index.name(node)}) and may write that table `
      + `(${listOf(actions, 4)}; ${describeGrant(grants[0])}), and the mapping has no filter criteria. `
      + 'The template shows the permission, not whether the code writes the table; if it does, every write comes back on the stream and invokes it again: '
      + 'an infinite loop that Lambda\'s recursive loop detection does not cover for DynamoDB streams. '
      + 'Add filter criteria that drop the function\'s own writes (for example on an attribute only it sets), write to another table, or remove the permission.',
  }];
}
