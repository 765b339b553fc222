import { App, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { stubCode } from '../stub';

/**
 * An ETL over EventBridge: new objects in a landing bucket are queued; an extract function
 * (reserved concurrency 2) starts a Fargate task per object; transform, load and observe functions
 * (reserved concurrency 2 for the first two) follow events on the default bus; load writes a table.
 * See SOURCE.md.
 */
export function build(app: App): void {
  const stack = new Stack(app, 'TheEventbridgeEtlStack');
  const THROTTLE = 2;
  const table = new dynamodb.Table(stack, 'TransformedData', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
  const bucket = new s3.Bucket(stack, 'LandingBucket', {});
  const queue = new sqs.Queue(stack, 'newObjectInLandingBucketEventQueue', { visibilityTimeout: Duration.seconds(300) });
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(queue));
  const putEvents = new iam.PolicyStatement({ effect: iam.Effect.ALLOW, resources: ['*'], actions: ['events:PutEvents'] });

  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const logging = new ecs.AwsLogDriver({ streamPrefix: 'TheEventBridgeETL', logRetention: logs.RetentionDays.ONE_WEEK });
  const cluster = new ecs.Cluster(stack, 'Ec2Cluster', { vpc });
  const task = new ecs.FargateTaskDefinition(stack, 'FargateTaskDefinition', { memoryLimitMiB: 512, cpu: 256 });
  task.addToTaskRolePolicy(putEvents);
  bucket.grantRead(task.taskRole);
  const container = task.addContainer('AppContainer', {
    image: ecs.ContainerImage.fromRegistry('corpus/s3-data-extraction-task'), // the app builds it from a Dockerfile
    logging,
    environment: { S3_BUCKET_NAME: bucket.bucketName, S3_OBJECT_KEY: '' },
  });

  const extract = new lambda.Function(stack, 'extractLambdaHandler', {
    runtime: lambda.Runtime.NODEJS_12_X,
    code: stubCode(),
    handler: 's3SqsEventConsumer.handler',
    reservedConcurrentExecutions: THROTTLE,
    environment: {
      CLUSTER_NAME: cluster.clusterName,
      TASK_DEFINITION: task.taskDefinitionArn,
      SUBNETS: JSON.stringify(vpc.privateSubnets.map(s => s.subnetId)),
      CONTAINER_NAME: container.containerName,
    },
  });
  queue.grantConsumeMessages(extract);
  extract.addEventSource(new SqsEventSource(queue, {}));
  extract.addToRolePolicy(putEvents);
  extract.addToRolePolicy(new iam.PolicyStatement({ effect: iam.Effect.ALLOW, actions: ['ecs:RunTask'], resources: [task.taskDefinitionArn] }));
  extract.addToRolePolicy(new iam.PolicyStatement({
    effect: iam.Effect.ALLOW, actions: ['iam:PassRole'], resources: [task.obtainExecutionRole().roleArn, task.taskRole.roleArn],
  }));

  const stage = (fnId: string, handler: string, ruleId: string, description: string, pattern: events.EventPattern, reserved?: number) => {
    const fn = new lambda.Function(stack, fnId, {
      runtime: lambda.Runtime.NODEJS_12_X, code: stubCode(), handler, timeout: Duration.seconds(3), reservedConcurrentExecutions: reserved,
    });
    new events.Rule(stack, ruleId, { description, eventPattern: pattern }).addTarget(new targets.LambdaFunction(fn));
    return fn;
  };
  stage('TransformLambdaHandler', 'transform.handler', 'transformRule', 'Data extracted from S3, Needs transformed',
    { source: ['cdkpatterns.the-eventbridge-etl'], detailType: ['s3RecordExtraction'], detail: { status: ['extracted'] } }, THROTTLE)
    .addToRolePolicy(putEvents);
  const load = stage('LoadLambdaHandler', 'load.handler', 'loadRule', 'Data transformed, Needs loaded into dynamodb',
    { source: ['cdkpatterns.the-eventbridge-etl'], detailType: ['transform'], detail: { status: ['transformed'] } }, THROTTLE);
  load.addEnvironment('TABLE_NAME', table.tableName);
  load.addToRolePolicy(putEvents);
  table.grantReadWriteData(load);
  stage('ObserveLambdaHandler', 'observe.handler', 'observeRule', 'all events are caught here and logged centrally',
    { source: ['cdkpatterns.the-eventbridge-etl'] });
}
