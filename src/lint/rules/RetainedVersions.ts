import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex } from '../app-index';
import { RuleResult } from '../engine';
import { ownerFunction } from '../index/functions';
import { T } from '../resource-types';
import { resourceAttribute } from '../values';

const RETAINED = ['Retain', 'RetainExceptOnCreate'];

/**
 * A Lambda version that CloudFormation keeps when it is removed from the template or replaced
 * (`DeletionPolicy` or `UpdateReplacePolicy` Retain): each deployment that changes the code leaves
 * one more version, and every version's code counts toward the 75 GB code storage of the region.
 * Reported on the version.
 */
export function RetainedVersions(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType !== T.version) return NagRuleCompliance.NOT_APPLICABLE;
  const fn = ownerFunction(index, node);
  if (fn && index.isCdkInternal(fn)) return NagRuleCompliance.NOT_APPLICABLE;
  const deletion = resourceAttribute(node, 'DeletionPolicy');
  const replace = resourceAttribute(node, 'UpdateReplacePolicy');
  const policies = [
    RETAINED.includes(String(deletion)) ? `DeletionPolicy ${deletion}` : '',
    RETAINED.includes(String(replace)) ? `UpdateReplacePolicy ${replace}` : '',
  ].filter(Boolean);
  if (policies.length === 0) return NagRuleCompliance.COMPLIANT;
  return [{
    location: RETAINED.includes(String(deletion)) ? 'DeletionPolicy' : 'UpdateReplacePolicy',
    message: `Version ${index.name(node)}${fn ? ` of function ${index.name(fn)}` : ''} is kept when it is removed or replaced (${policies.join(', ')}): `
      + 'every deployment that changes the code leaves the previous version behind, and the code of every version counts toward Lambda\'s 75 GB code storage per region until someone deletes it. '
      + 'Let CloudFormation delete old versions (currentVersionOptions: { removalPolicy: RemovalPolicy.DESTROY }, the default), '
      + 'or keep them on purpose (for rollbacks) with a cleanup of old versions and acknowledge this rule.',
  }];
}
