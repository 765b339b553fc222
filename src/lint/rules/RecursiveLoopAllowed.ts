import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex } from '../app-index';
import { RuleResult } from '../engine';
import { T } from '../resource-types';
import { prop, stringValue } from '../values';

/** A function whose `RecursiveLoop` is `Allow`: Lambda will not stop a loop through SQS, SNS or S3. */
export function RecursiveLoopAllowed(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType !== T.function || index.isCdkInternal(node)) return NagRuleCompliance.NOT_APPLICABLE;
  const value = stringValue(node, prop(node, 'RecursiveLoop'));
  if (value !== 'Allow') return NagRuleCompliance.COMPLIANT;
  return [{
    location: 'Properties/RecursiveLoop',
    message: `Function ${index.name(node)} has RecursiveLoop set to Allow: if it ever writes back to what triggers it (an SQS queue, an SNS topic, an S3 bucket), `
      + 'Lambda does not stop the loop after about 16 invocations as it does by default, and the loop runs and bills until someone notices. '
      + 'Remove the setting (Terminate is the default), unless the function is meant to re-trigger itself and bounds the loop on its own.',
  }];
}
