import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmNotifications, ObservedFunction, ObservedQueue } from '../../src';
import { AlarmPlacement, AlarmPlacementMode } from '../../src/placement/alarm-placement';
import { MINIMAL } from '../helpers';

const ENV = { account: '123456789012', region: 'us-east-1' };

interface TemplateStats { file: string; resources: number; parameters: number; bytes: number; json: any }

/** Synthesizes the app and reads every template it wrote (nested ones too). */
function synthAll(app: App): TemplateStats[] {
  const assembly = app.synth();
  return fs.readdirSync(assembly.directory).filter(f => f.endsWith('.template.json')).map(file => {
    const text = fs.readFileSync(path.join(assembly.directory, file), 'utf8');
    const json = JSON.parse(text);
    return {
      file,
      resources: Object.keys(json.Resources ?? {}).length,
      parameters: Object.keys(json.Parameters ?? {}).length,
      bytes: Buffer.byteLength(text),
      json,
    };
  });
}

function newApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'placement-')) });
}

/** `pairs` functions, each consuming its own queue (the scale benchmark's unit). */
function consumers(stack: Stack, pairs: number, prefix = ''): ObservedFunction[] {
  const fns: ObservedFunction[] = [];
  for (let i = 0; i < pairs; i++) {
    const fn = new ObservedFunction(stack, `${prefix}Fn${i}`, { ...MINIMAL, asyncFailureQueue: false });
    fn.consumeQueue(new ObservedQueue(stack, `${prefix}Queue${i}`));
    fns.push(fn);
  }
  return fns;
}

const alarmsIn = (t: TemplateStats) => Object.values(t.json.Resources).filter((r: any) => r.Type === 'AWS::CloudWatch::Alarm').length;

describe('AUTO placement (the default)', () => {
  test('a small stack keeps its alarms', () => {
    const app = newApp();
    const stack = new Stack(app, 'Small', { env: ENV });
    const [fn] = consumers(stack, 2);
    const templates = synthAll(app);
    expect(templates.map(t => t.file)).toEqual(['Small.template.json']);
    expect(alarmsIn(templates[0])).toBe(2 * (6 + 4));
    expect(fn.alarms.every(a => Stack.of(a) === stack)).toBe(true);
  });

  test('a large stack sends further alarms to nested stacks; fn.alarms still holds them, with the same names', () => {
    const app = newApp();
    const stack = new Stack(app, 'Large', { env: ENV });
    const fns = consumers(stack, 12);
    const last = fns[fns.length - 1];
    const nested = Stack.of(last.alarms[0]);
    expect(nested).toBeInstanceOf(NestedStack);
    expect(nested.nestedStackParent).toBe(stack);
    expect(last.alarms.map(a => a.node.id)).toEqual(fns[0].alarms.map(a => a.node.id));

    const templates = synthAll(app);
    const parent = templates.find(t => t.file === 'Large.template.json')!;
    const child = templates.find(t => t.file.includes('ObservedAlarms1'))!;
    // alarm resources the parent kept stay within the budget of 50
    const parentAlarmResources = Object.values(parent.json.Resources)
      .filter((r: any) => r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::Logs::MetricFilter').length;
    expect(parentAlarmResources).toBeLessThanOrEqual(AlarmPlacement.DEFAULT_MAX_ALARM_RESOURCES_IN_STACK);
    expect(parent.json.Resources[Object.keys(parent.json.Resources).find(k => k.startsWith('ObservedAlarms1'))!].Type)
      .toBe('AWS::CloudFormation::Stack');

    // the moved alarm keeps its name and refers to the function through a parameter
    const errorRate = Object.values(child.json.Resources).find((r: any) => r.Properties.AlarmName === 'Large/Fn11/ErrorRate') as any;
    expect(errorRate).toBeDefined();
    const dims = errorRate.Properties.Metrics.find((m: any) => m.Id === 'errors').MetricStat.Metric.Dimensions;
    expect(dims).toEqual([{ Name: 'FunctionName', Value: { Ref: expect.stringMatching(/Fn11/) } }]);
    expect(child.json.Parameters[dims[0].Value.Ref]).toEqual({ Type: 'String' });
    // the log-derived alarms brought their metric filters along
    const filters = Object.values(child.json.Resources).filter((r: any) => r.Type === 'AWS::Logs::MetricFilter');
    expect(filters.length).toBeGreaterThan(0);
  });

  test('an API lowering a function timeout still finds the duration alarm in its nested stack', () => {
    const app = newApp();
    const stack = new Stack(app, 'Api', { env: ENV });
    const fns = consumers(stack, 8);
    const last = fns[fns.length - 1];
    expect(Stack.of(last.alarms[0]).nested).toBe(true);
    expect(last._fitDefaultTimeout(5)).toBe(true);
    const child = synthAll(app).find(t => t.file.includes('ObservedAlarms1'))!;
    const duration = Object.values(child.json.Resources).find((r: any) => r.Properties.AlarmName === 'Api/Fn7/DurationNearTimeout') as any;
    expect(duration.Properties.Threshold).toBe(4000); // 80 % of 5 s
  });

  test('notifications follow the owner, not the stack the alarm lives in', () => {
    const app = newApp();
    const stack = new Stack(app, 'Notified', { env: ENV });
    AlarmNotifications.sendTo(stack, new sns.Topic(stack, 'Alerts'));
    consumers(stack, 8);
    const child = synthAll(app).find(t => t.file.includes('ObservedAlarms1'))!;
    const alarm = Object.values(child.json.Resources).find((r: any) => r.Type === 'AWS::CloudWatch::Alarm') as any;
    expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/Alerts/) }]);
  });

  // property: over a range of stack sizes, no template passes CloudFormation's limits
  test.each([1, 3, 5, 8, 13, 21, 34, 50])('placement never passes the limits: %d function + queue pairs in one stack', pairs => {
    const app = newApp();
    const stack = new Stack(app, 'Prop', { env: ENV });
    const fns = consumers(stack, pairs);
    const templates = synthAll(app);
    for (const t of templates) {
      expect(t.resources).toBeLessThanOrEqual(AlarmPlacement.STACK_RESOURCE_LIMIT);
      expect(t.parameters).toBeLessThanOrEqual(AlarmPlacement.STACK_PARAMETER_LIMIT);
      expect(t.bytes).toBeLessThanOrEqual(AlarmPlacement.TEMPLATE_BYTES_LIMIT);
    }
    // no alarm was lost on the way: every one of them is in some template
    const total = templates.reduce((n, t) => n + alarmsIn(t), 0);
    expect(total).toBe(pairs * 10);
    expect(fns.reduce((n, fn) => n + fn.alarms.length, 0)).toBe(pairs * 6);
  });
});

describe('configured placement', () => {
  test('NESTED_STACKS moves every alarm out of the stack', () => {
    const app = newApp();
    AlarmPlacement.configure(app, { mode: AlarmPlacementMode.NESTED_STACKS });
    const stack = new Stack(app, 'AllNested', { env: ENV });
    consumers(stack, 1);
    const templates = synthAll(app);
    expect(alarmsIn(templates.find(t => t.file === 'AllNested.template.json')!)).toBe(0);
    expect(alarmsIn(templates.find(t => t.file.includes('ObservedAlarms1'))!)).toBe(10);
  });

  test('SAME_STACK keeps alarms in place and fails synth with the stack, the counts and the fix when it is too large', () => {
    const app = newApp();
    AlarmPlacement.configure(app, { mode: AlarmPlacementMode.SAME_STACK });
    const stack = new Stack(app, 'TooLarge', { env: ENV });
    consumers(stack, 30);
    expect(() => app.synth()).toThrow(/TooLarge: the template has 6\d\d resources; CloudFormation allows 500\. \d+ of them are alarms .*AlarmPlacementMode\.NESTED_STACKS/);
  });

  test('a stack whose own resources pass 500 gets an error that says alarms cannot help', () => {
    const app = newApp();
    const stack = new Stack(app, 'OwnTooLarge', { env: ENV });
    for (let i = 0; i < 50; i++) {
      const fn = new ObservedFunction(stack, `Fn${i}`, MINIMAL); // with the async failure queue: 12 own resources each
      fn.consumeQueue(new ObservedQueue(stack, `Queue${i}`));
    }
    expect(() => app.synth()).toThrow(/OwnTooLarge: the template has \d+ resources.*are not alarms .*split the stack/);
  });

  test('MONITORING_STACK puts alarms in the given stack; names still say where the owner is', () => {
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
    expect(names).toContain('Service/Fn0/ErrorRate');
    const dims = (Object.values(mon.json.Resources).find((r: any) => r.Properties.AlarmName === 'Service/Fn0/Throttles') as any).Properties.Dimensions;
    expect(dims[0].Value).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^Service:/) });
  });

  test('misuse is reported with the scope and the fix', () => {
    const app = new App();
    expect(() => AlarmPlacement.configure(app, { mode: AlarmPlacementMode.MONITORING_STACK }))
      .toThrow('AlarmPlacement.configure(app): monitoringStack is not set; it is required with mode MONITORING_STACK.');
    expect(() => AlarmPlacement.configure(app, { maxAlarmResourcesInStack: 501 })).toThrow(/allowed range is 0-500/);
    const stack = new Stack(app, 'Late');
    new ObservedFunction(stack, 'Fn', MINIMAL);
    expect(() => AlarmPlacement.configure(stack, { mode: AlarmPlacementMode.NESTED_STACKS }))
      .toThrow(/Late\): \d+ alarms under this scope already exist .*call AlarmPlacement.configure before creating observed constructs/);
  });
});
