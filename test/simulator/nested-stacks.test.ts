import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { AlarmPlacement, AlarmPlacementMode, ObservedFunction } from '../../src';
import { ObservedDashboard } from '../../src/monitoring/observed-dashboard';
import { ServiceHealth } from '../../src/monitoring/service-health';
import { AlarmSimulator, ScenarioResult, SimulatedAlarmState } from '../../src/simulator/alarm-simulator';
import { main } from '../../src/simulator/cli';
import { MINIMAL } from '../helpers';

const ENV = { account: '123456789012', region: 'us-east-1' };

/** An app whose alarms live in nested stacks, synthesized as `cdk synth` does (with path metadata). */
function synthesized(build: (app: App) => ObservedFunction[]): { dir: string; fns: ObservedFunction[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nested-sim-'));
  const app = new App({ outdir: dir, context: { 'aws:cdk:enable-path-metadata': true } });
  const fns = build(app);
  app.synth();
  return { dir, fns };
}

/** Errors on one function from minute 30: the scenario names it by construct path only. */
function incident(fn: string) {
  const invocations = new Array(60).fill(100);
  const errors = invocations.map((_x, i) => i >= 30 ? 30 : 0);
  return {
    name: `errors on ${fn}`,
    minutes: 60,
    onsetMinute: 30,
    affectedResources: [`\${${fn}}`],
    series: [
      { namespace: 'AWS/Lambda', metricName: 'Invocations', dimensions: { FunctionName: `\${${fn}}` }, data: invocations },
      { namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: `\${${fn}}` }, data: errors },
    ],
  };
}

function expectDetected(r: ScenarioResult, errorRateName: RegExp, healthName: string): void {
  const errorRate = r.alarms.find(a => errorRateName.test(a.alarmName))!;
  expect(errorRate).toBeDefined();
  expect(errorRate.firstAlarmMinute).toBeGreaterThan(30);
  expect(r.detectionMinutes).toBeGreaterThan(0);
  expect(r.detectionMinutes).toBeLessThanOrEqual(5);
  expect(r.falseAlarms).toBe(0);
  const health = r.alarms.find(a => a.alarmName === healthName)!;
  expect(health.composite).toBe(true);
  expect(health.evaluable).toBe(true);
  expect(health.finalState).toBe(SimulatedAlarmState.ALARM);
  expect(health.firstAlarmMinute).toBe(errorRate.firstAlarmMinute);
  // only the incident's function fired
  expect(r.alarms.filter(a => a.firstAlarmMinute !== undefined && !a.composite).every(a => /\/Fn7\/|\/Fn47\//.test(a.alarmName))).toBe(true);
  expect(r.warnings).toEqual([]);
}

describe('the simulator follows nested stacks', () => {
  let eight: { dir: string; fns: ObservedFunction[] };
  beforeAll(() => eight = synthesized(app => {
    const stack = new Stack(app, 'Eight', { env: ENV });
    AlarmPlacement.configure(stack, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 2 });
    new ServiceHealth(stack, 'Health');
    return Array.from({ length: 8 }, (_, i) => new ObservedFunction(stack, `Fn${i}`, { ...MINIMAL, asyncFailureQueue: false }));
  }));
  afterAll(() => fs.rmSync(eight.dir, { recursive: true, force: true }));

  test('8 functions, alarms in nested stacks: an incident on the 7th is detected and ServiceHealth is evaluated', () => {
    expect(Stack.of(eight.fns[7].alarms[0]).nested).toBe(true);
    const r = AlarmSimulator.fromAssembly(eight.dir).simulate(incident('Fn7'));
    expectDetected(r, /^Eight\/Fn7\/ErrorRate@ObservedAlarms\d$/, 'Eight/Health/ServiceHealth');
  });

  test('the top-level template alone (what the simulator read before) sees no nested alarm; its template file follows them', () => {
    const parentFile = path.join(eight.dir, 'Eight.template.json');
    const alone = new AlarmSimulator(JSON.parse(fs.readFileSync(parentFile, 'utf8'))).simulate(incident('Fn7'));
    expect(alone.detectionMinutes).toBeUndefined();
    expect(alone.alarms.find(a => a.composite)!.evaluable).toBe(false);
    const followed = AlarmSimulator.fromTemplateFile(parentFile).simulate(incident('Fn7'));
    expectDetected(followed, /^Eight\/Fn7\/ErrorRate@ObservedAlarms\d$/, 'Eight/Health/ServiceHealth');
  });

  test('the alarm reads the function by logical id as well: the nested parameter is resolved to the parent\'s reference', () => {
    const stack = Stack.of(eight.fns[7]);
    const logicalId = stack.getLogicalId(eight.fns[7].node.defaultChild as any);
    const r = AlarmSimulator.fromAssembly(eight.dir).simulate(incident(logicalId));
    expect(r.detectionMinutes).toBeDefined();
  });

  test('simulate --assembly and --template print the detection and the evaluated ServiceHealth', () => {
    const scenario = path.join(eight.dir, 'incident.json');
    fs.writeFileSync(scenario, JSON.stringify(incident('Fn7')));
    for (const input of [['--assembly', eight.dir], ['--template', path.join(eight.dir, 'Eight.template.json')], ['--template', eight.dir]]) {
      const out: string[] = [];
      expect(main(['simulate', ...input, '--scenario', scenario], s => out.push(s))).toBe(0);
      const text = out.join('\n');
      expect(text).toMatch(/ALARM {2}Eight\/Fn7\/ErrorRate@ObservedAlarms\d: \+\d min/);
      expect(text).toMatch(/ALARM {2}Eight\/Health\/ServiceHealth: \+\d min/);
      expect(text).toMatch(/detected: \+\d min after onset/);
      expect(text).not.toMatch(/NOT EVALUATED/);
    }
    expect(main(['simulate', '--assembly', eight.dir, '--template', 'x.json', '--scenario', scenario], () => undefined)).toBe(2);
  });

  test('a template whose nested stack templates are missing is simulated with a warning that says so, and fails (3): the service-health alarm names alarms it cannot see', () => {
    const lone = fs.mkdtempSync(path.join(os.tmpdir(), 'lone-'));
    try {
      fs.copyFileSync(path.join(eight.dir, 'Eight.template.json'), path.join(lone, 'Eight.template.json'));
      const scenario = path.join(lone, 'incident.json');
      fs.writeFileSync(scenario, JSON.stringify(incident('Fn7')));
      const out: string[] = [];
      expect(main(['simulate', '--template', path.join(lone, 'Eight.template.json'), '--scenario', scenario], s => out.push(s))).toBe(3);
      expect(out.join('\n')).toMatch(/NOT EVALUATED: \d+ of \d+ alarms could not be evaluated/);
      expect(out.join('\n')).toMatch(/warning: nested stack ObservedAlarms1NestedStack\w+: its template was not found beside Eight\.template\.json \(give the cloud assembly directory\); its alarms are not simulated/);
    } finally {
      fs.rmSync(lone, { recursive: true, force: true });
    }
  });

  test('60 functions, alarms in nested stacks of a monitoring stack: an incident is detected and ServiceHealth is evaluated', () => {
    const sixty = synthesized(app => {
      const monitoring = new Stack(app, 'Monitoring', { env: ENV });
      AlarmPlacement.configure(app, { mode: AlarmPlacementMode.MONITORING_STACK, monitoringStack: monitoring, alarmStacks: 3 });
      const service = new Stack(app, 'Service', { env: ENV });
      const fns = Array.from({ length: 60 }, (_, i) => new ObservedFunction(service, `Fn${i}`, { ...MINIMAL, asyncFailureQueue: false }));
      new ServiceHealth(monitoring, 'Health', { watch: service });
      new ObservedDashboard(monitoring, 'Dashboard', { watch: service });
      return fns;
    });
    try {
      expect(Stack.of(sixty.fns[47].alarms[0]).nestedStackParent?.stackName).toBe('Monitoring');
      const r = AlarmSimulator.fromAssembly(sixty.dir).simulate(incident('Fn47'));
      expectDetected(r, /^Service\/Fn47\/ErrorRate@Monitoring\/ObservedAlarms\d$/, 'Monitoring/Health/ServiceHealth');
      // every alarm of the 60 functions was read from the nested stacks, and none is unevaluable
      expect(r.alarms.filter(a => !a.composite)).toHaveLength(60 * 6);
      expect(r.alarms.filter(a => !a.evaluable)).toEqual([]);
      // the dashboard beside it graphs the same functions: its body names them through the monitoring stack's imports
      const monitoring = JSON.parse(fs.readFileSync(path.join(sixty.dir, 'Monitoring.template.json'), 'utf8'));
      const dashboards = Object.values<any>(monitoring.Resources).filter(x => x.Type === 'AWS::CloudWatch::Dashboard');
      expect(dashboards.length).toBeGreaterThan(0);
      expect(JSON.stringify(dashboards)).toMatch(/Fn::ImportValue/);
    } finally {
      fs.rmSync(sixty.dir, { recursive: true, force: true });
    }
  });
});
