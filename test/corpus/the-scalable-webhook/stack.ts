import { App, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { stubCode } from '../stub';

/** A REST API function queues messages; a subscriber throttled to 2 concurrent invocations writes them to a table. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'TheScalableWebhookStack');
  const table = new dynamodb.Table(stack, 'Messages', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
  const queue = new sqs.Queue(stack, 'RDSPublishQueue', { visibilityTimeout: Duration.seconds(300) });
  const publish = new lambda.Function(stack, 'SQSPublishLambdaHandler', {
    runtime: lambda.Runtime.NODEJS_12_X, code: stubCode(), handler: 'lambda.handler', environment: { queueURL: queue.queueUrl },
  });
  queue.grantSendMessages(publish);
  const subscribe = new lambda.Function(stack, 'SQSSubscribeLambdaHandler', {
    runtime: lambda.Runtime.NODEJS_12_X,
    code: stubCode(),
    handler: 'lambda.handler',
    reservedConcurrentExecutions: 2,
    environment: { queueURL: queue.queueUrl, tableName: table.tableName },
  });
  queue.grantConsumeMessages(subscribe);
  subscribe.addEventSource(new SqsEventSource(queue, {}));
  table.grantReadWriteData(subscribe);
  new apigw.LambdaRestApi(stack, 'Endpoint', { handler: publish });
}
