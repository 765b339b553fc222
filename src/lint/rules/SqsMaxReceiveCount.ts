import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex } from '../app-index';
import { RuleResult } from '../engine';
import { eventSource } from '../index/event-sources';
import { deadLetterQueueOf } from '../index/queues';
import { T } from '../resource-types';
import { listOf } from '../text';
import { member, numberValue, prop, readJson } from '../values';

/** AWS's guidance for the maxReceiveCount of a queue that a Lambda event source consumes. */
export const MIN_RECEIVES_FOR_LAMBDA = 5;

/**
 * A queue with a redrive policy whose maxReceiveCount is below 5 while an enabled Lambda event
 * source mapping consumes it. Each receive by Lambda's pollers counts, including the batches
 * returned because the function was throttled or because another message of the batch failed, so
 * a low count sends good messages to the dead-letter queue. A warning: it depends on throttling
 * and failures. A maxReceiveCount that is a token is not judged. Reported on the queue.
 */
export function SqsMaxReceiveCount(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType !== T.queue) return NagRuleCompliance.NOT_APPLICABLE;
  const raw = prop(node, 'RedrivePolicy');
  if (raw === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const receives = numberValue(node, member(readJson(node, raw), 'maxReceiveCount'));
  if (receives === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const consumers = index.ofType(T.eventSourceMapping)
    .map(m => eventSource(index, m))
    .filter(s => s.kind === 'sqs' && s.source === node && s.enabled !== false && s.fn && !index.isCdkInternal(s.fn));
  if (consumers.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  if (receives >= MIN_RECEIVES_FOR_LAMBDA) return NagRuleCompliance.COMPLIANT;
  const dlq = deadLetterQueueOf(index, node);
  return [{
    location: 'Properties/RedrivePolicy',
    message: `Queue ${index.name(node)} is consumed by ${listOf(consumers.map(s => `function ${index.name(s.fn!)}`))} and moves a message to `
      + `${dlq && typeof dlq !== 'symbol' ? `dead-letter queue ${index.name(dlq)}` : 'its dead-letter queue'} after ${receives} receive${receives === 1 ? '' : 's'}. `
      + 'Every batch Lambda\'s pollers receive counts, including batches returned because the function was throttled or because another message of the batch failed, '
      + 'so good messages reach the dead-letter queue after a burst of throttling. '
      + `Set maxReceiveCount to at least ${MIN_RECEIVES_FOR_LAMBDA} (AWS's guidance for queues Lambda consumes), and report batch item failures so that one bad message does not return its batch.`,
  }];
}
