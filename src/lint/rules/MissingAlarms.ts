import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex } from '../app-index';
import { Finding, RuleResult } from '../engine';
import { alarmCoverage, WatchedMetric } from '../index/alarms';
import { eventSource } from '../index/event-sources';
import { functionOf } from '../index/functions';
import { targetOf } from '../index/names';
import { deadLetterQueueOf } from '../index/queues';
import { T } from '../resource-types';
import { member, numberValue, prop, readJson } from '../values';

const SQS_ARN = /^arn:[^:]*:sqs:[^:]*:[^:]*:(.+)$/;

/** The function metrics every function needs an alarm on. */
const FUNCTION_METRICS: readonly WatchedMetric[] = ['Errors', 'Throttles'].map(metricName => ({
  namespace: 'AWS/Lambda', metricName, dimension: 'FunctionName', target: functionOf,
}));

/** The depth of a queue where failures land. */
const QUEUE_DEPTH: WatchedMetric = {
  namespace: 'AWS/SQS',
  metricName: 'ApproximateNumberOfMessagesVisible',
  dimension: 'QueueName',
  target: (index, alarm, value) => targetOf(index, alarm, value, T.queue, /^(.+)$/),
};

/**
 * A function without a CloudWatch alarm on its `Errors` and on its `Throttles` metric, or a queue
 * where failures land that no alarm watches (`ApproximateNumberOfMessagesVisible`): the
 * dead-letter queue of a queue's redrive policy, the on-failure queue of a stream event source
 * mapping, and the on-failure destination or dead-letter queue of a function's asynchronous
 * invocations. Alarms count wherever they are in the app (another stack too), as single metrics or
 * as metrics of a metric-math alarm; an alarm on the metric without the dimension (all functions,
 * all queues) counts for every one. If some alarm's dimension cannot be traced (a token that is not
 * a reference), coverage of that metric cannot be judged and is not reported. Destinations that
 * are not queues of the app (topics, event buses, functions, imports) are not judged. An
 * on-failure queue of a function that has alarms on its Errors and Throttles counts as watched:
 * what lands there failed an invocation or waited out throttling, which those alarms already see.
 *
 * Each finding carries a summary: the pack reports a stack's findings as one, with the list.
 */
export function MissingAlarms(node: CfnResource, index: AppIndex): RuleResult {
  switch (node.cfnResourceType) {
    case T.function: return functionAlarms(node, index);
    case T.queue: return deadLetterAlarm(node, index);
    case T.eventSourceMapping: return streamFailureAlarm(node, index);
    case T.eventInvokeConfig: return asyncFailureAlarm(node, index);
    default: return NagRuleCompliance.NOT_APPLICABLE;
  }
}

function functionAlarms(fn: CfnResource, index: AppIndex): RuleResult {
  if (index.isCdkInternal(fn)) return NagRuleCompliance.NOT_APPLICABLE;
  const findings: Finding[] = [];
  const missing = missingFunctionAlarms(fn, index);
  if (missing.length > 0) {
    const what = missing.length === 2 ? 'failed and throttled invocations go' : missing[0] === 'Errors' ? 'failed invocations go' : 'throttled invocations go';
    findings.push({
      summary: `function ${index.name(fn)} (${missing.join(', ')})`,
      message: `Function ${index.name(fn)} has no CloudWatch alarm on its ${missing.join(' or its ')} metric: ${what} unnoticed until users report them. `
        + `Add ${missing.length === 2 ? 'alarms' : 'an alarm'} on ${missing.map(m => `fn.metric${m}()`).join(' and ')} (an ObservedFunction has both).`,
    });
  }
  // the dead-letter queue of its asynchronous invocations
  const dlq = queueOf(fn, prop(fn, 'DeadLetterConfig', 'TargetArn'), index);
  if (dlq && missing.length > 0 && !watched(dlq, index)) {
    findings.push(failureQueueFinding(dlq, index, 'Properties/DeadLetterConfig',
      `Function ${index.name(fn)} sends the asynchronous events it fails to process to dead-letter queue ${index.name(dlq)}`,
      `the dead-letter queue ${index.name(dlq)} of function ${index.name(fn)}'s asynchronous invocations`));
  }
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}

function deadLetterAlarm(queue: CfnResource, index: AppIndex): RuleResult {
  const dlq = deadLetterQueueOf(index, queue);
  if (dlq === undefined || typeof dlq === 'symbol') return NagRuleCompliance.NOT_APPLICABLE; // none, or cannot be traced
  if (watched(dlq, index)) return NagRuleCompliance.COMPLIANT;
  const receives = numberValue(queue, member(readJson(queue, prop(queue, 'RedrivePolicy')), 'maxReceiveCount'));
  return [failureQueueFinding(dlq, index, 'Properties/RedrivePolicy',
    `Queue ${index.name(queue)} moves messages that fail ${receives === undefined ? 'maxReceiveCount' : receives} receives to dead-letter queue ${index.name(dlq)}`,
    `the dead-letter queue ${index.name(dlq)} of queue ${index.name(queue)}`)];
}

function streamFailureAlarm(mapping: CfnResource, index: AppIndex): RuleResult {
  const { kind, fn } = eventSource(index, mapping);
  if ((kind !== 'dynamodb' && kind !== 'kinesis') || (fn && index.isCdkInternal(fn))) return NagRuleCompliance.NOT_APPLICABLE;
  const queue = queueOf(mapping, prop(mapping, 'DestinationConfig', 'OnFailure', 'Destination'), index);
  if (!queue) return NagRuleCompliance.NOT_APPLICABLE;
  if (watched(queue, index) || (fn && missingFunctionAlarms(fn, index).length === 0)) return NagRuleCompliance.COMPLIANT;
  return [failureQueueFinding(queue, index, 'Properties/DestinationConfig',
    `The stream event source ${index.name(mapping)}${fn ? ` of function ${index.name(fn)}` : ''} sends the records it gives up on to on-failure queue ${index.name(queue)}`,
    `the on-failure queue ${index.name(queue)} of stream event source ${index.name(mapping)}`)];
}

function asyncFailureAlarm(config: CfnResource, index: AppIndex): RuleResult {
  const fn = functionOf(index, config, prop(config, 'FunctionName'));
  if (fn && index.isCdkInternal(fn)) return NagRuleCompliance.NOT_APPLICABLE;
  const queue = queueOf(config, prop(config, 'DestinationConfig', 'OnFailure', 'Destination'), index);
  if (!queue) return NagRuleCompliance.NOT_APPLICABLE;
  if (watched(queue, index) || (fn && missingFunctionAlarms(fn, index).length === 0)) return NagRuleCompliance.COMPLIANT;
  const owner = fn ? `function ${index.name(fn)}` : index.name(config);
  return [failureQueueFinding(queue, index, 'Properties/DestinationConfig',
    `The asynchronous invocations of ${owner} send the events they fail on to on-failure destination ${index.name(queue)}`,
    `the on-failure queue ${index.name(queue)} of ${owner}'s asynchronous invocations`)];
}

function failureQueueFinding(queue: CfnResource, index: AppIndex, location: string, what: string, summary: string): Finding {
  return {
    location,
    summary,
    message: `${what}, and no CloudWatch alarm watches that queue's depth (ApproximateNumberOfMessagesVisible): failures pile up there unseen until its retention period deletes them. `
      + `Add an alarm on ${index.name(queue)}'s metricApproximateNumberOfMessagesVisible() > 0 (an ObservedQueue has one).`,
  };
}

/** The metrics among Errors and Throttles that no alarm watches for the function. */
function missingFunctionAlarms(fn: CfnResource, index: AppIndex): string[] {
  return FUNCTION_METRICS.filter(metric => {
    const c = alarmCoverage(index, metric);
    return !c.unknown && !c.all && !c.watched.has(fn);
  }).map(metric => metric.metricName);
}

function queueOf(from: CfnResource, value: unknown, index: AppIndex): CfnResource | undefined {
  return value === undefined ? undefined : targetOf(index, from, value, T.queue, SQS_ARN);
}

/** Whether an alarm watches the queue's depth (or the coverage cannot be judged). */
function watched(queue: CfnResource, index: AppIndex): boolean {
  const c = alarmCoverage(index, QUEUE_DEPTH);
  return c.unknown || c.all || c.watched.has(queue);
}
