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
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  AccountConcurrencyMonitor, AdoptAlarms, AlarmNotifications, AlarmSimulator, CodeStorageMonitor,
  ObservedDashboard, ObservedDefaults, ObservedFunction, ObservedHttpApi, ObservedQueue, ObservedRestApi, ObservedTable,
  ServerlessOpsChecks, ServiceHealth, VersionCleanupMode,
} from 'cdk-observed';

const outdir = process.argv[2] ?? 'cdk.out';
const app = new App({ outdir, context: { '@aws-cdk/core:validateAgainstDefaultRules': true, 'aws:cdk:enable-path-metadata': true } });
Validations.of(app).addPlugins(new ServerlessOpsChecks());

const env = { region: 'us-east-1', account: '111111111111' };
// the team's shared key and topic; the service; the account-wide monitors and the service health
const shared = new Stack(app, 'Shared', { env });
const stack = new Stack(app, 'Orders', { env });
const platform = new Stack(app, 'Platform', { env });

// the organization's setting for Control Tower: a year of logs, encrypted with a key of each stack
// (cfn-guard's static CT.CLOUDWATCH.PR.3 rule does not accept a key imported from another stack)
ObservedDefaults.configure(app, { logRetention: logs.RetentionDays.ONE_YEAR });
for (const s of [shared, stack, platform]) {
  ObservedDefaults.configure(s, { logRetention: logs.RetentionDays.ONE_YEAR, encryptionKey: new kms.Key(s, 'LogsKey', { enableKeyRotation: true }) });
}
const alertsKey = new kms.Key(shared, 'AlertsKey', { enableKeyRotation: true });
AlarmNotifications.sendTo(app, new sns.Topic(shared, 'Alerts', { enforceSSL: true, masterKey: alertsKey }));

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
new ObservedHttpApi(stack, 'HttpApi', { defaultAuthorizer: new HttpIamAuthorizer() })
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
if (alarms === 0) throw new Error('consumer: no alarms in the Orders stack');
// a quiet hour: every alarm of the stack is read and evaluated, and none fires
const quiet = simulator.simulate({ minutes: 60, series: [] });
if (quiet.alarms.length !== alarms) throw new Error(`consumer: the simulator read ${quiet.alarms.length} of ${alarms} alarms`);
const fired = quiet.alarms.filter(a => a.firstAlarmMinute !== undefined).map(a => a.alarmName);
if (fired.length > 0) throw new Error(`consumer: alarms fired on a quiet hour: ${fired.join(', ')}`);
console.log(`consumer app: ${assembly.stacks.map(s => s.stackName).join(', ')} synthesized; ${alarms} alarms in Orders`);

// AWS Control Tower's proactive controls (their cfn-guard rules) on every template, nested ones
// included: what the library creates breaks none, except the controls the README leaves to the user
// (functions in a VPC: CT.LAMBDA.PR.3) or to deploy time (CT.LAMBDA.PR.2: the rule cannot resolve
// API Gateway's Fn::Join source ARN). The user's own resources here are not judged.
const USER_PATHS = ['Shared/', 'Orders/LogsKey/', 'Platform/LogsKey/', 'Orders/Uploads/', 'Orders/Legacy/', 'Orders/LegacyQueue/'];
// CT.KMS.PR.1 and PR.3 judge the user's keys (rotation, grants): the report cannot always name the key
const LEFT_TO_USER = ['CT.LAMBDA.PR.3', 'CT.LAMBDA.PR.2', 'CT.KMS.PR.1', 'CT.KMS.PR.3'];
const templatePaths = fs.readdirSync(assembly.directory).filter(f => f.endsWith('.template.json')).map(f => path.join(assembly.directory, f));
const report = new CfnGuardValidator({ controlTowerRulesEnabled: true }).validate({ templatePaths } as any);
const broken: string[] = [];
for (const v of report.violations) {
  const control = /\[(CT\.[A-Z0-9.]+)\]/.exec(v.description)?.[1] ?? v.ruleName;
  if (LEFT_TO_USER.includes(control)) continue;
  for (const r of v.violatingResources) {
    const template = JSON.parse(fs.readFileSync(r.templatePath, 'utf8'));
    const where: string = template.Resources?.[r.resourceLogicalId ?? '']?.Metadata?.['aws:cdk:path'] ?? `${path.basename(r.templatePath)}/${r.resourceLogicalId}`;
    if (!USER_PATHS.some(p => where.startsWith(p))) broken.push(`${control} ${where}`);
  }
}
if (broken.length > 0) throw new Error(`consumer: Control Tower controls broken by what the library creates:\n  ${broken.join('\n  ')}`);
console.log(`consumer app: Control Tower proactive controls pass on what the library creates (${templatePaths.length} templates)`);
