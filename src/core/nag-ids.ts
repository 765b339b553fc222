import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The id under which cdk-nag's AwsSolutions-IAM5 reports a wildcard resource, so that a
 * construct can acknowledge exactly that finding and no other. cdk-nag writes CloudFormation
 * references flat: `{"Fn::GetAtt": ["Bucket", "Arn"]}` as `<Bucket.Arn>`, `{"Ref": "X"}` as
 * `<X>`, joins concatenated.
 */
export function wildcardResourceFindingId(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(flatten).join(v['Fn::Join'][0]);
    if (v['Fn::GetAtt']) return `<${flatten(v['Fn::GetAtt'][0])}.${flatten(v['Fn::GetAtt'][1])}>`;
    if (v.Ref) return `<${flatten(v.Ref)}>`;
  }
  return JSON.stringify(value);
}
