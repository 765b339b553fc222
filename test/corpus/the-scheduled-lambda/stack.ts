import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { stubCode } from '../stub';

/** An EventBridge schedule invokes a function every 2 minutes that writes to a table. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'TheScheduledLambdaStack');
  const table = new dynamodb.Table(stack, 'RequestTable', {
    partitionKey: { name: 'requestid', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY,
  });
  const fn = new lambda.Function(stack, 'scheduledLambda', {
    runtime: lambda.Runtime.NODEJS_12_X, code: stubCode(), handler: 'index.handler', environment: { TABLE_NAME: table.tableName },
  });
  table.grantWriteData(fn);
  new events.Rule(stack, 'scheduledLambda-schedule', { schedule: events.Schedule.expression('rate(2 minutes)') })
    .addTarget(new targets.LambdaFunction(fn));
}
