import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex } from '../app-index';
import { RuleResult } from '../engine';
import { eventSource } from '../index/event-sources';
import { T } from '../resource-types';
import { booleanValue, numberValue, parts, prop, stringValue } from '../values';

/**
 * An SQS event source mapping with a batch size above 10 and no batching window (Lambda requires
 * a window of at least 1 s for such batches), or with a batch size above 10 on a FIFO queue
 * (FIFO allows at most 10). CloudFormation would reject either at deploy time, after the stack
 * update has started; this finds it at synth. Tokens are not judged.
 */
export function SqsBatching(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType !== T.eventSourceMapping) return NagRuleCompliance.NOT_APPLICABLE;
  const { kind, source: queue, fn } = eventSource(index, node);
  if (kind !== 'sqs' || (fn && index.isCdkInternal(fn))) return NagRuleCompliance.NOT_APPLICABLE;
  const batchRaw = prop(node, 'BatchSize');
  if (batchRaw === undefined) return NagRuleCompliance.COMPLIANT; // 10 by default for SQS
  const batch = numberValue(node, batchRaw);
  if (batch === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  if (batch <= 10) return NagRuleCompliance.COMPLIANT;
  const queueName = queue ? index.name(queue) : describeArn(node);
  const mapping = `The event source mapping ${index.name(node)}${fn ? ` of function ${index.name(fn)}` : ''}`;
  const fifo = queue ? isFifo(queue) : literalNameOf(node)?.endsWith('.fifo');
  if (fifo === true) {
    return [{
      location: 'Properties/BatchSize',
      message: `${mapping} reads FIFO queue ${queueName} with a batch size of ${batch}; FIFO queues allow at most 10 messages per batch, `
        + 'so CloudFormation rejects the mapping during the deployment. Set batchSize to 10 or less.',
    }];
  }
  const windowRaw = prop(node, 'MaximumBatchingWindowInSeconds');
  const window = windowRaw === undefined ? 0 : numberValue(node, windowRaw);
  if (window === undefined || window >= 1) return NagRuleCompliance.COMPLIANT;
  return [{
    location: 'Properties/MaximumBatchingWindowInSeconds',
    message: `${mapping} reads queue ${queueName} with a batch size of ${batch} and ${windowRaw === undefined ? 'no batching window' : 'a batching window of 0 s'}; `
      + 'Lambda requires a batching window of at least 1 s for batches above 10, so CloudFormation rejects the mapping during the deployment. '
      + 'Set maxBatchingWindow to at least 1 second (the function then waits up to that long to fill a batch), or a batch size of 10 or less.',
  }];
}

function isFifo(queue: CfnResource): boolean | undefined {
  const fifo = prop(queue, 'FifoQueue');
  if (fifo !== undefined) return booleanValue(queue, fifo);
  const name = stringValue(queue, prop(queue, 'QueueName'));
  return name === undefined ? false : name.endsWith('.fifo');
}

function literalNameOf(node: CfnResource): string | undefined {
  const p = parts(node, prop(node, 'EventSourceArn'));
  return p.length === 1 && typeof p[0] === 'string' ? p[0].split(':').pop() : undefined;
}

function describeArn(node: CfnResource): string {
  return literalNameOf(node) ?? 'its source';
}
