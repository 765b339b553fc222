import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AccountConcurrencyMonitor, CodeStorageMonitor, ObservedDashboard, ObservedDefaults, ObservedFunction, ObservedHttpApi,
  ObservedQueue, ObservedRestApi, ObservedTable, ServiceHealth,
} from '../../src';
import { MINIMAL } from '../helpers';

/** One violation of a Control Tower rule: the rule, the resource's construct path, its type and properties. */
export interface Violation {
  readonly rule: string;
  readonly control: string;
  readonly path: string;
  readonly type: string;
  readonly properties: any;
}

/** What the user brings to the app (not the library's to judge): the bucket and the KMS key. */
export const USER_RESOURCES = ['Svc/Uploads/', 'Svc/LogsKey/'];

/**
 * A user's app of every construct: functions consuming a queue, a table's stream and a bucket,
 * both APIs, the account monitors, ServiceHealth and the dashboard. `withDefaults` gives the one
 * organization setting (`ObservedDefaults`: one year of logs, a KMS key from another stack).
 */
export function controlTowerApp(withDefaults: boolean): App {
  const app = new App({ context: { 'aws:cdk:enable-path-metadata': true } });
  const env = { account: '123456789012', region: 'us-east-1' };
  const stack = new Stack(app, 'Svc', { env });
  if (withDefaults) {
    // the organization's key, as Control Tower asks of it: rotated, grants only for AWS services
    const key = new kms.Key(stack, 'LogsKey', { enableKeyRotation: true });
    key.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }));
    ObservedDefaults.configure(app, { logRetention: logs.RetentionDays.ONE_YEAR, encryptionKey: key });
  }

  const jobs = new ObservedQueue(stack, 'Jobs');
  const worker = new ObservedFunction(stack, 'Worker', { ...MINIMAL, timeout: Duration.seconds(20), asyncFailureQueue: false });
  worker.consumeQueue(jobs);

  const table = new ObservedTable(stack, 'Orders', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
  });
  const projector = new ObservedFunction(stack, 'Projector', MINIMAL);
  projector.consumeTableStream(table);

  const uploads = new s3.Bucket(stack, 'Uploads');
  const ingest = new ObservedFunction(stack, 'Ingest', MINIMAL);
  ingest.consumeBucket(uploads, { inputPrefix: 'in/', outputPrefix: 'out/' });

  const handler = new ObservedFunction(stack, 'Handler', { ...MINIMAL, timeout: Duration.seconds(6), asyncFailureQueue: false });
  new ObservedRestApi(stack, 'Rest', { defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM } })
    .addLambdaRoute('GET', '/orders', handler);
  new ObservedHttpApi(stack, 'Http', { defaultAuthorizer: new HttpIamAuthorizer() })
    .addLambdaRoute(apigwv2.HttpMethod.GET, '/orders', handler);

  new CodeStorageMonitor(stack, 'CodeStorage');
  new AccountConcurrencyMonitor(stack, 'Concurrency');
  new ServiceHealth(stack, 'Health');
  new ObservedDashboard(stack, 'Dashboard');
  return app;
}

/** Synthesizes the app and runs AWS Control Tower's proactive controls (the cfn-guard rules) on every template, nested ones included. */
export function controlTowerViolations(app: App, outdir?: string): Violation[] {
  const assembly = app.synth({ force: outdir !== undefined });
  const templatePaths = fs.readdirSync(assembly.directory).filter(f => f.endsWith('.template.json')).map(f => path.join(assembly.directory, f));
  const report = new CfnGuardValidator({ controlTowerRulesEnabled: true }).validate({ templatePaths } as any);
  const templates = new Map(templatePaths.map(p => [p, JSON.parse(fs.readFileSync(p, 'utf-8'))]));
  const found: Violation[] = [];
  for (const v of report.violations) {
    const control = /\[(CT\.[A-Z0-9.]+)\]/.exec(v.description)?.[1] ?? v.ruleName;
    for (const r of v.violatingResources) {
      // the plugin cannot always name the resource (e.g. a rule over a key policy's statements): the stack then
      const resource = r.resourceLogicalId ? templates.get(r.templatePath)?.Resources?.[r.resourceLogicalId] : undefined;
      const stackName = path.basename(r.templatePath, '.template.json');
      found.push({
        rule: v.ruleName,
        control,
        path: resource?.Metadata?.['aws:cdk:path'] ?? `${stackName}/${r.resourceLogicalId ?? '?'}`,
        type: resource?.Type ?? '?',
        properties: resource?.Properties,
      });
    }
  }
  return found;
}
