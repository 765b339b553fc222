import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LambdaDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { testStack } from '../helpers';
import { fn, lines, lint, twoStacks } from './lint';

const RULE = 'CallerTimeout';

describe('CallerTimeout', () => {
  test('a caller allowed to invoke a callee with the same timeout is a warning on the caller, with both timeouts', () => {
    const stack = testStack();
    const caller = fn(stack, 'Caller', 10);
    fn(stack, 'Callee', 10).grantInvoke(caller);
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-CallerTimeout TestStack/Caller/Resource']);
    expect(findings[0].message).toContain('Function TestStack/Caller (timeout 10 s) may invoke function TestStack/Callee (timeout 10 s): lambda:InvokeFunction on <TestStack/Callee.Arn>');
    expect(findings[0].message).toContain('Give TestStack/Caller a timeout above 10 s plus its own work');
  });

  test('a callee with a shorter timeout is fine', () => {
    const stack = testStack();
    const caller = fn(stack, 'Caller', 10);
    fn(stack, 'Callee', 5).grantInvoke(caller);
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('grants on an alias or a version name the function', () => {
    const stack = testStack();
    const caller = fn(stack, 'Caller', 10);
    const callee = fn(stack, 'Callee', 30);
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: callee.currentVersion }).grantInvoke(caller);
    const findings = lint(stack, RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('may invoke function TestStack/Callee (timeout 30 s): lambda:InvokeFunction on <TestStack/Live>');
  });

  test('a wildcard invoke grant names no function and is not judged', () => {
    const stack = testStack();
    const caller = fn(stack, 'Caller', 10);
    fn(stack, 'Callee', 30);
    caller.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: ['*'] }));
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('the literal name of a function counts', () => {
    const stack = testStack();
    const caller = fn(stack, 'Caller', 10);
    fn(stack, 'Callee', 20, { functionName: 'pricing' });
    caller.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: ['arn:aws:lambda:us-east-1:123456789012:function:pricing'] }));
    expect(lines(lint(stack, RULE))).toEqual(['warning ServerlessOps-CallerTimeout TestStack/Caller/Resource']);
  });

  test('a timeout that is a token is not judged', () => {
    const stack = testStack();
    const p = new CfnParameter(stack, 'Seconds', { type: 'Number' });
    const caller = fn(stack, 'Caller', 10);
    fn(stack, 'Callee', 10, { timeout: Duration.seconds(p.valueAsNumber) }).grantInvoke(caller);
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('across stacks: the callee in one stack, the caller in another', () => {
    const { app, a, b } = twoStacks();
    const callee = fn(a, 'Callee', 60);
    callee.grantInvoke(fn(b, 'Caller', 30));
    const findings = lint(app, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-CallerTimeout B/Caller/Resource']);
    expect(findings[0].message).toContain('may invoke function A/Callee (timeout 60 s)');
  });
});

describe('CallerTimeout and destinations', () => {
  test('a function whose on-success destination is another function is not a synchronous caller of it (serverless-patterns lambda-destinations-cdk)', () => {
    const stack = testStack();
    const receiver = fn(stack, 'Receiver', 3);
    fn(stack, 'Sender', 3, { onSuccess: new LambdaDestination(receiver) });
    expect(lint(stack, 'CallerTimeout')).toEqual([]);
  });
});
