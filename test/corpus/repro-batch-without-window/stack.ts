import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { stubCode } from '../stub';

/**
 * Reproduction: an SQS event source with a batch size of 1000 that reached CloudFormation without
 * its batching window, and Lambda refused it ("Maximum batch window in seconds must be greater
 * than 0 if maximum batch size is greater than 10"). aws-cdk-lib's SqsEventSource refuses such a
 * source at synth, so the mapping is an L1, as a framework or an override produces it. See SOURCE.md.
 */
export function build(app: App): void {
  const stack = new Stack(app, 'BatchStack');
  const queue = new sqs.Queue(stack, 'myQueue', { queueName: 'MyQueueName', visibilityTimeout: Duration.seconds(5400), receiveMessageWaitTime: Duration.seconds(20) });
  const fn = new lambda.Function(stack, 'myFunction', { runtime: lambda.Runtime.NODEJS_12_X, handler: 'index.handler', code: stubCode(), timeout: Duration.seconds(900) });
  queue.grantConsumeMessages(fn);
  new lambda.CfnEventSourceMapping(stack, 'myFunctionEventSourceMappingSQSMyQueue', { eventSourceArn: queue.queueArn, functionName: fn.functionName, batchSize: 1000 });
}
