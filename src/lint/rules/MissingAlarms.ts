import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex, member, T } from '../app-index';
import { RuleResult } from '../engine';
import { numberValue, prop, readJson } from '../values';

/**
 * A function without a CloudWatch alarm on its `Errors` and on its `Throttles` metric, or a queue
 * with a dead-letter queue that no alarm watches (`ApproximateNumberOfMessagesVisible` of the
 * DLQ). Alarms count wherever they are in the app (another stack too), as single metrics or as
 * metrics of a metric-math alarm; an alarm on the metric without the dimension (all functions)
 * counts for every function. If some alarm's dimension cannot be traced (a token that is not a
 * reference), coverage of that metric cannot be judged and is not reported.
 */
export function MissingAlarms(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType === T.function) return functionAlarms(node, index);
  if (node.cfnResourceType === T.queue) return deadLetterAlarm(node, index);
  return NagRuleCompliance.NOT_APPLICABLE;
}

function functionAlarms(fn: CfnResource, index: AppIndex): RuleResult {
  if (index.isCdkInternal(fn)) return NagRuleCompliance.NOT_APPLICABLE;
  const missing = ['Errors', 'Throttles'].filter(metric => {
    const c = index.alarmCoverage('AWS/Lambda', metric, 'FunctionName', (alarm, value) => index.functionOf(alarm, value));
    return !c.unknown && !c.all && !c.watched.has(fn);
  });
  if (missing.length === 0) return NagRuleCompliance.COMPLIANT;
  const what = missing.length === 2 ? 'failed and throttled invocations go' : missing[0] === 'Errors' ? 'failed invocations go' : 'throttled invocations go';
  return [{
    message: `Function ${index.name(fn)} has no CloudWatch alarm on its ${missing.join(' or its ')} metric: ${what} unnoticed until users report them. `
      + `Add ${missing.length === 2 ? 'alarms' : 'an alarm'} on ${missing.map(m => `fn.metric${m}()`).join(' and ')} (an ObservedFunction has both).`,
  }];
}

function deadLetterAlarm(queue: CfnResource, index: AppIndex): RuleResult {
  const dlq = index.deadLetterQueueOf(queue);
  if (dlq === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  if (typeof dlq === 'symbol') return NagRuleCompliance.NOT_APPLICABLE; // cannot be traced
  const c = index.alarmCoverage('AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName',
    (alarm, value) => index.targetOf(alarm, value, T.queue, /^(.+)$/));
  if (c.unknown || c.all || c.watched.has(dlq)) return NagRuleCompliance.COMPLIANT;
  const receives = numberValue(queue, member(readJson(queue, prop(queue, 'RedrivePolicy')), 'maxReceiveCount'));
  return [{
    location: 'Properties/RedrivePolicy',
    message: `Queue ${index.name(queue)} moves messages that fail ${receives === undefined ? 'maxReceiveCount' : receives} receives to dead-letter queue ${index.name(dlq)}, `
      + 'and no CloudWatch alarm watches that queue\'s depth (ApproximateNumberOfMessagesVisible): failed messages pile up there unseen until its retention period deletes them. '
      + `Add an alarm on ${index.name(dlq)}'s metricApproximateNumberOfMessagesVisible() > 0 (an ObservedQueue has one).`,
  }];
}
