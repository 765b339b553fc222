import { Aspects, Stack } from 'aws-cdk-lib';
import { Policy } from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';

/**
 * Runs `check` once the app is being prepared for synthesis, when every grant has been made
 * (grants written after the wiring call count too).
 */
export function whenPrepared(fn: lambda.Function, check: () => void): void {
  Aspects.of(fn).add({
    visit(node: IConstruct) {
      if (node === fn) check();
    },
  });
}

/**
 * Whether the function's role has an Allow statement with an action matching `action` on
 * exactly `resourceArn` (compared as resolved CloudFormation).
 */
export function mayPerform(fn: lambda.Function, action: (name: string) => boolean, resourceArn: string): boolean {
  const policy = fn.role?.node.tryFindChild('DefaultPolicy');
  if (!(policy instanceof Policy)) return false;
  const stack = Stack.of(fn);
  const arn = JSON.stringify(stack.resolve(resourceArn));
  const statements: Array<{ Action?: string | string[]; Resource?: unknown; Effect?: string }> =
    stack.resolve(policy.document).Statement ?? [];
  return statements.some(s => s.Effect === 'Allow'
    && [s.Action].flat().some(a => typeof a === 'string' && action(a))
    && [s.Resource].flat().some(r => JSON.stringify(r) === arn));
}
