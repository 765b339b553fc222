import { App, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import { stubCode } from '../stub';

/**
 * Documents uploaded as .pdf, .png or .jpg invoke the alias of a durable function (15 min
 * timeout, 1 h durable execution) that runs Textract and Bedrock and writes a table. See SOURCE.md.
 */
export function build(app: App): void {
  const stack = new Stack(app, 'S3LambdaTextractBedrockDurableStack');
  const bucket = new s3.Bucket(stack, 'DocumentBucket', { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true, encryption: s3.BucketEncryption.S3_MANAGED });
  const table = new dynamodb.Table(stack, 'ResultsTable', {
    partitionKey: { name: 'documentKey', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY, billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  });
  const fn = new lambda.Function(stack, 'ProcessorFunction', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'processor.handler',
    code: stubCode(),
    timeout: Duration.minutes(15),
    memorySize: 512,
    logRetention: logs.RetentionDays.ONE_WEEK,
    environment: { RESULTS_TABLE_NAME: table.tableName, DOCUMENT_BUCKET_NAME: bucket.bucketName, BEDROCK_MODEL_ID: 'eu.amazon.nova-lite-v1:0' },
  });
  (fn.node.defaultChild as lambda.CfnFunction).addPropertyOverride('DurableConfig', { ExecutionTimeout: 3600, RetentionPeriodInDays: 3 });
  fn.role?.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicDurableExecutionRolePolicy'));
  bucket.grantRead(fn);
  table.grantWriteData(fn);
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['textract:StartDocumentTextDetection', 'textract:GetDocumentTextDetection'], resources: ['*'] }));
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['bedrock:InvokeModel'],
    resources: ['arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0', `arn:aws:bedrock:${stack.region}:${stack.account}:inference-profile/eu.amazon.nova-lite-v1:0`],
  }));
  const alias = new lambda.Alias(stack, 'ProcessorAlias', { aliasName: 'live', version: fn.currentVersion });
  for (const suffix of ['.pdf', '.png', '.jpg']) {
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(alias), { suffix });
  }
  new CfnOutput(stack, 'DocumentBucketName', { value: bucket.bucketName });
  new CfnOutput(stack, 'ResultsTableName', { value: table.tableName });
  new CfnOutput(stack, 'ProcessorFunctionName', { value: fn.functionName });
  new CfnOutput(stack, 'ProcessorFunctionArn', { value: fn.functionArn });
}
