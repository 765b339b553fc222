import { App, CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { stubCode } from '../stub';

/**
 * Per table of its config (one table as shipped): a queue with a dead-letter queue after 1 receive,
 * consumed one message at a time (maximum concurrency 10) by a function that writes the table.
 * See SOURCE.md.
 */
export function build(app: App): void {
  const stack = new Stack(app, 'SqsLambdaDynamoStack');
  const config = [{ name: 'SampleTable1', writeCapacity: 5, sqsMaxConcurrency: 10, retryAttempts: 1, lambdaRetryAttempts: 0 }];
  for (const t of config) {
    const table = new dynamodb.Table(stack, t.name, {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      writeCapacity: t.writeCapacity,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const dlq = new sqs.Queue(stack, `${t.name}-DLQ`, { encryption: sqs.QueueEncryption.SQS_MANAGED });
    const queue = new sqs.Queue(stack, `${t.name}-Queue`, {
      deadLetterQueue: { maxReceiveCount: t.retryAttempts, queue: dlq }, encryption: sqs.QueueEncryption.SQS_MANAGED,
    });
    const key = new kms.Key(stack, `${t.name}-LambdaEnvKey`, { removalPolicy: RemovalPolicy.DESTROY });
    const fn = new lambda.Function(stack, `${t.name}-Lambda`, {
      runtime: lambda.Runtime.NODEJS_24_X,
      code: stubCode(),
      handler: 'index.handler',
      environment: { DESTINATION_TABLE_NAME: table.tableName },
      environmentEncryption: key,
      retryAttempts: t.lambdaRetryAttempts,
    });
    key.grantDecrypt(fn);
    table.grantWriteData(fn);
    fn.addEventSource(new SqsEventSource(queue, { batchSize: 1, maxConcurrency: t.sqsMaxConcurrency }));
    new CfnOutput(stack, `${t.name}-Queue-URL`, { value: queue.queueUrl });
  }
}
