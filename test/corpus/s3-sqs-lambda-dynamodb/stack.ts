import { App, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { stubCode } from '../stub';

/** New objects are queued; a Python function reads them from the bucket and writes a table. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'MyCdkProjectStack');
  const bucket = new s3.Bucket(stack, 'MyBucket', { removalPolicy: RemovalPolicy.DESTROY });
  const queue = new sqs.Queue(stack, 'MyQueue', { visibilityTimeout: Duration.seconds(300) });
  bucket.addObjectCreatedNotification(new s3n.SqsDestination(queue));
  const table = new dynamodb.Table(stack, 'EmployeeInfoTable', {
    tableName: 'employeeInfoNew', partitionKey: { name: 'email', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY,
  });
  const fn = new lambda.Function(stack, 'MyLambdaFunction', { runtime: lambda.Runtime.PYTHON_3_8, handler: 'index.lambda_handler', code: stubCode() });
  fn.addEventSource(new SqsEventSource(queue));
  fn.addToRolePolicy(new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ['s3:GetObject'], resources: [bucket.bucketArn + '/*'] }));
  table.grantReadWriteData(fn);
  new CfnOutput(stack, 'BucketNameOutput', { value: bucket.bucketName });
  new CfnOutput(stack, 'QueueNameOutput', { value: queue.queueName });
  new CfnOutput(stack, 'TableNameOutput', { value: table.tableName });
  new CfnOutput(stack, 'FunctionNameOutput', { value: fn.functionName });
}
