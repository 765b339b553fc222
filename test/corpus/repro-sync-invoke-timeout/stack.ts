import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { stubCode } from '../stub';

/** Reproduction: an API function that invokes another function with RequestResponse and times out at Lambda's default 3 s, the callee's own timeout. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'CallsStack');
  const aggregate = new lambda.Function(stack, 'aggregate', { functionName: 'aggregate', runtime: lambda.Runtime.PYTHON_3_12, handler: 'index.lambda_handler', code: stubCode() });
  const webhook = new lambda.Function(stack, 'webhook', { runtime: lambda.Runtime.PYTHON_3_12, handler: 'index.lambda_handler', code: stubCode() });
  aggregate.grantInvoke(webhook);
  new apigw.LambdaRestApi(stack, 'Api', { handler: webhook });
}
