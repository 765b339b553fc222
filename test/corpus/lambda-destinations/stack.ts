import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LambdaDestination, SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { stubCode } from '../stub';

/** An asynchronously invoked sender with no retries: success goes to a receiver function, failure to a queue. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'AsyncFunctionStack');
  const receiver = new lambda.Function(stack, 'RecieverFunction', { code: stubCode(), runtime: lambda.Runtime.NODEJS_16_X, handler: 'reciever.handler' });
  const dlq = new sqs.Queue(stack, 'MyDLQQueue');
  const sender = new lambda.Function(stack, 'SenderFunction', {
    code: stubCode(),
    runtime: lambda.Runtime.NODEJS_16_X,
    handler: 'senderDestination.handler',
    retryAttempts: 0,
    onSuccess: new LambdaDestination(receiver),
    onFailure: new SqsDestination(dlq),
  });
  new CfnOutput(stack, 'SenderFunctionName', { value: sender.functionName });
}
