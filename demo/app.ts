/**
 * The demo: a small orders service written the way a user of cdk-observed would write it.
 *
 *   POST /orders  -> ApiHandler (ObservedFunction) -> Orders table, and an event on the queue
 *   OrderEvents (ObservedQueue, with its DLQ) -> Worker (ObservedFunction), partial batch responses
 *
 * Every alarm notifies the Alerts topic. Synthesize it with `npm run demo` (or `npx cdk synth`).
 */
import { App, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmNotifications, ObservedFunction, ObservedQueue, ObservedRestApi, ObservedTable, ServerlessOpsChecks } from '../src';

// Stand-ins for your bundled handler code.
const API_CODE = `
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');
const db = new DynamoDBClient({});
const sqs = new SQSClient({});
exports.handler = async (event) => {
  const order = { id: Date.now().toString(36), ...JSON.parse(event.body ?? '{}') };
  await db.send(new PutItemCommand({ TableName: process.env.TABLE_NAME, Item: { pk: { S: order.id } } }));
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: JSON.stringify(order) }));
  return { statusCode: 201, body: JSON.stringify(order) };
};`;
const WORKER_CODE = `
exports.handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    try { console.log(JSON.stringify({ msg: 'order processed', order: JSON.parse(record.body) })); }
    catch (e) { batchItemFailures.push({ itemIdentifier: record.messageId }); }
  }
  return { batchItemFailures };
};`;

class OrdersService extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const alerts = new sns.Topic(this, 'Alerts', { enforceSSL: true });
    AlarmNotifications.sendTo(this, alerts);

    const orders = new ObservedTable(this, 'Orders', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    });

    const worker = new ObservedFunction(this, 'Worker', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(WORKER_CODE),
      timeout: Duration.seconds(30),
      // only ever invoked by the queue: failed messages go to the queue's dead-letter queue
      asyncFailureQueue: false,
    });
    // consumeQueue gives the queue the visibility timeout the worker needs (6 x 30 s + 5 s)
    const events = new ObservedQueue(this, 'OrderEvents');
    worker.consumeQueue(events, {
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(5),
      maxConcurrency: 10,
    });

    const apiHandler = new ObservedFunction(this, 'ApiHandler', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(API_CODE),
      // well below API Gateway's 29-second integration timeout
      timeout: Duration.seconds(6),
      environment: { TABLE_NAME: orders.tableName, QUEUE_URL: events.queueUrl },
      alarms: {
        // an API is judged by its tail latency: alarm earlier than the default 80 %
        durationP99PercentOfTimeout: { threshold: 60 },
      },
    });
    orders.grantWriteData(apiHandler);
    events.grantSendMessages(apiHandler);

    // Regional, JSON access logs, X-Ray, stage throttling, 5XX and latency alarms; callers sign
    // their requests (IAM), and the handler's timeout is checked against the integration's
    const api = new ObservedRestApi(this, 'Api', {
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
    });
    api.addLambdaRoute('POST', '/orders', apiHandler);

    // A function written before the team adopted cdk-observed: the lint pack reports what it lacks.
    new lambda.Function(this, 'LegacyReport', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ rows: [] });'),
      timeout: Duration.seconds(30),
      memorySize: 512,
    });
  }
}

const app = new App();
// the lint pack reports, at synth, what no default can prevent (errors fail the synth)
Validations.of(app).addPlugins(new ServerlessOpsChecks());
new OrdersService(app, 'OrdersService', { env: { region: process.env.AWS_REGION ?? 'us-east-1' } });
app.synth();
