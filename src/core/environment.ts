import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The stack's account and region, as `account/region` (tokens shown as such). */
export function envOf(scope: IConstruct): string {
  const stack = Stack.of(scope);
  return `${Token.isUnresolved(stack.account) ? '(account unknown)' : stack.account}/${Token.isUnresolved(stack.region) ? '(region unknown)' : stack.region}`;
}

/** Whether two scopes are known to be in different accounts or regions (unknown: not judged). */
export function differentEnv(a: IConstruct, b: IConstruct): boolean {
  const x = Stack.of(a), y = Stack.of(b);
  const differs = (p: string, q: string) => !Token.isUnresolved(p) && !Token.isUnresolved(q) && p !== q;
  return differs(x.account, y.account) || differs(x.region, y.region);
}
