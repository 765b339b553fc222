import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { serviceIntegrationApi } from '../service-integration';
import { stubCode } from '../stub';

/** API Gateway puts items into a table; a function consumes the table's stream. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'TheDynamoStreamerStack');
  const table = new dynamodb.Table(stack, 'TheDynamoStreamer', {
    partitionKey: { name: 'message', type: dynamodb.AttributeType.STRING },
    stream: dynamodb.StreamViewType.NEW_IMAGE,
  });
  const subscriber = new lambda.Function(stack, 'dynamoStreamSubscriberLambdaHandler', {
    runtime: lambda.Runtime.NODEJS_12_X, code: stubCode(), handler: 'lambda.handler', environment: {},
  });
  subscriber.addEventSource(new DynamoEventSource(table, { startingPosition: lambda.StartingPosition.LATEST }));

  const role = new iam.Role(stack, 'DefaultLambdaHanderRole', { assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com') });
  table.grantReadWriteData(role);
  serviceIntegrationApi(stack, 'DynamoStreamerAPI', {
    resource: 'InsertItem',
    method: 'POST',
    uri: 'arn:aws:apigateway:us-east-1:dynamodb:action/PutItem',
    role,
    formEncoded: false,
    errorPattern: '^[BadRequest].*',
    requestTemplate: JSON.stringify({ TableName: table.tableName, Item: { message: { S: "$input.path('$.message')" } } }),
  });
}
