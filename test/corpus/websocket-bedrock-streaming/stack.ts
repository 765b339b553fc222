import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { stubBinary } from '../stub';

/** A WebSocket API whose connect, disconnect and default routes invoke one Rust function (60 s timeout) that streams Bedrock answers. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'BedrockStreamerStack');
  const fn = new lambda.Function(stack, 'BedrockStreamer', { // a RustFunction (cargo-lambda-cdk) in the app
    runtime: lambda.Runtime.PROVIDED_AL2023,
    handler: 'bootstrap',
    code: stubBinary(stack),
    architecture: lambda.Architecture.ARM_64,
    timeout: Duration.seconds(60),
  });
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModelWithResponseStream'], resources: ['*'] }));
  const api = new apigwv2.WebSocketApi(stack, 'WebSocketApi', {
    connectRouteOptions: { integration: new WebSocketLambdaIntegration('ConnectIntegration', fn) },
    disconnectRouteOptions: { integration: new WebSocketLambdaIntegration('DisconnectIntegration', fn) },
    defaultRouteOptions: { integration: new WebSocketLambdaIntegration('DefaultIntegration', fn) },
  });
  const stage = new apigwv2.WebSocketStage(stack, 'Stage', { webSocketApi: api, stageName: 'prod', autoDeploy: true });
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['execute-api:ManageConnections'],
    resources: [`arn:aws:execute-api:${stack.region}:${stack.account}:${api.apiId}/${stage.stageName}/*`],
  }));
  new CfnOutput(stack, 'WebSocketURL', { value: stage.url });
}
