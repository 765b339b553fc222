import { App, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { stubCode } from '../stub';

/** Reproduction: provisioned concurrency on an alias while the API route invokes the unqualified function, so it stays cold. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'ApiStack');
  const fn = new lambda.Function(stack, 'Handler', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: stubCode() });
  new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion, provisionedConcurrentExecutions: 2 });
  const api = new apigwv2.HttpApi(stack, 'Api');
  api.addRoutes({ path: '/', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('HandlerIntegration', fn) });
}
