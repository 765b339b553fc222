import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { stubCode } from '../stub';

/** A function consumes a queue through an explicit event source mapping, with a role built from AWS managed policies. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'CdkStack');
  const queue = new sqs.Queue(stack, 'MySqsQueue');
  const role = new iam.Role(stack, 'QueueConsumerFunctionRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    managedPolicies: [
      iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaSQSQueueExecutionRole'),
      iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole'),
    ],
  });
  const fn = new lambda.Function(stack, 'QueueConsumerFunction', {
    code: stubCode(), runtime: lambda.Runtime.NODEJS_12_X, handler: 'app.handler', timeout: Duration.seconds(3), memorySize: 128, role,
  });
  new lambda.EventSourceMapping(stack, 'QueueConsumerFunctionMySQSEvent', { target: fn, batchSize: 10, eventSourceArn: queue.queueArn });
  new CfnOutput(stack, 'QueueConsumerFunctionName', { value: fn.functionName });
  new CfnOutput(stack, 'SQSqueueName', { value: queue.queueName });
  new CfnOutput(stack, 'SQSqueueARN', { value: queue.queueArn });
  new CfnOutput(stack, 'SQSqueueURL', { value: queue.queueUrl });
}
