/**
 * A user's app that consumes cdk-observed from its packed tarball (see .ci/consumer-test.sh): every
 * public construct and method, the account monitors included, with the rule pack registered.
 * It is compiled with tsc against the package's .d.ts, then run with node; it proves what a user
 * gets from npm.
 *
 * It also proves what a monorepo gets: the app loads two copies of cdk-observed, its own (`A`) and
 * the one a local library package carries in its own node_modules (`shared-constructs`, `B`), with
 * one aws-cdk-lib, constructs and cdk-nag for both. The same app is built twice: once with copy A
 * doing everything, once with the constructs, settings and aspects split between the copies (each
 * interaction crosses copies: a function of B behind an API of A, a queue of A consumed by a
 * function of B, settings of A governing alarms made by B, the service-health alarm and dashboard
 * of A collecting B's alarms, A's rule pack judging B's resources, B adopting plain resources). The
 * templates, the rule pack's reports, a refusal and the simulator's results must be identical.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, IPolicyValidationContext, PolicyValidationPluginReport, Stack, Validations } from 'aws-cdk-lib';
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
import * as A from 'cdk-observed';
import { observed as SharedCopy, observedPath } from 'shared-constructs';

/** A copy of cdk-observed, typed by the declarations of the second copy (so tsc checks that types cross copies). */
type Copy = typeof SharedCopy;

const outdir = process.argv[2] ?? 'cdk.out';
const env = { region: 'us-east-1', account: '111111111111' };
const code = lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });');
const props = { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code };

function fail(message: string): never {
  console.error(`consumer: ${message}`);
  throw new Error(`consumer: ${message}`);
}

// two copies of cdk-observed, one aws-cdk-lib
const appCopy = require.resolve('cdk-observed');
if (appCopy === observedPath || (SharedCopy.ObservedFunction as unknown) === A.ObservedFunction) {
  fail(`shared-constructs loaded the app's copy of cdk-observed (${appCopy}); the test needs two`);
}
for (const peer of ['aws-cdk-lib', 'constructs', 'cdk-nag']) {
  const fromA = require.resolve(peer, { paths: [path.dirname(appCopy)] });
  const fromB = require.resolve(peer, { paths: [path.dirname(observedPath)] });
  if (fromA !== fromB) fail(`the two copies of cdk-observed load two copies of ${peer}: ${fromA} and ${fromB}`);
}
console.log(`consumer app: two copies of cdk-observed (${path.relative(process.cwd(), appCopy)}, ${path.relative(process.cwd(), observedPath)}), one aws-cdk-lib`);

/**
 * The rule pack of copy A, keeping a copy of the report it gave aws-cdk-lib (acknowledged findings
 * included: aws-cdk-lib moves them out of the report it was given).
 */
class RecordingChecks extends A.ServerlessOpsChecks {
  public last?: PolicyValidationPluginReport;
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = super.validate(context);
    this.last = JSON.parse(JSON.stringify(report));
    return report;
  }
}

/** The app, with `B` making what copy B makes in the monorepo (copy A itself for the one-copy build). */
function build(dir: string, B: Copy) {
  const app = new App({ outdir: dir, context: { '@aws-cdk/core:validateAgainstDefaultRules': true, 'aws:cdk:enable-path-metadata': true } });
  const checks = new RecordingChecks();
  Validations.of(app).addPlugins(checks);

  // the team's shared key and topics; the service; a billing service whose alarms live in nested
  // stacks; the account-wide monitors and the service health
  // (the platform stack comes first in the tree: its service-health alarm and dashboard collect
  // the alarms that AdoptAlarms adds to the later Orders stack, whatever order aspects run in)
  const shared = new Stack(app, 'Shared', { env });
  const platform = new Stack(app, 'Platform', { env });
  const stack = new Stack(app, 'Orders', { env });
  const billing = new Stack(app, 'Billing', { env });

  // the organization's setting for Control Tower: a year of logs, encrypted with a key of each stack
  // (cfn-guard's static CT.CLOUDWATCH.PR.3 rule does not accept a key imported from another stack);
  // settings made through one copy govern what the other creates
  const logRetention = logs.RetentionDays.ONE_YEAR;
  const logsKey = (s: Stack) => new kms.Key(s, 'LogsKey', { enableKeyRotation: true });
  A.ObservedDefaults.configure(app, { logRetention });
  A.ObservedDefaults.configure(shared, { logRetention, encryptionKey: logsKey(shared) });
  B.ObservedDefaults.configure(stack, { logRetention, encryptionKey: logsKey(stack) });
  B.ObservedDefaults.configure(billing, { logRetention, encryptionKey: logsKey(billing) });
  A.ObservedDefaults.configure(platform, { logRetention, encryptionKey: logsKey(platform) });
  const alertsKey = new kms.Key(shared, 'AlertsKey', { enableKeyRotation: true });
  A.AlarmNotifications.sendTo(app, new sns.Topic(shared, 'Alerts', { enforceSSL: true, masterKey: alertsKey }));
  B.AlarmNotifications.sendNonPagingTo(app, new sns.Topic(shared, 'Tickets', { enforceSSL: true, masterKey: alertsKey }));
  B.AlarmNotifications.runbook(app, 'https://wiki.example.com/runbooks/orders');
  A.AlarmPlacement.configure(billing, { mode: A.AlarmPlacementMode.NESTED_STACKS, alarmStacks: 2 });

  // a queue of A consumed by a function of B (the queue's visibility timeout fits the function)
  const queue = new A.ObservedQueue(stack, 'Events');
  const worker = new B.ObservedFunction(stack, 'Worker', { ...props, timeout: Duration.seconds(30), asyncFailureQueue: false });
  worker.consumeQueue(queue, { batchSize: 10, maxBatchingWindow: Duration.seconds(5), maxConcurrency: 5 });

  // a table of B whose stream a function of A consumes and writes back to
  const table = new B.ObservedTable(stack, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
  });
  const projector = new A.ObservedFunction(stack, 'Projector', { ...props, asyncFailureQueue: false });
  projector.consumeTableStream(table);
  table.grantWriteData(projector);

  // two consumers of one bucket, one per copy, with key spaces that do not loop
  const bucket = new s3.Bucket(stack, 'Uploads', { enforceSSL: true });
  const thumbnailer = new B.ObservedFunction(stack, 'Thumbnailer', props);
  thumbnailer.consumeBucket(bucket, { inputPrefix: 'uploads/', outputPrefix: 'thumbnails/' });
  const indexer = new A.ObservedFunction(stack, 'Indexer', props);
  indexer.consumeBucket(bucket, { inputPrefix: 'thumbnails/', outputPrefix: 'index/' });

  // functions of B behind both APIs of A, provisioned concurrency behind the REST one; `Fitted`
  // has no timeout of its own: the HTTP API fits it below its route's 5 s integration timeout
  const apiHandler = new B.ObservedFunction(stack, 'ApiHandler', {
    ...props,
    timeout: Duration.seconds(6),
    provisionedConcurrency: { executions: 1 },
  });
  const fitted = new B.ObservedFunction(stack, 'Fitted', props);
  new A.ObservedRestApi(stack, 'RestApi', { defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM } })
    .addLambdaRoute('POST', '/orders', apiHandler);
  const httpApi = new A.ObservedHttpApi(stack, 'HttpApi', { defaultAuthorizer: new HttpIamAuthorizer() });
  httpApi.addLambdaRoute(apigwv2.HttpMethod.GET, '/orders', apiHandler);
  httpApi.addLambdaRoute(apigwv2.HttpMethod.GET, '/status', fitted, { integrationTimeout: Duration.seconds(5) });

  // a finding of A's rule pack on a function of B, acknowledged
  const looping = new B.ObservedFunction(stack, 'Looping', { ...props, recursiveLoop: lambda.RecursiveLoop.ALLOW, asyncFailureQueue: false });
  Validations.of(looping).acknowledge({ id: 'ServerlessOps-RecursiveLoopAllowed', reason: 'it re-queues on purpose, with a delay and a counter' });

  // plain L2s adopted by B (the service-health alarm and the dashboard of A include their alarms)
  const legacy = new lambda.Function(stack, 'Legacy', { ...props, timeout: Duration.seconds(20), loggingFormat: lambda.LoggingFormat.JSON });
  new sqs.Queue(stack, 'LegacyQueue', { enforceSSL: true });
  legacy.node.addDependency(queue);
  B.AdoptAlarms.applyTo(stack);

  // billing: A's placement (nested alarm stacks) governs the alarms of B's function and A's queue
  const invoices = new A.ObservedQueue(billing, 'Invoices');
  const invoicer = new B.ObservedFunction(billing, 'Invoicer', { ...props, asyncFailureQueue: false });
  invoicer.consumeQueue(invoices);

  // account monitors, service health and the dashboard, in the platform stack
  new B.CodeStorageMonitor(platform, 'CodeStorage', { versionCleanup: { mode: B.VersionCleanupMode.DRY_RUN } });
  new A.AccountConcurrencyMonitor(platform, 'Concurrency');
  const health = new A.ServiceHealth(platform, 'Health');
  new A.ObservedDashboard(platform, 'Dashboard');

  const assembly = app.synth();
  if (!checks.last) fail('the rule pack did not run at synth');
  return { app, assembly, report: checks.last, health };
}

/** A function of B whose timeout passes the integration timeout of A's HTTP API: the synth is refused. */
function refusal(B: Copy): string {
  const app = new App();
  const stack = new Stack(app, 'Api', { env });
  try {
    const slow = new B.ObservedFunction(stack, 'Slow', { ...props, timeout: Duration.seconds(40) });
    new A.ObservedHttpApi(stack, 'Api', { defaultAuthorizer: new HttpIamAuthorizer() }).addLambdaRoute(apigwv2.HttpMethod.GET, '/slow', slow);
    app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  return fail('a function with a 40 s timeout behind an HTTP API route (30 s) was synthesized');
}

type Template = { Resources?: Record<string, { Type: string; Properties?: any; Metadata?: any }> };

function templatesOf(dir: string): Map<string, Template> {
  return new Map(fs.readdirSync(dir).filter(f => f.endsWith('.template.json')).sort()
    .map(f => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Template]));
}

function resourcesOf(templates: Map<string, Template>, type: string) {
  return [...templates.values()].flatMap(t => Object.values(t.Resources ?? {}).filter(r => r.Type === type));
}

/** What the comparison reports: alarms, their actions, the service-health rule and the dashboard. */
function figures(templates: Map<string, Template>) {
  const alarms = resourcesOf(templates, 'AWS::CloudWatch::Alarm');
  const composites = resourcesOf(templates, 'AWS::CloudWatch::CompositeAlarm');
  const actions = [...alarms, ...composites].reduce((n, a) => n + (a.Properties?.AlarmActions?.length ?? 0) + (a.Properties?.OKActions?.length ?? 0), 0);
  const health = composites.find(c => c.Metadata?.['aws:cdk:path'] === 'Platform/Health/Alarm/Resource');
  const dashboards = resourcesOf(templates, 'AWS::CloudWatch::Dashboard').map(d => JSON.stringify(d.Properties?.DashboardBody));
  const widgets = dashboards.reduce((n, body) => n + (body.match(/\\"type\\":\\"(metric|text|log)\\"/g)?.length ?? 0), 0);
  return {
    templates: templates.size,
    alarms: alarms.length,
    compositeAlarms: composites.length,
    alarmActions: actions,
    healthTerms: (JSON.stringify(health?.Properties?.AlarmRule ?? '').match(/ALARM\(/g) ?? []).length,
    dashboardWidgets: widgets,
  };
}

/** The differences between two builds' templates, alarms first (empty when they are identical). */
function differences(one: Map<string, Template>, two: Map<string, Template>): string[] {
  const out: string[] = [];
  for (const file of new Set([...one.keys(), ...two.keys()])) {
    const a = one.get(file);
    const b = two.get(file);
    if (!a || !b) { out.push(`${file}: only in the ${a ? 'one-copy' : 'two-copy'} build`); continue; }
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const ids = new Set([...Object.keys(a.Resources ?? {}), ...Object.keys(b.Resources ?? {})]);
    const changed = [...ids].filter(id => JSON.stringify(a.Resources?.[id]) !== JSON.stringify(b.Resources?.[id]))
      .map(id => ({ id, type: (a.Resources?.[id] ?? b.Resources?.[id])!.Type, in: a.Resources?.[id] ? (b.Resources?.[id] ? 'both' : 'one-copy only') : 'two-copy only' }))
      .sort((x, y) => Number(!x.type.includes('Alarm')) - Number(!y.type.includes('Alarm')));
    out.push(`${file}: ${changed.length === 0 ? 'outside Resources' : changed.map(c => `${c.id} (${c.type}, ${c.in})`).join(', ')}`);
  }
  return out;
}

/** A report as comparable data: each violation's rule, severity and resources. */
function violationsOf(report: PolicyValidationPluginReport): string[] {
  return report.violations.map(v => `${v.ruleName} ${v.severity} ${v.violatingResources.map(r => r.constructPath).sort().join(',')}`).sort();
}

// the same app, built by one copy, then by both
const single = build(path.join(outdir, 'one-copy'), A as unknown as Copy);
const mixed = build(path.join(outdir, 'two-copies'), SharedCopy);
const one = templatesOf(single.assembly.directory);
const two = templatesOf(mixed.assembly.directory);

const f1 = figures(one);
const f2 = figures(two);
console.log(`consumer app: one copy: ${JSON.stringify(f1)}`);
console.log(`consumer app: two copies: ${JSON.stringify(f2)}`);
if (f1.alarms === 0 || f1.alarmActions === 0 || f1.healthTerms === 0 || f1.dashboardWidgets === 0) fail(`the one-copy build lacks alarms, actions, health terms or widgets: ${JSON.stringify(f1)}`);
if (JSON.stringify(f1) !== JSON.stringify(f2)) fail(`two copies change the app: one copy ${JSON.stringify(f1)}, two copies ${JSON.stringify(f2)}`);
const diff = differences(one, two);
if (diff.length > 0) fail(`two copies change the templates:\n  ${diff.join('\n  ')}`);

// what the two-copy build must show in its own right: B's alarms in A's service health and
// dashboard, B's function fitted below A's route, A's placement of B's alarms
const health = JSON.stringify(resourcesOf(two, 'AWS::CloudWatch::CompositeAlarm').find(c => c.Metadata?.['aws:cdk:path'] === 'Platform/Health/Alarm/Resource'));
const dashboard = JSON.stringify(resourcesOf(two, 'AWS::CloudWatch::Dashboard'));
const alarmsOf = (prefix: string) => resourcesOf(two, 'AWS::CloudWatch::Alarm').filter(a => String(a.Metadata?.['aws:cdk:path']).includes(prefix));
for (const owner of ['Orders/Worker', 'Orders/Legacy', 'Orders/Table', 'Billing/Invoicer']) {
  if (!dashboard.includes(`### ${owner}`)) fail(`the dashboard (copy A) has no row for ${owner} (copy B)`);
}
for (const [owner, prefix] of [['Orders/Worker', 'Orders/Worker/'], ['Orders/Legacy', 'Orders/Legacy/'], ['Billing/Invoicer', '/Invoicer/']]) {
  const names = alarmsOf(prefix).map(a => a.Properties?.AlarmName).filter((n): n is string => typeof n === 'string');
  if (!names.some(n => health.includes(`ALARM(\\"${n}\\")`))) fail(`the service-health alarm (copy A) names no alarm of ${owner} (copy B): ${names.join(', ')}`);
}
const invoicerAlarms = alarmsOf('/Invoicer/');
if (invoicerAlarms.length === 0 || invoicerAlarms.some(a => !String(a.Metadata?.['aws:cdk:path']).startsWith('Billing/ObservedAlarms'))) {
  fail('the alarms of Billing/Invoicer (copy B) are not in the nested alarm stacks AlarmPlacement (copy A) asks for');
}
const fittedTimeout = Object.values(two.get('Orders.template.json')?.Resources ?? {})
  .find(r => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:cdk:path'] === 'Orders/Fitted/Resource')?.Properties?.Timeout;
if (!(typeof fittedTimeout === 'number' && fittedTimeout < 5)) fail(`Orders/Fitted (copy B) has timeout ${fittedTimeout} behind a 5 s route of copy A's HTTP API`);
if (mixed.health.criticalAlarmCount !== single.health.criticalAlarmCount) fail('the service-health alarm combines another number of alarms with two copies');

// the rule pack of copy A on the resources of copy B: the same findings, the acknowledged one included
const r1 = violationsOf(single.report);
const r2 = violationsOf(mixed.report);
if (JSON.stringify(r1) !== JSON.stringify(r2)) fail(`the rule pack reports differ:\n  one copy: ${r1.join('\n    ')}\n  two copies: ${r2.join('\n    ')}`);
if (!r2.some(v => /^(Annotation::)?ServerlessOps-RecursiveLoopAllowed /.test(v) && v.includes('Orders/Looping/'))) fail(`the rule pack (copy A) missed Orders/Looping (copy B): ${r2.join('; ')}`);
const byB = violationsOf(new SharedCopy.ServerlessOpsChecks().validateScope(mixed.app));
const byA = violationsOf(new A.ServerlessOpsChecks().validateScope(mixed.app));
if (JSON.stringify(byA) !== JSON.stringify(byB)) fail(`the two copies' rule packs disagree: A ${byA.join('; ')}, B ${byB.join('; ')}`);
if (byA.some(v => v.includes('Orders/Looping/'))) fail('the acknowledgement of Orders/Looping is ignored');

// a route check of copy A refuses a function of copy B as it refuses its own
const refusedOne = refusal(A as unknown as Copy);
const refusedTwo = refusal(SharedCopy);
if (refusedOne !== refusedTwo || !refusedTwo.includes('Api/Slow')) fail(`the route check differs with two copies:\n  one copy: ${refusedOne}\n  two copies: ${refusedTwo}`);

// the simulator reads what was synthesized: every alarm of the Orders stack, none fires on a quiet hour
const template = path.join(mixed.assembly.directory, 'Orders.template.json');
const alarms = Object.values((two.get('Orders.template.json')?.Resources ?? {})).filter(r => r.Type === 'AWS::CloudWatch::Alarm').length;
if (alarms === 0) fail('no alarms in the Orders stack');
const quiet = A.AlarmSimulator.fromTemplateFile(template).simulate({ minutes: 60, series: [] });
if (quiet.alarms.length !== alarms) fail(`the simulator read ${quiet.alarms.length} of ${alarms} alarms`);
const fired = quiet.alarms.filter(a => a.firstAlarmMinute !== undefined).map(a => a.alarmName);
if (fired.length > 0) fail(`alarms fired on a quiet hour: ${fired.join(', ')}`);
// the whole assembly (nested alarm stacks included), read by each copy's simulator from each build
const quietAll = (copy: Copy, dir: string) => JSON.stringify(copy.AlarmSimulator.fromAssembly(dir).simulate({ minutes: 60, series: [] }).alarms);
if (quietAll(A as unknown as Copy, single.assembly.directory) !== quietAll(SharedCopy, mixed.assembly.directory)) fail('the simulators of the two copies read the two builds differently');
console.log(`consumer app: ${mixed.assembly.stacks.map(s => s.stackName).join(', ')} synthesized; ${alarms} alarms in Orders; one copy and two copies give identical templates (${two.size}), rule pack reports (${r2.length} findings) and simulations`);

// AWS Control Tower's proactive controls (their cfn-guard rules) on every template, nested ones
// included: what the library creates breaks none, except the controls the README leaves to the user
// (functions in a VPC: CT.LAMBDA.PR.3) or to deploy time (CT.LAMBDA.PR.2: the rule cannot resolve
// API Gateway's Fn::Join source ARN). The user's own resources here are not judged.
const USER_PATHS = ['Shared/', 'Orders/LogsKey/', 'Billing/LogsKey/', 'Platform/LogsKey/', 'Orders/Uploads/', 'Orders/Legacy/', 'Orders/LegacyQueue/'];
// CT.KMS.PR.1 and PR.3 judge the user's keys (rotation, grants): the report cannot always name the key
const LEFT_TO_USER = ['CT.LAMBDA.PR.3', 'CT.LAMBDA.PR.2', 'CT.KMS.PR.1', 'CT.KMS.PR.3'];
const templatePaths = [...two.keys()].map(f => path.join(mixed.assembly.directory, f));
const report = new CfnGuardValidator({ controlTowerRulesEnabled: true }).validate({ templatePaths } as any);
const broken: string[] = [];
for (const v of report.violations) {
  const control = /\[(CT\.[A-Z0-9.]+)\]/.exec(v.description)?.[1] ?? v.ruleName;
  if (LEFT_TO_USER.includes(control)) continue;
  for (const r of v.violatingResources) {
    const t = JSON.parse(fs.readFileSync(r.templatePath, 'utf8'));
    const where: string = t.Resources?.[r.resourceLogicalId ?? '']?.Metadata?.['aws:cdk:path'] ?? `${path.basename(r.templatePath)}/${r.resourceLogicalId}`;
    if (!USER_PATHS.some(p => where.startsWith(p))) broken.push(`${control} ${where}`);
  }
}
if (broken.length > 0) fail(`Control Tower controls broken by what the library creates:\n  ${broken.join('\n  ')}`);
console.log(`consumer app: Control Tower proactive controls pass on what the library creates (${templatePaths.length} templates)`);
