import { App, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmNotifications, ObservedFunction, ObservedQueue } from '../../src';
import { AlarmPlacement, AlarmPlacementMode } from '../../src/placement/alarm-placement';
import { alarmStackOf } from '../../src/placement/rendezvous';
import { MINIMAL } from '../helpers';
import { alarmsIn, consumers, ENV, newApp, synthAll } from './placement-app';

/** The nested alarm stack (1-based) the owner at this path hashes to. */
const bucket = (path: string, n: number) => alarmStackOf(path, n);

describe('SAME_STACK placement (the default)', () => {
  test('a stack keeps its alarms beside their resources, under names without a placement suffix', () => {
    const app = newApp();
    const stack = new Stack(app, 'Small', { env: ENV });
    const [fn] = consumers(stack, 5);
    const templates = synthAll(app);
    expect(templates.map(t => t.file)).toEqual(['Small.template.json']);
    expect(alarmsIn(templates[0])).toBe(5 * (6 + 4));
    expect(fn.alarms.every(a => Stack.of(a) === stack)).toBe(true);
    const names = Object.values(templates[0].json.Resources).map((r: any) => r.Properties?.AlarmName).filter(Boolean);
    expect(names).toContain('Small/Fn4/ErrorRate');
    expect(names.every((n: string) => !n.includes('@'))).toBe(true);
  });

  test('a stack that would pass 500 resources fails the synth with the stack, the counts and the fix; no alarm moves', () => {
    const app = newApp();
    const stack = new Stack(app, 'TooLarge', { env: ENV });
    consumers(stack, 30);
    expect(() => app.synth()).toThrow(
      /TooLarge: the template has 6\d\d resources \(CloudFormation allows 500\); 3\d\d of its resources are alarms and the metric filters that feed them\. Alarms stay where their placement puts them and are never moved to make room\. Fix: call AlarmPlacement\.configure\(TooLarge, \{ mode: AlarmPlacementMode\.NESTED_STACKS, alarmStacks: \d+ \}\)/,
    );
    expect(stack.node.children.some(c => Stack.isStack(c))).toBe(false);
  });

  test('a stack whose own resources pass 500 gets an error that says alarms cannot help', () => {
    const app = newApp();
    const stack = new Stack(app, 'OwnTooLarge', { env: ENV });
    AlarmPlacement.configure(stack, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 4 });
    for (let i = 0; i < 50; i++) {
      const fn = new ObservedFunction(stack, `Fn${i}`, MINIMAL); // with the async failure queue: 12 own resources each
      fn.consumeQueue(new ObservedQueue(stack, `Queue${i}`));
    }
    expect(() => app.synth()).toThrow(/OwnTooLarge: the template has \d+ resources.* \d+ resources are the stack's own, so moving alarms cannot make room: split the stack/);
  });
});

describe('the 1 MB limit', () => {
  test('a template over 1,000,000 bytes as written fails the synth with its size and the fix', () => {
    const app = newApp();
    const stack = new Stack(app, 'Heavy', { env: ENV });
    consumers(stack, 1);
    new CfnResource(stack, 'Big', { type: 'Custom::Big', properties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:x', Data: 'x'.repeat(1_000_000) } });
    expect(() => app.synth()).toThrow(/Heavy: the template has 10\d{5} bytes \(CloudFormation allows 1000000; the template as written\); \d+ of its resources are alarms and the metric filters that feed them\. Alarms stay where their placement puts them and are never moved to make room\. \d+ resources \(10\d{5} bytes\) are the stack's own, so moving alarms cannot make room: split the stack/);
  });
});

describe('NESTED_STACKS placement', () => {
  test('each owner\'s alarms go to the nested stack its path hashes to; fn.alarms holds them; names say where they live', () => {
    const app = newApp();
    const stack = new Stack(app, 'Large', { env: ENV });
    AlarmPlacement.configure(stack, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 3 });
    const fns = consumers(stack, 12);
    for (const fn of fns) {
      const nested = Stack.of(fn.alarms[0]);
      expect(nested).toBeInstanceOf(NestedStack);
      expect(nested.nestedStackParent).toBe(stack);
      expect(nested.node.id).toBe(`ObservedAlarms${bucket(fn.node.path, 3)}`);
      expect(fn.alarms.every(a => Stack.of(a) === nested)).toBe(true);
    }
    const last = fns[11];
    const where = `ObservedAlarms${bucket(last.node.path, 3)}`;

    const templates = synthAll(app);
    expect(alarmsIn(templates.find(t => t.file === 'Large.template.json')!)).toBe(0);
    const child = templates.find(t => t.file.includes(where))!;
    const errorRate = Object.values(child.json.Resources).find((r: any) => r.Properties.AlarmName === `Large/Fn11/ErrorRate@${where}`) as any;
    expect(errorRate).toBeDefined();
    // it refers to the function through a parameter of the nested stack
    const dims = errorRate.Properties.Metrics.find((m: any) => m.Id === 'errors').MetricStat.Metric.Dimensions;
    expect(dims).toEqual([{ Name: 'FunctionName', Value: { Ref: expect.stringMatching(/Fn11/) } }]);
    expect(child.json.Parameters[dims[0].Value.Ref]).toEqual({ Type: 'String' });
    // the log-derived alarms brought their metric filters along
    const filters = Object.values(child.json.Resources).filter((r: any) => r.Type === 'AWS::Logs::MetricFilter');
    expect(filters.length).toBeGreaterThan(0);
  });

  test('an owner\'s alarms and their templates do not depend on the other constructs or their order', () => {
    const build = (ids: string[], bucketFirst: boolean) => {
      const app = newApp();
      const stack = new Stack(app, 'Order', { env: ENV });
      AlarmPlacement.configure(stack, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 4 });
      if (bucketFirst) new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
      for (const id of ids) new ObservedFunction(stack, id, { ...MINIMAL, asyncFailureQueue: false });
      const alarms = new Map<string, string>();
      for (const t of synthAll(app)) {
        for (const [logicalId, r] of Object.entries<any>(t.json.Resources)) {
          if (r.Type === 'AWS::CloudWatch::Alarm') alarms.set(r.Properties.AlarmName, `${t.file} ${logicalId} ${JSON.stringify(r)}`);
        }
      }
      return alarms;
    };
    const all = build(['A', 'B', 'C', 'D', 'E', 'F', 'G'], false);
    const fewer = build(['G', 'C', 'F', 'A'], true);
    expect(fewer.size).toBe(4 * 6);
    for (const [name, where] of fewer) expect(all.get(name)).toBe(where);
  });

  test('an API lowering a function timeout still finds the duration alarm in its nested stack', () => {
    const app = newApp();
    const stack = new Stack(app, 'Api', { env: ENV });
    AlarmPlacement.configure(stack, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 2 });
    const [fn] = consumers(stack, 1);
    expect(fn._fitDefaultTimeout(5)).toBe(true);
    const where = `ObservedAlarms${bucket(fn.node.path, 2)}`;
    const child = synthAll(app).find(t => t.file.includes(where))!;
    const duration = Object.values(child.json.Resources).find((r: any) => r.Properties.AlarmName === `Api/Fn0/DurationNearTimeout@${where}`) as any;
    expect(duration.Properties.Threshold).toBe(4000); // 80 % of 5 s
  });

  test('notifications follow the owner, not the stack the alarm lives in', () => {
    const app = newApp();
    const stack = new Stack(app, 'Notified', { env: ENV });
    AlarmPlacement.configure(stack, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 1 });
    AlarmNotifications.sendTo(stack, new sns.Topic(stack, 'Alerts'));
    consumers(stack, 2);
    const child = synthAll(app).find(t => t.file.includes('ObservedAlarms1'))!;
    const alarm = Object.values(child.json.Resources).find((r: any) => r.Type === 'AWS::CloudWatch::Alarm') as any;
    expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/Alerts/) }]);
  });

  test.each([1, 8, 21, 50])('with enough alarm stacks, every template is within the limits: %d function + queue pairs', pairs => {
    const app = newApp();
    const stack = new Stack(app, 'Prop', { env: ENV });
    AlarmPlacement.configure(stack, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 4 });
    const fns = consumers(stack, pairs);
    const templates = synthAll(app);
    for (const t of templates) {
      expect(t.resources).toBeLessThanOrEqual(AlarmPlacement.STACK_RESOURCE_LIMIT);
      expect(t.parameters).toBeLessThanOrEqual(AlarmPlacement.STACK_PARAMETER_LIMIT);
      expect(t.bytes).toBeLessThanOrEqual(AlarmPlacement.TEMPLATE_BYTES_LIMIT);
    }
    // no alarm was lost on the way: every one of them is in some template
    expect(templates.reduce((n, t) => n + alarmsIn(t), 0)).toBe(pairs * 10);
    expect(fns.reduce((n, fn) => n + fn.alarms.length, 0)).toBe(pairs * 6);
  });

  test('a nested alarm stack over the limits fails the synth, naming it, its counts and how many alarm stacks to configure', () => {
    const app = newApp();
    const stack = new Stack(app, 'Crowded', { env: ENV });
    AlarmPlacement.configure(app, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 1 });
    consumers(stack, 55);
    expect(() => app.synth()).toThrow(
      /Crowded\/ObservedAlarms1: the nested alarm stack has 6\d\d resources \(CloudFormation allows 500\), 2\d\d parameters .*It holds the alarms of the 110 observed constructs whose construct paths hash to it\. Fix: raise alarmStacks of AlarmPlacement\.configure\(app\) from 1 to 3\./,
    );
    // the fix it names works
    const fixed = newApp();
    AlarmPlacement.configure(fixed, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 3 });
    consumers(new Stack(fixed, 'Crowded', { env: ENV }), 55);
    const templates = synthAll(fixed);
    expect(templates.length).toBe(4);
    for (const t of templates) {
      expect(t.resources).toBeLessThanOrEqual(AlarmPlacement.STACK_RESOURCE_LIMIT);
      expect(t.parameters).toBeLessThanOrEqual(AlarmPlacement.STACK_PARAMETER_LIMIT);
    }
  });
});

describe('MONITORING_STACK placement', () => {
  test('alarms live in the given stack; names say where the owner is and where the alarm lives', () => {
    const app = newApp();
    const monitoring = new Stack(app, 'Monitoring', { env: ENV });
    AlarmPlacement.configure(app, { mode: AlarmPlacementMode.MONITORING_STACK, monitoringStack: monitoring });
    const service = new Stack(app, 'Service', { env: ENV });
    const [fn] = consumers(service, 2);
    expect(Stack.of(fn.alarms[0])).toBe(monitoring);
    const templates = synthAll(app);
    expect(alarmsIn(templates.find(t => t.file === 'Service.template.json')!)).toBe(0);
    const mon = templates.find(t => t.file === 'Monitoring.template.json')!;
    expect(alarmsIn(mon)).toBe(20);
    const names = Object.values(mon.json.Resources).map((r: any) => r.Properties.AlarmName);
    expect(names).toContain('Service/Fn0/ErrorRate@Monitoring');
    const dims = (Object.values(mon.json.Resources).find((r: any) => r.Properties.AlarmName === 'Service/Fn0/Throttles@Monitoring') as any).Properties.Dimensions;
    expect(dims[0].Value).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^Service:/) });
  });

  test('with alarmStacks, in nested stacks of the monitoring stack by the same hash', () => {
    const app = newApp();
    const monitoring = new Stack(app, 'Monitoring', { env: ENV });
    AlarmPlacement.configure(app, { mode: AlarmPlacementMode.MONITORING_STACK, monitoringStack: monitoring, alarmStacks: 2 });
    const service = new Stack(app, 'Service', { env: ENV });
    const [fn] = consumers(service, 1);
    const nested = Stack.of(fn.alarms[0]);
    expect(nested.nestedStackParent).toBe(monitoring);
    const where = `ObservedAlarms${bucket(fn.node.path, 2)}`;
    expect(nested.node.id).toBe(where);
    const child = synthAll(app).find(t => t.file.includes(`Monitoring${where}`))!;
    const names = Object.values(child.json.Resources).map((r: any) => r.Properties?.AlarmName);
    expect(names).toContain(`Service/Fn0/ErrorRate@Monitoring/${where}`);
  });
});

describe('configuration errors', () => {
  test('misuse is reported with the scope, the value and the fix', () => {
    const app = new App();
    expect(() => AlarmPlacement.configure(app, { mode: AlarmPlacementMode.MONITORING_STACK }))
      .toThrow('AlarmPlacement.configure(app): mode is MONITORING_STACK; allowed only with monitoringStack set (the stack the alarms live in).');
    expect(() => AlarmPlacement.configure(app, { mode: AlarmPlacementMode.NESTED_STACKS }))
      .toThrow('AlarmPlacement.configure(app): mode is NESTED_STACKS; allowed only with alarmStacks set (how many nested stacks share the alarms, 1-100).');
    expect(() => AlarmPlacement.configure(app, { alarmStacks: 2 }))
      .toThrow('AlarmPlacement.configure(app): alarmStacks is 2; it applies to NESTED_STACKS and MONITORING_STACK only. Set mode: AlarmPlacementMode.NESTED_STACKS to use nested alarm stacks.');
    expect(() => AlarmPlacement.configure(app, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 0 }))
      .toThrow('AlarmPlacement.configure(app): alarmStacks is 0; allowed range is 1-100.');
    expect(() => AlarmPlacement.configure(app, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 2.5 }))
      .toThrow('AlarmPlacement.configure(app): alarmStacks is 2.5; it must be a whole number.');
    const stack = new Stack(app, 'Late');
    new ObservedFunction(stack, 'Fn', MINIMAL);
    expect(() => AlarmPlacement.configure(stack, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 2 }))
      .toThrow(/Late\): \d+ alarms under this scope already exist .*call AlarmPlacement.configure before creating observed constructs/);
  });
});

describe('the hash', () => {
  test('raising the number of alarm stacks from N to N+1 moves owners only to the new stack, and about 1 in N+1 of them', () => {
    const paths = Array.from({ length: 2000 }, (_, i) => `Service/Fn${i}`);
    for (const n of [1, 3, 7]) {
      const moved = paths.filter(p => bucket(p, n) !== bucket(p, n + 1));
      expect(moved.every(p => bucket(p, n + 1) === n + 1)).toBe(true);
      expect(moved.length / paths.length).toBeGreaterThan(0.7 / (n + 1));
      expect(moved.length / paths.length).toBeLessThan(1.3 / (n + 1));
    }
  });
});
