import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { stubCode } from '../stub';

/** An HTTP API's default route invokes a function that counts hits in a table. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'TheSimpleWebserviceStack');
  const table = new dynamodb.Table(stack, 'Hits', { partitionKey: { name: 'path', type: dynamodb.AttributeType.STRING } });
  const fn = new lambda.Function(stack, 'DynamoLambdaHandler', {
    runtime: lambda.Runtime.NODEJS_12_X, code: stubCode(), handler: 'lambda.handler', environment: { HITS_TABLE_NAME: table.tableName },
  });
  table.grantReadWriteData(fn);
  const api = new apigwv2.HttpApi(stack, 'Endpoint', { defaultIntegration: new HttpLambdaIntegration('DynamoLambdaIntegration', fn) });
  new CfnOutput(stack, 'HTTP API Url', { value: api.url ?? 'Something went wrong with the deploy' });
}
