import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex, T } from '../app-index';
import { RuleResult } from '../engine';
import { listOf } from '../text';
import { booleanValue, numberValue, prop } from '../values';

/**
 * A DynamoDB or Kinesis stream event source mapping without bisect on error, without a maximum
 * record age, or without an on-failure destination. A value that is a token counts as set (it
 * cannot be judged). Reported on the mapping, listing what is missing.
 */
export function StreamFailureHandling(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType !== T.eventSourceMapping) return NagRuleCompliance.NOT_APPLICABLE;
  const { kind, source, fn } = index.eventSource(node);
  if ((kind !== 'dynamodb' && kind !== 'kinesis') || (fn && index.isCdkInternal(fn))) return NagRuleCompliance.NOT_APPLICABLE;
  const missing: string[] = [];
  const fixes: string[] = [];
  const bisect = prop(node, 'BisectBatchOnFunctionError');
  if (bisect === undefined || booleanValue(node, bisect) === false) {
    missing.push('bisect on error (one bad record fails and retries its whole batch)');
    fixes.push('bisectBatchOnError: true');
  }
  const ageRaw = prop(node, 'MaximumRecordAgeInSeconds');
  if (ageRaw === undefined || numberValue(node, ageRaw) === -1) {
    const retriesRaw = prop(node, 'MaximumRetryAttempts');
    const unbounded = retriesRaw === undefined || numberValue(node, retriesRaw) === -1;
    missing.push(`a maximum record age (${unbounded ? 'with unlimited retries a record that keeps failing blocks its shard until it expires from the stream' : 'records are retried regardless of how old they are'})`);
    fixes.push('maxRecordAge (and retryAttempts)');
  }
  if (prop(node, 'DestinationConfig', 'OnFailure', 'Destination') === undefined) {
    missing.push('an on-failure destination (records that fail every retry are dropped without a trace)');
    fixes.push('onFailure: an SqsDlq or SnsDlq');
  }
  if (missing.length === 0) return NagRuleCompliance.COMPLIANT;
  const what = kind === 'dynamodb' ? 'DynamoDB stream of table' : 'Kinesis stream';
  return [{
    location: 'Properties',
    message: `The event source mapping ${index.name(node)}${fn ? ` of function ${index.name(fn)}` : ''} reads the ${what} ${source ? index.name(source) : '(outside the app)'} `
      + `without ${listOf(missing, 3)}. Set ${listOf(fixes, 3)} on the event source.`,
  }];
}
