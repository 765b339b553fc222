import { App, Aws, CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import { stubCode } from '../stub';

/** Uploading <dataObject>.csv invokes a Python function that loads it into a table named by a parameter. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'S3LambdaDynamodbCdkStack');
  const dataObject = new CfnParameter(stack, 'dataObject', {
    type: 'String', description: 'Enter the name of the data object (For Example: product, customer, or order)', default: 'object',
  });
  const bucket = new s3.Bucket(stack, 's3-lambda-ddb-cdk', { removalPolicy: RemovalPolicy.DESTROY });
  const table = new dynamodb.Table(stack, 'objects', {
    tableName: dataObject.valueAsString,
    partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(stack, 'dataloadFnRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.assumeRolePolicy?.addStatements(new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('s3.amazonaws.com')], actions: ['sts:AssumeRole'] }));
  role.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyArn(stack, 'AWSLambdaBasicExecutionRole', 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'));
  role.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyArn(stack, 'AmazonS3ReadOnlyAccess', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'));
  role.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyArn(stack, 'AWSLambdaInvocation-DynamoDB', 'arn:aws:iam::aws:policy/AWSLambdaInvocation-DynamoDB'));
  role.addToPolicy(new iam.PolicyStatement({ actions: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'], resources: ['*'], effect: iam.Effect.ALLOW }));
  const fn = new lambda.Function(stack, 'dataload', {
    runtime: lambda.Runtime.PYTHON_3_7,
    handler: 'data-load.handler',
    code: stubCode(),
    role,
    environment: { bucket: bucket.bucketName, key: dataObject.valueAsString + '.csv', table: table.tableName },
    timeout: Duration.minutes(5),
  });
  fn.grantInvoke(new iam.ServicePrincipal('s3.amazonaws.com').withConditions({
    ArnLike: { 'aws:SourceArn': bucket.bucketArn }, StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
  }));
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), { prefix: dataObject.valueAsString + '.csv' });
  new CfnOutput(stack, 'Bucket Name', { value: bucket.bucketName });
}
