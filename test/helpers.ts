import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * A stack in an app that validates templates against CloudFormation's schemas in-process and
 * treats what it finds as errors.
 */
export function testStack(id = 'TestStack'): Stack {
  const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
  return new Stack(app, id, { env: { account: '123456789012', region: 'us-east-1' } });
}

/** The three props a minimal function needs. */
export const MINIMAL = {
  runtime: lambda.Runtime.NODEJS_24_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({ ok: true });'),
};

/** Synthesizes the whole app (running its validations) and returns the stack's template. */
export function synth(stack: Stack): Template {
  return Template.fromStack(stack);
}
