/**
 * Two copies of the library in one app, as a monorepo loads them (the app's own, and the one a
 * local library package carries in its node_modules), with one aws-cdk-lib, constructs and cdk-nag:
 * here the second copy is src loaded again into a module registry of its own, with the peers of
 * the first. The packed package is tested the same way by .ci/consumer-test.sh.
 */
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as A from '../../src';
import { MINIMAL } from '../helpers';

type Copy = typeof A;
const SRC = path.join(__dirname, '..', '..', 'src');
const ENV = { account: '123456789012', region: 'us-east-1' };

/** The packages src imports by name (aws-cdk-lib and its modules, constructs, cdk-nag, ...). */
function packagesOfSrc(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(file);
      } else if (file.endsWith('.ts') && !file.endsWith('.lambda.ts')) {
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/from '([^.'][^']*)'/g)) names.add(m[1]);
      }
    }
  };
  walk(SRC);
  return [...names].filter(n => !builtinModules.includes(n));
}

/** src loaded a second time, into a registry of its own; the packages it imports are the first copy's (npm's peers). */
function secondCopy(): Copy {
  const shared: Array<[string, unknown]> = [];
  for (const name of packagesOfSrc()) {
    try {
      shared.push([name, jest.requireActual(name)]);
    } catch {
      // a package imported for its types only
    }
  }
  let copy: Copy | undefined;
  jest.isolateModules(() => {
    for (const [name, module] of shared) jest.doMock(name, () => module);
    copy = jest.requireActual<Copy>('../../src');
  });
  return copy!;
}

const B = secondCopy();

/**
 * An app whose constructs, settings and aspects are split between copy A and `b` (A itself for
 * the one-copy build). The platform stack comes first in the tree, so its service-health alarm
 * and dashboard see the alarms that AdoptAlarms adds to the later Orders stack only by running
 * the adoption themselves.
 */
function build(b: Copy) {
  const app = new App({ context: { 'aws:cdk:enable-path-metadata': true } });
  const shared = new Stack(app, 'Shared', { env: ENV });
  const platform = new Stack(app, 'Platform', { env: ENV });
  const orders = new Stack(app, 'Orders', { env: ENV });
  const billing = new Stack(app, 'Billing', { env: ENV });
  A.AlarmNotifications.sendTo(app, new sns.Topic(shared, 'Pager'));
  b.AlarmNotifications.sendNonPagingTo(app, new sns.Topic(shared, 'Tickets'));
  b.ObservedDefaults.configure(app, { logRetention: logs.RetentionDays.ONE_YEAR });
  A.AlarmPlacement.configure(billing, { mode: A.AlarmPlacementMode.NESTED_STACKS, alarmStacks: 2 });

  const queue = new A.ObservedQueue(orders, 'Events');
  const worker = new b.ObservedFunction(orders, 'Worker', { ...MINIMAL, timeout: Duration.seconds(30) });
  worker.consumeQueue(queue);
  const table = new b.ObservedTable(orders, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
  });
  new A.ObservedFunction(orders, 'Projector', MINIMAL).consumeTableStream(table);
  const fitted = new b.ObservedFunction(orders, 'Fitted', MINIMAL);
  new A.ObservedHttpApi(orders, 'Api', { allowUnauthenticatedAccess: true }).addLambdaRoute(apigwv2.HttpMethod.GET, '/status', fitted, { integrationTimeout: Duration.seconds(5) });
  new lambda.Function(orders, 'Legacy', { ...MINIMAL, timeout: Duration.seconds(20) });
  b.AdoptAlarms.applyTo(orders);
  new b.ObservedFunction(billing, 'Invoicer', MINIMAL);

  const health = new A.ServiceHealth(platform, 'Health');
  new A.ObservedDashboard(platform, 'Dashboard');
  const stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  const templates = Object.fromEntries(stacks.map(s => [s.node.path, Template.fromStack(s).toJSON()]));
  return { health, templates };
}

function resources(templates: Record<string, any>, type: string): any[] {
  return Object.values(templates).flatMap(t => Object.values(t.Resources ?? {}) as any[]).filter(r => r.Type === type);
}

describe('two copies of the library in one app', () => {
  test('the second copy is a copy: its classes differ, and the brand checks of each recognise the other\'s instances', () => {
    expect(B.ObservedFunction).not.toBe(A.ObservedFunction);
    const stack = new Stack(new App(), 'S', { env: ENV });
    const fn = new B.ObservedFunction(stack, 'Fn', MINIMAL);
    const queue = new B.ObservedQueue(stack, 'Queue');
    const adopt = new B.AdoptAlarms();
    expect(fn instanceof A.ObservedFunction).toBe(false);
    const recognised = [A.ObservedFunction.isObservedFunction(fn), A.ObservedQueue.isObservedQueue(queue), A.AdoptAlarms.isAdoptAlarms(adopt)];
    expect(recognised).toEqual([true, true, true]);
    expect([A.ObservedFunction.isObservedFunction(queue), A.AdoptAlarms.isAdoptAlarms(Aspects.of(stack))]).toEqual([false, false]);
  });

  test('an app built by both copies synthesizes exactly as the same app built by one', () => {
    const one = build(A);
    const two = build(B);
    expect(Object.keys(two.templates).sort()).toEqual(Object.keys(one.templates).sort());
    for (const stack of Object.keys(one.templates)) {
      expect({ stack, template: two.templates[stack] }).toEqual({ stack, template: one.templates[stack] });
    }

    // what makes the comparison worth something: every interaction across copies happened
    const rule = JSON.stringify(resources(two.templates, 'AWS::CloudWatch::CompositeAlarm')[0].Properties.AlarmRule);
    for (const owner of ['Orders/Worker/', 'Orders/Legacy/', 'Orders/Table/', 'Billing/Invoicer/']) expect(rule).toContain(`ALARM(\\"${owner}`);
    expect(two.health.criticalAlarmCount).toBe(one.health.criticalAlarmCount);
    const dashboard = JSON.stringify(resources(two.templates, 'AWS::CloudWatch::Dashboard'));
    expect(dashboard).toContain('### Orders/Legacy');
    const fitted = resources(two.templates, 'AWS::Lambda::Function').find(f => f.Metadata?.['aws:cdk:path'] === 'Orders/Fitted/Resource');
    expect(fitted.Properties.Timeout).toBeLessThan(5);
    const nestedAlarms = Object.entries(two.templates).filter(([p]) => p.startsWith('Billing/ObservedAlarms'))
      .flatMap(([, t]) => Object.values(t.Resources ?? {}) as any[]);
    expect(nestedAlarms.filter(r => r.Type === 'AWS::CloudWatch::Alarm').length).toBeGreaterThan(0);
  });
});
