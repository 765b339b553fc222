import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { stubCode } from '../stub';

/** Reproduction: a lifecycle manager that re-queues what it cannot handle yet to the queue that triggers it; Lambda's loop detection stopped it. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'WorkerPoolStack');
  const queue = new sqs.Queue(stack, 'LifecycleQueue', { visibilityTimeout: Duration.seconds(300) });
  const fn = new lambda.Function(stack, 'LifecycleManager', {
    runtime: lambda.Runtime.PYTHON_3_12, handler: 'index.handler', code: stubCode(), timeout: Duration.seconds(30),
  });
  fn.addEventSource(new SqsEventSource(queue, { batchSize: 1 }));
  queue.grantSendMessages(fn);
}
