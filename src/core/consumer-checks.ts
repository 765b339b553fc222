import { Names, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { invalidProp } from './errors';

/**
 * A function with reserved concurrency 0 never runs: every event of a source it consumes would be
 * throttled until it is dropped or dead-lettered. Tokens are not judged.
 */
export function checkConsumerCanRun(fn: lambda.Function, where: string): void {
  const cfn = fn.node.defaultChild as lambda.CfnFunction | undefined;
  const reserved = cfn?.reservedConcurrentExecutions;
  if (reserved === undefined || Token.isUnresolved(reserved) || reserved > 0) return;
  invalidProp(fn, 'reservedConcurrentExecutions', reserved, `allowed is at least 1 for a function wired by ${where}`,
    'With 0 the function never runs: every event would be throttled until it is dropped or dead-lettered.');
}

/**
 * The id of the construct that holds what the wiring creates for one source under `fn`: the
 * source's id, or, when another source of that id (under another parent) took it, one made unique
 * by the source's path.
 */
export function wiringId(fn: Construct, source: IConstruct, suffix: string): string {
  const plain = `${source.node.id}${suffix}`;
  const taken = fn.node.tryFindChild(plain);
  if (!taken) return plain;
  return `${Names.nodeUniqueId(source.node)}${suffix}`;
}
