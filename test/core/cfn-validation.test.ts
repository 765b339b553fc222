import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AccountConcurrencyMonitor, AlarmNotifications, CodeStorageMonitor, ObservedDashboard, ObservedFunction,
  ObservedHttpApi, ObservedQueue, ObservedRestApi, ObservedTable, ServiceHealth,
} from '../../src';
import { MINIMAL, testStack, withSchemaValidation } from '../helpers';

describe('templates pass aws-cdk-lib\'s in-process CloudFormation validation', () => {
  test('the check is live: an invalid property fails synth', () => {
    const stack = testStack();
    new CfnResource(stack, 'Bad', { type: 'AWS::SQS::Queue', properties: { NoSuchProperty: 1 } });
    expect(() => withSchemaValidation(() => (stack.node.root as App).synth())).toThrow(/NoSuchProperty/);
  });

  test('outside withSchemaValidation the tests skip it (test/setup-env.ts)', () => {
    const stack = testStack();
    new CfnResource(stack, 'Bad', { type: 'AWS::SQS::Queue', properties: { NoSuchProperty: 1 } });
    expect(() => (stack.node.root as App).synth()).not.toThrow();
  });

  test('every construct, wired together, synthesizes with validation on', () => {
    const stack = testStack();
    const app = stack.node.root as App;
    const platform = new Stack(app, 'Platform', { env: stack.environment === undefined ? undefined : { account: stack.account, region: stack.region } });
    AlarmNotifications.sendTo(app, new sns.Topic(platform, 'Alerts', { enforceSSL: true }));

    const queue = new ObservedQueue(stack, 'Queue');
    const worker = new ObservedFunction(stack, 'Worker', { ...MINIMAL, timeout: Duration.seconds(30), asyncFailureQueue: false });
    worker.consumeQueue(queue, { batchSize: 10, maxBatchingWindow: Duration.seconds(5), maxConcurrency: 5 });

    const table = new ObservedTable(stack, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    const projector = new ObservedFunction(stack, 'Projector', MINIMAL);
    projector.consumeTableStream(table);

    const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
    new ObservedFunction(stack, 'Thumbnailer', MINIMAL).consumeBucket(bucket, { inputPrefix: 'in/', outputPrefix: 'out/' });

    const api = new ObservedFunction(stack, 'Api', { ...MINIMAL, timeout: Duration.seconds(6), provisionedConcurrency: { executions: 1 } });
    new ObservedRestApi(stack, 'Rest', { defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM } })
      .addLambdaRoute('GET', '/items', api);
    new ObservedHttpApi(stack, 'Http', { allowUnauthenticatedAccess: true }).addLambdaRoute(apigwv2.HttpMethod.GET, '/items', api);

    new CodeStorageMonitor(platform, 'CodeStorage');
    new AccountConcurrencyMonitor(platform, 'Concurrency');
    new ServiceHealth(platform, 'Health');
    new ObservedDashboard(platform, 'Dashboard');

    const assembly = withSchemaValidation(() => app.synth());
    expect(assembly.stacks.map(s => s.stackName).sort()).toEqual(['Platform', 'TestStack']);
  });
});
