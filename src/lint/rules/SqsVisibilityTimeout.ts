import { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { requiredVisibilityTimeoutSeconds, SQS_DEFAULT_VISIBILITY_SECONDS } from '../../core/limits';
import { AppIndex } from '../app-index';
import { RuleResult } from '../engine';
import { eventSource } from '../index/event-sources';
import { describeTimeout, timeoutSeconds } from '../index/functions';
import { T } from '../resource-types';
import { numberValue, prop } from '../values';


/**
 * An SQS event source mapping whose queue's visibility timeout is below 6x the function's
 * timeout plus the batching window (AWS's guidance for Lambda consumers): an error when it is
 * below the function's timeout itself (Lambda then refuses the event source, and the deployment
 * fails), a warning otherwise (the guidance). Reported on the mapping;
 * the queue may be in another stack. Values that are tokens are not judged; absent values are
 * the services' defaults (30 s visibility, 3 s timeout, no window).
 */
export function SqsVisibilityTimeout(node: CfnResource, index: AppIndex): RuleResult {
  if (node.cfnResourceType !== T.eventSourceMapping) return NagRuleCompliance.NOT_APPLICABLE;
  const { kind, source: queue, fn } = eventSource(index, node);
  if (kind !== 'sqs' || !queue || !fn || index.isCdkInternal(fn)) return NagRuleCompliance.NOT_APPLICABLE;
  const timeout = timeoutSeconds(fn);
  const windowRaw = prop(node, 'MaximumBatchingWindowInSeconds');
  const window = windowRaw === undefined ? 0 : numberValue(node, windowRaw);
  const visibilityRaw = prop(queue, 'VisibilityTimeout');
  const visibility = visibilityRaw === undefined ? SQS_DEFAULT_VISIBILITY_SECONDS : numberValue(queue, visibilityRaw);
  if (timeout === undefined || window === undefined || visibility === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const required = requiredVisibilityTimeoutSeconds(timeout, window);
  if (visibility >= required) return NagRuleCompliance.COMPLIANT;
  const refused = visibility < timeout;
  return [{
    location: 'Properties/EventSourceArn',
    level: refused ? NagMessageLevel.ERROR : NagMessageLevel.WARN,
    message: `Queue ${index.name(queue)} has a visibility timeout of ${visibility} s${visibilityRaw === undefined ? " (SQS's default)" : ''}, `
      + `below the ${required} s its consumer ${index.name(fn)} needs (6 x the function's ${describeTimeout(fn)} timeout + ${window} s batching window). `
      + (refused ? 'It is even below the function\'s timeout: Lambda refuses such an event source, and the deployment fails. ' : '')
      + 'A message becomes visible again while its batch is still being processed, or retried after throttling, so it is delivered twice and its receives count toward maxReceiveCount. '
      + `Set the visibility timeout of ${index.name(queue)} to at least ${required} s, or lower the function's timeout.`,
  }];
}
