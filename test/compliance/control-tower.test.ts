import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { CodeStorageMonitor, ObservedFunction, ObservedHttpApi, ObservedRestApi } from '../../src';
import { MINIMAL } from '../helpers';
import { controlTowerApp, controlTowerViolations, USER_RESOURCES, Violation } from './control-tower-app';

/**
 * Violations on what the library creates that are not the library's to meet, each with why; the
 * README's "Control Tower proactive controls" table lists them with the prop that meets them.
 * Anything else on a library resource fails the test.
 */
const NOT_OURS: Array<{ control: string; why: string; applies: (v: Violation) => boolean }> = [
  {
    control: 'CT.LAMBDA.PR.3',
    why: 'a function in a VPC is the user\'s decision (the `vpc` prop of ObservedFunction and CodeStorageMonitor)',
    applies: v => v.type === 'AWS::Lambda::Function' && !/BucketNotificationsHandler/.test(v.path),
  },
  {
    control: 'CT.LAMBDA.PR.3',
    why: 'aws-cdk-lib\'s bucket-notifications handler (behind `consumeBucket`, as behind any `addEventNotification`) has no VPC option',
    applies: v => /^Svc\/BucketNotificationsHandler[0-9a-f]+\/Resource$/.test(v.path),
  },
  {
    control: 'CT.LAMBDA.PR.2',
    // the hook judges the resolved properties: a SourceArn string. The static rule accepts only a
    // literal or a reference to a resource of the template, not the Fn::Join of the API's ARN.
    why: 'API Gateway\'s invoke permission is limited to the API by SourceArn, which only CloudFormation resolves',
    applies: v => v.type === 'AWS::Lambda::Permission' && v.properties.Principal === 'apigateway.amazonaws.com'
      && JSON.stringify(v.properties.SourceArn).includes(':execute-api:') && 'Fn::Join' in v.properties.SourceArn,
  },
];

function ours(violations: Violation[]): Violation[] {
  return violations.filter(v => !USER_RESOURCES.some(prefix => v.path.startsWith(prefix)));
}

function unexplained(violations: Violation[]): string[] {
  return ours(violations).filter(v => !NOT_OURS.some(n => n.control === v.control && n.applies(v))).map(v => `${v.control} ${v.path}`);
}

describe('AWS Control Tower proactive controls (the cfn-guard rules of @cdklabs/cdk-validator-cfnguard)', () => {
  let withSetting: Violation[];
  beforeAll(() => { withSetting = controlTowerViolations(controlTowerApp(true)); }, 300_000);

  test('with ObservedDefaults set, an app of every construct breaks no control the library can meet', () => {
    expect(unexplained(withSetting)).toEqual([]);
  });

  test('what is left is exactly what the README lists: functions outside a VPC, and API permissions the static rule cannot resolve', () => {
    const left = [...new Set(ours(withSetting).map(v => `${v.control} ${v.path.replace(/[0-9a-f]{32}/, '<hash>')}`))].sort();
    expect(left).toEqual([
      'CT.LAMBDA.PR.2 Svc/Http/GET--orders/LambdaIntegrationSvcHandlerED901791-Permission',
      'CT.LAMBDA.PR.2 Svc/Rest/Default/orders/GET/ApiPermission.SvcRest0A6C3FE2.GET..orders',
      'CT.LAMBDA.PR.2 Svc/Rest/Default/orders/GET/ApiPermission.Test.SvcRest0A6C3FE2.GET..orders',
      'CT.LAMBDA.PR.3 Svc/BucketNotificationsHandler<hash>/Resource',
      'CT.LAMBDA.PR.3 Svc/CodeStorage/Poller/Resource',
      'CT.LAMBDA.PR.3 Svc/Handler/Resource',
      'CT.LAMBDA.PR.3 Svc/Ingest/Resource',
      'CT.LAMBDA.PR.3 Svc/Projector/Resource',
      'CT.LAMBDA.PR.3 Svc/Worker/Resource',
    ]);
  });

  test('the rules ran: the user\'s own bucket is reported (a control the app leaves to its owner)', () => {
    expect(withSetting.filter(v => v.path.startsWith('Svc/Uploads/')).map(v => v.control)).toContain('CT.S3.PR.1');
  });

  test('without the setting, only log retention and log encryption break, on every log group the library creates', () => {
    const app = new App({ context: { 'aws:cdk:enable-path-metadata': true } });
    const stack = new Stack(app, 'Svc', { env: { account: '123456789012', region: 'us-east-1' } });
    const fn = new ObservedFunction(stack, 'Fn', { ...MINIMAL, asyncFailureQueue: false });
    new ObservedRestApi(stack, 'Rest').addLambdaRoute('GET', '/x', fn, { authorizationType: apigateway.AuthorizationType.IAM });
    new ObservedHttpApi(stack, 'Http', { allowUnauthenticatedAccess: true });
    new CodeStorageMonitor(stack, 'CodeStorage');
    expect(unexplained(controlTowerViolations(app)).sort()).toEqual([
      'CT.CLOUDWATCH.PR.2 Svc/Fn/LogGroup/Resource',
      'CT.CLOUDWATCH.PR.2 Svc/Http/AccessLogs/Resource',
      'CT.CLOUDWATCH.PR.2 Svc/Rest/DeploymentStage.prod/AccessLogs/Resource',
      // the code storage monitor keeps its logs a year by default
      'CT.CLOUDWATCH.PR.3 Svc/CodeStorage/LogGroup/Resource',
      'CT.CLOUDWATCH.PR.3 Svc/Fn/LogGroup/Resource',
      'CT.CLOUDWATCH.PR.3 Svc/Http/AccessLogs/Resource',
      'CT.CLOUDWATCH.PR.3 Svc/Rest/DeploymentStage.prod/AccessLogs/Resource',
    ]);
  }, 300_000);

  test('the README\'s table names every control the rules report on what the library creates', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf-8');
    const section = readme.slice(readme.indexOf('## Control Tower proactive controls'));
    const rows = section.split('\n').filter(l => l.startsWith('| CT.'));
    const controls = new Set(ours(withSetting).map(v => v.control).concat('CT.CLOUDWATCH.PR.1', 'CT.CLOUDWATCH.PR.2', 'CT.CLOUDWATCH.PR.3', 'CT.SQS.PR.1', 'CT.APIGATEWAY.PR.1'));
    for (const control of controls) expect(rows.some(r => r.startsWith(`| ${control} `))).toBe(true);
    for (const n of NOT_OURS) expect(rows.find(r => r.startsWith(`| ${n.control} `))).toMatch(/left to you|deploy time/);
  });
});
