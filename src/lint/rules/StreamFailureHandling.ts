import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex } from '../app-index';
import { RuleResult } from '../engine';
import { eventSource } from '../index/event-sources';
import { T } from '../resource-types';
import { listOf } from '../text';
import { booleanValue, numberValue, prop } from '../values';

/**
 * A DynamoDB or Kinesis stream event source mapping that retries a failing batch without limit
 * (neither finite retry attempts nor a maximum record age), or that has no on-failure destination.
 * Finite retries with an on-failure destination are enough: a bad record then cannot block its
 * shard, and the records given up on leave a trace. Bisect on error is recommended in the message
 * when it is missing, never required. A value that is a token counts as set (it cannot be judged).
 * Reported on the mapping, listing what is missing.
 */
export function StreamFailureHandling(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType !== T.eventSourceMapping) return NagRuleCompliance.NOT_APPLICABLE;
  const { kind, source, fn } = eventSource(index, node);
  if ((kind !== 'dynamodb' && kind !== 'kinesis') || (fn && index.isCdkInternal(fn))) return NagRuleCompliance.NOT_APPLICABLE;
  const missing: string[] = [];
  const fixes: string[] = [];
  if (unbounded(node, 'MaximumRetryAttempts') && unbounded(node, 'MaximumRecordAgeInSeconds')) {
    missing.push('a limit on retries (with unlimited retries and no maximum record age, a record that keeps failing blocks its shard until it expires from the stream)');
    fixes.push('retryAttempts (or maxRecordAge)');
  }
  if (prop(node, 'DestinationConfig', 'OnFailure', 'Destination') === undefined) {
    missing.push('an on-failure destination (records that fail every retry are dropped without a trace)');
    fixes.push('onFailure: an SqsDlq or SnsDlq');
  }
  if (missing.length === 0) return NagRuleCompliance.COMPLIANT;
  const bisect = prop(node, 'BisectBatchOnFunctionError');
  const noBisect = bisect === undefined || booleanValue(node, bisect) === false;
  const what = kind === 'dynamodb' ? 'DynamoDB stream of table' : 'Kinesis stream';
  return [{
    location: 'Properties',
    message: `The event source mapping ${index.name(node)}${fn ? ` of function ${index.name(fn)}` : ''} reads the ${what} ${source ? index.name(source) : '(outside the app)'} `
      + `without ${listOf(missing, 3)}. Set ${listOf(fixes, 3)} on the event source`
      + `${noBisect ? ', and bisectBatchOnError: true so that one bad record does not fail (and give up) its whole batch' : ''}.`,
  }];
}

/** Whether a retry setting is absent or -1 (Lambda's "no limit"); a token counts as set. */
function unbounded(node: CfnResource, name: string): boolean {
  const raw = prop(node, name);
  return raw === undefined || numberValue(node, raw) === -1;
}
