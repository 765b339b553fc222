import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { stubCode } from '../stub';

/** The outbox pattern: one function writes users, a second turns the table's stream into events on a bus, a third consumes them. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'EventbridgeOutboxPatternWithDdbStack');
  const bus = new events.EventBus(stack, 'MainBus', { eventBusName: 'MyMainBus' });
  const table = new dynamodb.Table(stack, 'UsersTable', {
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    removalPolicy: RemovalPolicy.DESTROY,
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    stream: dynamodb.StreamViewType.NEW_IMAGE,
  });
  const node = (id: string, environment?: Record<string, string>) => new lambda.Function(stack, id, { // NodejsFunctions in the app
    memorySize: 1024, timeout: Duration.seconds(5), runtime: lambda.Runtime.NODEJS_16_X, handler: 'index.handler', code: stubCode(), environment,
  });
  const writer = node('write-to-ddb', { TABLE_NAME: table.tableName });
  table.grantWriteData(writer);
  const toBus = node('streamToEventBridge', { TABLE_NAME: table.tableName, EVENT_BUS_NAME: bus.eventBusName });
  bus.grantPutEventsTo(toBus);
  toBus.addEventSource(new DynamoEventSource(table, { startingPosition: lambda.StartingPosition.LATEST, batchSize: 10 }));
  const consumer = node('userCreatedConsumer');
  new events.Rule(stack, 'UserCreatedRule', {
    description: 'Listen to all UserCreated events', eventPattern: { source: ['myapp.users'], detailType: ['UserCreated'] }, eventBus: bus,
  }).addTarget(new targets.LambdaFunction(consumer));
}
