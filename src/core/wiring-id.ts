import { Names } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

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
