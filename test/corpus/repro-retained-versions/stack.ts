import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { stubCode } from '../stub';

/** Reproduction: a function whose published versions are retained on every deployment until "Code storage limit exceeded" fails one. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'NavigatorApiStack');
  const fn = new lambda.Function(stack, 'HealthCheckLambda', {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: 'index.handler',
    code: stubCode(),
    currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
  });
  new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
}
