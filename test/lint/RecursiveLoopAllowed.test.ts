import * as lambda from 'aws-cdk-lib/aws-lambda';
import { testStack } from '../helpers';
import { fn, lines, lint } from './lint';

const RULE = 'RecursiveLoopAllowed';

describe('RecursiveLoopAllowed', () => {
  test('RecursiveLoop Allow is a warning on the function, with the fix', () => {
    const stack = testStack();
    fn(stack, 'Fn', 10, { recursiveLoop: lambda.RecursiveLoop.ALLOW });
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-RecursiveLoopAllowed TestStack/Fn/Resource']);
    expect(findings[0].message).toContain('Function TestStack/Fn has RecursiveLoop set to Allow');
    expect(findings[0].message).toContain('Remove the setting (Terminate is the default)');
  });

  test('Terminate, or no setting, is fine', () => {
    const stack = testStack();
    fn(stack, 'Explicit', 10, { recursiveLoop: lambda.RecursiveLoop.TERMINATE });
    fn(stack, 'Default', 10);
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('L1s and raw overrides count', () => {
    const stack = testStack();
    new lambda.CfnFunction(stack, 'L1', { code: { zipFile: 'x' }, role: 'arn:aws:iam::123456789012:role/r', runtime: 'nodejs22.x', handler: 'index.handler', recursiveLoop: 'Allow' });
    const overridden = fn(stack, 'Overridden', 10);
    (overridden.node.defaultChild as lambda.CfnFunction).addPropertyOverride('RecursiveLoop', 'Allow');
    expect(lines(lint(stack, RULE))).toEqual([
      'warning ServerlessOps-RecursiveLoopAllowed TestStack/L1',
      'warning ServerlessOps-RecursiveLoopAllowed TestStack/Overridden/Resource',
    ]);
  });
});
