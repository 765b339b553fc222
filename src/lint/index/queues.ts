import { CfnResource } from 'aws-cdk-lib';
import { AppIndex, memo } from '../app-index';
import { T } from '../resource-types';
import { member, prop, readJson, UNKNOWN } from '../values';
import { targetOf } from './names';

/** A queue's dead-letter queue, from its redrive policy: undefined without one, UNKNOWN when it cannot be traced. */
export const deadLetterQueueOf = memo((index: AppIndex, queue: CfnResource): CfnResource | typeof UNKNOWN | undefined => {
  const raw = prop(queue, 'RedrivePolicy');
  if (raw === undefined) return undefined;
  const target = member(readJson(queue, raw), 'deadLetterTargetArn');
  if (target === undefined || target === UNKNOWN) return UNKNOWN;
  return targetOf(index, queue, target, T.queue, /^arn:[^:]*:sqs:[^:]*:[^:]*:(.+)$/) ?? UNKNOWN;
});
