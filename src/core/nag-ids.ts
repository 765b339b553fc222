import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The id under which cdk-nag's AwsSolutions-IAM5 reports a wildcard resource, e.g.
 * `AwsSolutions-IAM5[Resource::<Bucket.Arn>/uploads/*]`, so that a construct acknowledges exactly
 * the wildcards it creates and never the rule as a whole. cdk-nag writes the resolved value flat:
 * strings kept (`${X}` as `<X>`), `{ Ref: X }` as `<X>`, `{ Fn::GetAtt: [R, A] }` as `<R.A>`,
 * joins concatenated.
 */
export function wildcardResourceFindingId(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

function flatten(node: unknown): string {
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (Array.isArray(o['Fn::Join'])) {
      const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (o['Fn::Sub'] !== undefined) return flatten(o['Fn::Sub']);
    if (Array.isArray(o['Fn::GetAtt'])) {
      const [resource, attribute] = o['Fn::GetAtt'] as unknown[];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (o.Ref !== undefined) return `<${flatten(o.Ref)}>`;
  }
  return JSON.stringify(node);
}
