import { CfnDeletionPolicy, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { testStack } from '../helpers';
import { fn, lines, lint } from './lint';

const RULE = 'RetainedVersions';

describe('RetainedVersions', () => {
  test('currentVersion retained on removal is a warning on the version, with the fix', () => {
    const stack = testStack();
    fn(stack, 'Fn', 10, { currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN } }).currentVersion;
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-RetainedVersions TestStack/Fn/CurrentVersion/Resource']);
    expect(findings[0].message).toContain('Version TestStack/Fn/CurrentVersion of function TestStack/Fn is kept when it is removed or replaced (DeletionPolicy Retain, UpdateReplacePolicy Retain)');
    expect(findings[0].message).toContain('75 GB code storage');
    expect(findings[0].message).toContain('currentVersionOptions: { removalPolicy: RemovalPolicy.DESTROY }');
  });

  test('versions deleted with the stack (the default) are fine', () => {
    const stack = testStack();
    fn(stack, 'Fn').currentVersion;
    new lambda.Version(stack, 'Explicit', { lambda: fn(stack, 'Other') });
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('L1 versions and raw overrides count', () => {
    const stack = testStack();
    const target = fn(stack, 'Fn');
    const l1 = new lambda.CfnVersion(stack, 'L1', { functionName: target.functionName });
    l1.cfnOptions.deletionPolicy = CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE;
    const raw = new lambda.CfnVersion(stack, 'Raw', { functionName: target.functionName });
    raw.addOverride('UpdateReplacePolicy', 'Retain');
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual([
      'warning ServerlessOps-RetainedVersions TestStack/L1',
      'warning ServerlessOps-RetainedVersions TestStack/Raw',
    ]);
    expect(findings[0].message).toContain('(DeletionPolicy RetainExceptOnCreate)');
    expect(findings[1].message).toContain('(UpdateReplacePolicy Retain)');
  });
});
