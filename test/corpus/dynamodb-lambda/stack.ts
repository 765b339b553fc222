import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { stubCode } from '../stub';

/** A function reads a table's stream (batches of 10, no retries) and is granted read-write access to that table. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'DynamoToLambdaCdkStack');
  const table = new dynamodb.Table(stack, 'DynamoTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    stream: dynamodb.StreamViewType.NEW_IMAGE,
  });
  const fn = new lambda.Function(stack, 'readStream', { // a NodejsFunction (esbuild) with its defaults in the app
    runtime: lambda.Runtime.NODEJS_LATEST, code: stubCode(), handler: 'index.handler',
  });
  table.grantReadWriteData(fn);
  fn.addEventSource(new DynamoEventSource(table, { startingPosition: lambda.StartingPosition.TRIM_HORIZON, batchSize: 10, retryAttempts: 0 }));
  new CfnOutput(stack, 'DynamoDbTableName', { value: table.tableName });
  new CfnOutput(stack, 'LambdaFunctionArn', { value: fn.functionArn });
}
