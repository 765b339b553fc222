import { App, CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { stubCode } from '../stub';

/** An HTTP API invokes an unreliable function that keeps its circuit-breaker state in a table. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'TheLambdaCircuitBreakerStack');
  const table = new dynamodb.Table(stack, 'CircuitBreakerTable', {
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY,
  });
  const fn = new lambda.Function(stack, 'UnreliableLambdaHandler', {
    runtime: lambda.Runtime.NODEJS_12_X, code: stubCode(), handler: 'unreliable.handler', environment: { CIRCUITBREAKER_TABLE: table.tableName },
  });
  table.grantReadWriteData(fn);
  const api = new apigwv2.HttpApi(stack, 'CircuitBreakerGateway', { defaultIntegration: new HttpLambdaIntegration('UnreliableIntegration', fn) });
  new CfnOutput(stack, 'HTTP API Url', { value: api.url ?? 'Something went wrong with the deploy' });
}
