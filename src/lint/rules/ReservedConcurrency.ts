import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex, T } from '../app-index';
import { RuleResult } from '../engine';
import { listOf } from '../text';
import { numberValue, prop } from '../values';

/**
 * A function with reserved concurrency 0 (it can never run), or below the sum of the maximum
 * concurrency of its enabled SQS event sources (their pollers then invoke it more often than it
 * may run, and throttled batches go back to the queue). Sources without a maximum concurrency, or
 * whose maximum or enabled state is a token, are not counted: the sum is then a lower bound, so a
 * finding is still certain. Reported on the function.
 */
export function ReservedConcurrency(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType !== T.function || index.isCdkInternal(node)) return NagRuleCompliance.NOT_APPLICABLE;
  const raw = prop(node, 'ReservedConcurrentExecutions');
  if (raw === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const reserved = numberValue(node, raw);
  if (reserved === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  if (reserved === 0) {
    return [{
      location: 'Properties/ReservedConcurrentExecutions',
      message: `Function ${index.name(node)} has a reserved concurrency of 0: Lambda throttles every invocation, so it never runs`
        + `${index.eventSourcesOf(node).length > 0 ? ' and its event sources pile up or dead-letter their messages' : ''}. `
        + 'Remove reservedConcurrentExecutions or set it above 0; if the function is switched off on purpose, acknowledge this rule on it.',
    }];
  }
  const sources = index.eventSourcesOf(node)
    .filter(s => s.kind === 'sqs' && s.enabled === true)
    .map(s => ({ s, max: numberValue(s.mapping, prop(s.mapping, 'ScalingConfig', 'MaximumConcurrency')) }))
    .filter((x): x is { s: typeof x.s; max: number } => x.max !== undefined);
  const sum = sources.reduce((total, x) => total + x.max, 0);
  if (sum <= reserved) return NagRuleCompliance.COMPLIANT;
  const parts = sources.map(x => `${x.s.source ? index.name(x.s.source) : index.name(x.s.mapping)} (max ${x.max})`);
  return [{
    location: 'Properties/ReservedConcurrentExecutions',
    message: `Function ${index.name(node)} has a reserved concurrency of ${reserved}, below the ${sum} concurrent invocations its SQS event sources may start: ${listOf(parts, 5)}. `
      + 'Lambda throttles the invocations above the reserved concurrency; throttled batches return to the queue, count toward maxReceiveCount and send good messages to the dead-letter queue. '
      + `Raise the reserved concurrency to at least ${sum}, or lower the sources' maxConcurrency so that their sum is at most ${reserved}.`,
  }];
}
