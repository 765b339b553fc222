import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { AppIndex } from '../app-index';
import { RuleResult } from '../engine';
import { eventSourcesOf } from '../index/event-sources';
import { T } from '../resource-types';
import { listOf } from '../text';
import { numberValue, prop } from '../values';

/** How many batches Lambda's pollers process at once when an SQS queue has messages (AWS Lambda docs, SQS scaling). */
export const SQS_POLLER_START_BATCHES = 5;

/**
 * A function with reserved concurrency 0 (it can never run), or below what its enabled SQS event
 * sources start: each source's maximum concurrency, and for a source without one the 5 concurrent
 * batches Lambda's pollers start with (they scale up from there, and do not take reserved
 * concurrency into account). Error when the template proves it (0, or the sources' maximum
 * concurrency alone is above the reserve); warning when it rests on the pollers' starting
 * concurrency, which they reach only with enough messages in the queue. Sources whose maximum or
 * enabled state is a token are not counted, so the sum is a lower bound. Reported on the function.
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
        + `${eventSourcesOf(index, node).length > 0 ? ' and its event sources pile up or dead-letter their messages' : ''}. `
        + 'Remove reservedConcurrentExecutions or set it above 0; if the function is switched off on purpose, acknowledge this rule on it.',
    }];
  }
  const sources = eventSourcesOf(index, node)
    .filter(s => s.kind === 'sqs' && s.enabled === true)
    .map(s => {
      const maxRaw = prop(s.mapping, 'ScalingConfig', 'MaximumConcurrency');
      return { s, explicit: maxRaw !== undefined, max: maxRaw === undefined ? SQS_POLLER_START_BATCHES : numberValue(s.mapping, maxRaw) };
    })
    .filter((x): x is { s: typeof x.s; explicit: boolean; max: number } => x.max !== undefined);
  const proven = sources.filter(x => x.explicit).reduce((total, x) => total + x.max, 0);
  const sum = sources.reduce((total, x) => total + x.max, 0);
  if (sum <= reserved) return NagRuleCompliance.COMPLIANT;
  const parts = sources.map(x => `${x.s.source ? index.name(x.s.source) : index.name(x.s.mapping)} (${x.explicit ? `max ${x.max}` : `no maximum: the pollers start with ${x.max} concurrent batches and scale up`})`);
  const unbounded = sources.filter(x => !x.explicit);
  return [{
    location: 'Properties/ReservedConcurrentExecutions',
    level: proven > reserved ? NagMessageLevel.ERROR : NagMessageLevel.WARN,
    message: `Function ${index.name(node)} has a reserved concurrency of ${reserved}, below the ${sum} concurrent invocations its SQS event sources ${unbounded.length > 0 ? 'start with' : 'may start'}: ${listOf(parts, 5)}. `
      + 'Lambda\'s SQS pollers do not take reserved concurrency into account: the invocations above it are throttled, and throttled batches return to the queue, count toward maxReceiveCount and send good messages to the dead-letter queue. '
      + (unbounded.length > 0
        ? `Limit the sources with maxConcurrency (at least 2 each) so that their sum is at most ${reserved}, and raise the reserved concurrency to at least that sum or remove it.`
        : `Raise the reserved concurrency to at least ${sum}, or lower the sources' maxConcurrency so that their sum is at most ${reserved}.`),
  }];
}
