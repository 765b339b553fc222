import { createHash } from 'crypto';
import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

const MAX_NAME = 128;

/**
 * A readable API name that is unique in the account and region: `<stack name>-<path>`, e.g.
 * `OrdersService-Api`. REST API metrics are dimensioned by the API's name, so two APIs that share
 * a name (CDK names a RestApi after its construct id) would share their metrics and alarms.
 */
export function defaultApiName(scope: IConstruct, id: string): string {
  const stack = Stack.of(scope);
  const relative = scope.node.path.slice(stack.node.path.length).replace(/^\//, '');
  const parts = [...(Token.isUnresolved(stack.stackName) ? [] : [stack.stackName]), ...(relative ? relative.split('/') : []), id];
  const name = parts.join('-');
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${hash}-${name.slice(name.length - (MAX_NAME - hash.length - 1))}`;
}
