import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * A stack in an app that treats what aws-cdk-lib's in-process CloudFormation validation finds as
 * errors. The validation itself runs only inside `withSchemaValidation` (see test/setup-env.ts).
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

/**
 * Runs fn (which synthesizes) with aws-cdk-lib's in-process CloudFormation schema validation on;
 * test/setup-env.ts turns it off elsewhere, for speed.
 */
export function withSchemaValidation<T>(fn: () => T): T {
  const before = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'true';
  try {
    return fn();
  } finally {
    process.env.CDK_VALIDATION = before;
  }
}
