import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { stubCode } from '../stub';

/**
 * Reproduction: a request handler that re-queues requests to its own queue on purpose; Lambda's
 * loop detection stops it after 16 rounds, and the way to keep it running is RecursiveLoop Allow,
 * which takes away the only stop. See SOURCE.md.
 */
export function build(app: App): void {
  const stack = new Stack(app, 'AssetTrackerStack');
  const queue = new sqs.Queue(stack, 'deviceRequestQueue', { visibilityTimeout: Duration.seconds(60) });
  const fn = new lambda.Function(stack, 'deviceRequestHandler', {
    runtime: lambda.Runtime.NODEJS_20_X,
    handler: 'index.handler',
    code: stubCode(),
    timeout: Duration.seconds(10),
    recursiveLoop: lambda.RecursiveLoop.ALLOW,
  });
  fn.addEventSource(new SqsEventSource(queue));
  queue.grantSendMessages(fn);
}
