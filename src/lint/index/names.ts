import { CfnResource } from 'aws-cdk-lib';
import { AppIndex, memo } from '../app-index';
import { LiteralArn } from '../iam';
import { ResourceType, T } from '../resource-types';
import { parts, prop, refOfParts, stringValue } from '../values';

/** The CloudFormation property that holds a resource type's physical name. */
const NAME_PROPS: Partial<Record<ResourceType, string>> = {
  [T.function]: 'FunctionName',
  [T.queue]: 'QueueName',
  [T.topic]: 'TopicName',
  [T.table]: 'TableName',
  [T.globalTable]: 'TableName',
  [T.stream]: 'Name',
  [T.bucket]: 'BucketName',
  [T.role]: 'RoleName',
};

/** The resources of a type by their literal physical name. */
const namesOf = memo((index: AppIndex, type: ResourceType) => {
  const map = new Map<string, CfnResource>();
  const nameProp = NAME_PROPS[type];
  if (nameProp) {
    for (const r of index.ofType(type)) {
      const n = stringValue(r, prop(r, nameProp));
      if (n !== undefined) map.set(n, r);
    }
  }
  return map;
});

/** A resource of `type` whose physical name is the literal `name`. */
export function byName(index: AppIndex, type: ResourceType, name: string): CfnResource | undefined {
  return namesOf(index, type).get(name);
}

/** The literal ARN pieces of a resource whose physical name is a literal, to compare with ARN patterns. */
export function literalArn(r: CfnResource): LiteralArn | undefined {
  const nameProp = NAME_PROPS[r.cfnResourceType as ResourceType];
  const name = nameProp ? stringValue(r, prop(r, nameProp)) : undefined;
  if (name === undefined) return undefined;
  switch (r.cfnResourceType) {
    case T.queue: return { service: 'sqs', resource: name };
    case T.topic: return { service: 'sns', resource: name };
    case T.table: case T.globalTable: return { service: 'dynamodb', resource: `table/${name}` };
    case T.stream: return { service: 'kinesis', resource: `stream/${name}` };
    case T.bucket: return { service: 's3', resource: name };
    case T.function: return { service: 'lambda', resource: `function:${name}` };
    default: return undefined;
  }
}

/** The resource of `type` a value refers to: a reference, or a literal name/ARN matched by `pattern` (group 1: the name). */
export function targetOf(index: AppIndex, from: CfnResource, value: unknown, type: ResourceType, pattern: RegExp): CfnResource | undefined {
  const p = parts(from, value);
  const ref = refOfParts(p);
  if (ref) return ref.resource.cfnResourceType === type ? ref.resource : undefined;
  if (p.length !== 1 || typeof p[0] !== 'string') return undefined;
  const m = pattern.exec(p[0]);
  return m ? byName(index, type, m[1]) : undefined;
}
