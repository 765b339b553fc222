/**
 * A user's app that consumes cdk-observed from its packed tarball (see .ci/consumer-test.sh): every
 * public construct and method, the account monitors included, with the rule pack registered.
 * It is compiled with tsc against the package's .d.ts, then run with node; it proves what a user
 * gets from npm.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  AccountConcurrencyMonitor, AdoptAlarms, AlarmNotifications, AlarmSimulator, CodeStorageMonitor,
  ObservedDashboard, ObservedFunction, ObservedHttpApi, ObservedQueue, ObservedRestApi, ObservedTable,
  ServerlessOpsChecks, ServiceHealth, VersionCleanupMode,
} from 'cdk-observed';

const outdir = process.argv[2] ?? 'cdk.out';
const app = new App({ outdir, context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
Validations.of(app).addPlugins(new ServerlessOpsChecks());

const env = { region: 'us-east-1', account: '111111111111' };
const stack = new Stack(app, 'Orders', { env });
const platform = new Stack(app, 'Platform', { env });

AlarmNotifications.sendTo(app, new sns.Topic(platform, 'Alerts', { enforceSSL: true }));

const code = lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });');
const props = { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code };

// a queue consumer
const queue = new ObservedQueue(stack, 'Events');
const worker = new ObservedFunction(stack, 'Worker', { ...props, timeout: Duration.seconds(30), asyncFailureQueue: false });
worker.consumeQueue(queue, { batchSize: 10, maxBatchingWindow: Duration.seconds(5), maxConcurrency: 5 });

// a table stream consumer that writes back to its table
const table = new ObservedTable(stack, 'Table', {
  partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
});
const projector = new ObservedFunction(stack, 'Projector', { ...props, asyncFailureQueue: false });
projector.consumeTableStream(table);
table.grantWriteData(projector);

// a bucket consumer with separate input and output key spaces
const bucket = new s3.Bucket(stack, 'Uploads', { enforceSSL: true });
const thumbnailer = new ObservedFunction(stack, 'Thumbnailer', props);
thumbnailer.consumeBucket(bucket, { inputPrefix: 'uploads/', outputPrefix: 'thumbnails/' });

// both APIs, and provisioned concurrency behind the REST one
const apiHandler = new ObservedFunction(stack, 'ApiHandler', {
  ...props,
  timeout: Duration.seconds(6),
  provisionedConcurrency: { executions: 1 },
});
new ObservedRestApi(stack, 'RestApi', { defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM } })
  .addLambdaRoute('POST', '/orders', apiHandler);
new ObservedHttpApi(stack, 'HttpApi', { allowUnauthenticatedAccess: true })
  .addLambdaRoute(apigwv2.HttpMethod.GET, '/orders', apiHandler);

// plain L2s adopted
const legacy = new lambda.Function(stack, 'Legacy', { ...props, timeout: Duration.seconds(20), loggingFormat: lambda.LoggingFormat.JSON });
new sqs.Queue(stack, 'LegacyQueue', { enforceSSL: true });
legacy.node.addDependency(queue);
AdoptAlarms.applyTo(stack);

// account monitors, service health and the dashboard, in the platform stack
new CodeStorageMonitor(platform, 'CodeStorage', { versionCleanup: { mode: VersionCleanupMode.DRY_RUN } });
new AccountConcurrencyMonitor(platform, 'Concurrency');
new ServiceHealth(platform, 'Health');
new ObservedDashboard(platform, 'Dashboard');

const assembly = app.synth();

// the simulator reads what was synthesized
const template = path.join(assembly.directory, 'Orders.template.json');
const simulator = AlarmSimulator.fromTemplateFile(template);
const alarms = Object.values(JSON.parse(fs.readFileSync(template, 'utf8')).Resources as Record<string, { Type: string }>)
  .filter(r => r.Type === 'AWS::CloudWatch::Alarm').length;
if (alarms === 0 || !simulator) throw new Error('consumer: no alarms in the Orders stack');
console.log(`consumer app: ${assembly.stacks.map(s => s.stackName).join(', ')} synthesized; ${alarms} alarms in Orders`);
