import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { stubCode } from '../stub';

/** Reproduction: a 120 s function consuming a queue with SQS's default 30 s visibility; the deployment failed (CREATE_FAILED). See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'AutoBuilderStack');
  const dlq = new sqs.Queue(stack, 'jobsQueueDlq');
  const updates = new sqs.Queue(stack, 'JobUpdatesQueue', { deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
  const fn = new lambda.Function(stack, 'handleJobsLambda', {
    runtime: lambda.Runtime.NODEJS_18_X, handler: 'index.handler', code: stubCode(), timeout: Duration.seconds(120),
  });
  fn.addEventSource(new SqsEventSource(updates));
}
