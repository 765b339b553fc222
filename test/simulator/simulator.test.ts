import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ObservedFunction, ObservedTable } from '../../src';
import { AlarmSimulator, ScenarioResult, SimulatedAlarmState } from '../../src/simulator/alarm-simulator';
import { main } from '../../src/simulator/cli';
import { MINIMAL, testStack } from '../helpers';

const _ = null;

/** One ObservedFunction, one ObservedTable and a composite alarm over two of the function's alarms. */
function build(pathMetadata = false) {
  const app = new App(pathMetadata ? { context: { 'aws:cdk:enable-path-metadata': true } } : {});
  const stack = pathMetadata ? new Stack(app, 'TestStack', { env: { account: '123456789012', region: 'us-east-1' } }) : testStack();
  const fn = new ObservedFunction(stack, 'Fn', { ...MINIMAL, timeout: Duration.seconds(10), asyncFailureQueue: false });
  const table = new ObservedTable(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  const [errorRate, throttles] = fn.alarms;
  new cloudwatch.CompositeAlarm(stack, 'Composite', {
    compositeAlarmName: 'fn-unhealthy',
    alarmRule: cloudwatch.AlarmRule.anyOf(
      cloudwatch.AlarmRule.allOf(errorRate, cloudwatch.AlarmRule.not(cloudwatch.AlarmRule.fromAlarm(throttles, cloudwatch.AlarmState.OK))),
      cloudwatch.AlarmRule.fromAlarm(throttles, cloudwatch.AlarmState.ALARM),
    ),
  });
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  return { template: Template.fromStack(stack).toJSON(), fnId: id(fn), tableId: id(table), logGroupId: id(fn.logGroup) };
}

const built = build();
// the evaluation's mechanics, without ingestion delay (tested on its own below)
const NO_DELAY = { metricDelayMinutes: 0, logDelayMinutes: 0 };
const simulator = new AlarmSimulator(built.template, NO_DELAY);
const fnRef = `\${${built.fnId}}`;

function alarm(r: ScenarioResult, suffix: string) {
  const a = r.alarms.find(x => x.alarmName.endsWith(suffix));
  if (!a) throw new Error(`no alarm ${suffix}`);
  return a;
}

function lambda(metricName: string, data: unknown[], fn = fnRef) {
  return { namespace: 'AWS/Lambda', metricName, dimensions: { FunctionName: fn }, data };
}

describe('metric alarms of our constructs', () => {
  test('error rate: fires 2 minutes after onset, back to OK when errors stop', () => {
    const invocations = new Array(20).fill(100);
    const errors = invocations.map((_x, i) => i >= 10 && i < 14 ? 30 : 0);
    const r = simulator.simulate({ name: 'errors', minutes: 20, onsetMinute: 10, series: [lambda('Invocations', invocations), lambda('Errors', errors)] });
    const a = alarm(r, '/ErrorRate');
    expect(a.evaluable).toBe(true);
    expect(a.changes.map(c => [c.minute, c.toState])).toEqual([[1, 'OK'], [12, 'ALARM'], [16, 'OK']]);
    expect(a.changes[1].reason).toMatch(/2 of 3 breaching \(needs 2\)/);
    expect(a.changes[1].timestamp).toBe('2024-01-01T00:12:00.000Z');
    expect(r.detectionMinutes).toBe(2);
    expect(r.falseAlarms).toBe(0);
  });

  test('error rate: lone errors among successful invocations never count, two lone errors 2 minutes apart included', () => {
    const invocations = new Array(30).fill(12);
    const errors = invocations.map((_x, i) => [10, 12, 20, 21].includes(i) ? 1 : 0);
    const r = simulator.simulate({ minutes: 30, series: [lambda('Invocations', invocations), lambda('Errors', errors)] });
    expect(alarm(r, '/ErrorRate').firstAlarmMinute).toBeUndefined();
    // 2 errors a minute among 12 (17 %) do
    const twice = invocations.map((_x, i) => i >= 10 && i < 12 ? 2 : 0);
    expect(alarm(simulator.simulate({ minutes: 30, series: [lambda('Invocations', invocations), lambda('Errors', twice)] }), '/ErrorRate').firstAlarmMinute).toBe(12);
  });

  test('error rate: a function invoked once a minute failing every invocation alarms 2 minutes after its first failure', () => {
    const invocations = new Array(20).fill(1);
    const errors = invocations.map((_x, i) => i >= 10 ? 1 : 0);
    const r = simulator.simulate({ minutes: 20, onsetMinute: 10, series: [lambda('Invocations', invocations), lambda('Errors', errors)] });
    expect(r.detectionMinutes).toBe(2);
  });

  test('error rate: a lone failure alarms unless the next invocation soon succeeds (until then it may be the first failure of an outage)', () => {
    const invocations = [1, _, _, _, _, _, _, 1, _, _, _, _];
    const errors = [0, _, _, _, _, _, _, 1, _, _, _, _];
    const r = simulator.simulate({ minutes: 12, onsetMinute: 7, series: [lambda('Invocations', invocations), lambda('Errors', errors)] });
    expect(r.detectionMinutes).toBe(2);
    // the next invocation, a minute later, succeeds: a lone error among successes, no alarm
    const next = simulator.simulate({ minutes: 12, series: [lambda('Invocations', [1, _, _, _, _, _, _, 1, 1]), lambda('Errors', [0, _, _, _, _, _, _, 1, 0])] });
    expect(alarm(next, '/ErrorRate').firstAlarmMinute).toBeUndefined();
    // a success two minutes before only delays it: the failure alarms once that success has left the range
    const before = simulator.simulate({ minutes: 12, series: [lambda('Invocations', [1, _, _, _, _, 1, _, 1]), lambda('Errors', [0, _, _, _, _, 0, _, 1])] });
    expect(alarm(before, '/ErrorRate').firstAlarmMinute).toBe(11);
  });

  test('no traffic: the error rate has no data points and stays INSUFFICIENT_DATA (missing data is missing)', () => {
    const r = simulator.simulate({ minutes: 10, series: [lambda('Errors', [1, 1, 1])] });
    expect(alarm(r, '/ErrorRate').finalState).toBe(SimulatedAlarmState.INSUFFICIENT_DATA);
    expect(alarm(r, '/ErrorRate').firstAlarmMinute).toBeUndefined();
  });

  test('p99 duration per period from value/count distributions', () => {
    const slow = { values: [100, 9000], counts: [98, 2] }; // p99 = 9000 ms > 8000 ms (80% of 10 s)
    const fast = { values: [100, 9000], counts: [99.5, 0.5] }; // p99 = 100 ms
    const r = simulator.simulate({ minutes: 6, series: [lambda('Duration', [fast, slow, slow, fast, fast, fast])] });
    expect(alarm(r, '/DurationNearTimeout').changes.map(c => [c.minute, c.toState])).toEqual([[1, 'OK'], [3, 'ALARM'], [5, 'OK']]);
  });

  test('precomputed percentiles: used for one-minute periods', () => {
    const r = simulator.simulate({ minutes: 3, series: [lambda('Duration', [{ percentiles: { p99: 9500 } }, { percentiles: { p99: 9500 } }, _])] });
    expect(alarm(r, '/DurationNearTimeout').firstAlarmMinute).toBe(2);
  });

  test('timeouts and max memory are counted from log events by the template\'s metric filters', () => {
    const report = (status: string, mb: number) => ({ type: 'platform.report', record: { status, metrics: { maxMemoryUsedMB: mb } } });
    const logGroup = `\${${built.logGroupId}}`;
    const events = [0, 1, 2, 3].flatMap(minute => [
      { minute, count: 50, message: report('success', 400) },
      ...(minute >= 2 ? [{ minute, count: 1, message: report('timeout', 950) }] : []),
    ]);
    const r = simulator.simulate({ minutes: 5, logs: [{ logGroup, events }] });
    expect(alarm(r, '/Timeouts').firstAlarmMinute).toBe(4);
    // only records at or above 921.6 MB (90% of 1024) publish the memory metric
    expect(alarm(r, '/MemoryNearLimit').firstAlarmMinute).toBe(4);
    expect(r.warnings).toEqual([]);
  });

  test('AWS/DynamoDB: a raw metric alarm keeps ALARM while data is missing; our FILL alarm returns to OK', () => {
    const raw = {
      ...built.template,
      Resources: {
        ...built.template.Resources,
        RawThrottles: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            AlarmName: 'raw',
            Namespace: 'AWS/DynamoDB',
            MetricName: 'ReadThrottleEvents',
            Statistic: 'Sum',
            Period: 60,
            Dimensions: [{ Name: 'TableName', Value: { Ref: built.tableId } }],
            EvaluationPeriods: 3,
            DatapointsToAlarm: 2,
            ComparisonOperator: 'GreaterThanThreshold',
            Threshold: 0,
            TreatMissingData: 'notBreaching',
          },
        },
      },
    };
    const series = [{ namespace: 'AWS/DynamoDB', metricName: 'ReadThrottleEvents', dimensions: { TableName: `\${${built.tableId}}` }, data: [_, 5, 5, 5] }];
    const r = new AlarmSimulator(raw, NO_DELAY).simulate({ minutes: 30, series });
    const rawAlarm = alarm(r, 'raw');
    expect(rawAlarm.notes.join()).toMatch(/always ignore missing data/);
    expect(rawAlarm.finalState).toBe('ALARM');
    const ours = alarm(r, '/ReadThrottleEvents');
    expect(ours.changes.map(c => c.toState)).toEqual(['OK', 'ALARM', 'OK']);
  });
});

describe('composite alarms', () => {
  test('the rule is evaluated whenever a child changes', () => {
    const invocations = new Array(12).fill(100);
    const errors = invocations.map((_x, i) => i >= 2 ? 50 : 0);
    const throttles = invocations.map((_x, i) => i >= 6 ? 3 : 0);
    const r = simulator.simulate({ minutes: 12, series: [lambda('Invocations', invocations), lambda('Errors', errors), lambda('Throttles', throttles)] });
    const composite = alarm(r, 'fn-unhealthy');
    expect(composite.composite).toBe(true);
    // error rate ALARM at 4 while throttles are OK (rule false); throttles ALARM at 8 -> rule true
    expect(composite.changes.map(c => [c.minute, c.toState])).toEqual([[1, 'OK'], [8, 'ALARM']]);
  });

  test('a rule naming an alarm the template lacks is reported', () => {
    const t = { Resources: { C: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmName: 'c', AlarmRule: 'ALARM(nope) OR TRUE' } } } };
    const r = new AlarmSimulator(t, NO_DELAY).simulate({ minutes: 5 });
    expect(r.alarms[0].evaluable).toBe(false);
    expect(r.alarms[0].unevaluableReason).toMatch(/refers to nope/);
  });

  test('TRUE and FALSE', () => {
    const t = {
      Resources: {
        T: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmName: 't', AlarmRule: 'TRUE' } },
        F: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: { AlarmName: 'f', AlarmRule: 'NOT (TRUE AND FALSE) AND FALSE' } },
      },
    };
    const r = new AlarmSimulator(t, NO_DELAY).simulate({ minutes: 5 });
    expect(r.alarms.map(a => a.finalState)).toEqual(['ALARM', 'OK']);
  });
});

describe('naming resources in scenarios', () => {
  test('by construct path (aws:cdk:path metadata), with or without the stack name', () => {
    const withPaths = build(true);
    const sim = new AlarmSimulator(withPaths.template, NO_DELAY);
    for (const name of ['${Fn}', '${TestStack/Fn}', '${TestStack/Fn/Resource}', `\${${withPaths.fnId}}`]) {
      const r = sim.simulate({ minutes: 4, series: [lambda('Throttles', [0, 2, 2, 2], name)] });
      expect(alarm(r, '/Throttles').firstAlarmMinute).toBe(3);
      expect(r.warnings).toEqual([]);
    }
    const logs = sim.simulate({ minutes: 3, logs: [{ logGroup: '${Fn/LogGroup}', events: [0, 1].map(minute => ({ minute, message: { type: 'platform.report', record: { status: 'timeout' } } })) }] });
    expect(alarm(logs, '/Timeouts').firstAlarmMinute).toBe(2);
  });

  test('${X} matches a Ref and any GetAtt of X; ${X.Attr} only that attribute', () => {
    const t = {
      Resources: {
        Q: { Type: 'AWS::SQS::Queue' },
        A: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            AlarmName: 'a',
            Namespace: 'AWS/SQS',
            MetricName: 'ApproximateAgeOfOldestMessage',
            Statistic: 'Maximum',
            Period: 60,
            Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Q', 'QueueName'] } }],
            EvaluationPeriods: 1,
            ComparisonOperator: 'GreaterThanThreshold',
            Threshold: 10,
          },
        },
      },
    };
    const sim = new AlarmSimulator(t, NO_DELAY);
    const run = (name: string) => sim.simulate({ minutes: 2, series: [{ namespace: 'AWS/SQS', metricName: 'ApproximateAgeOfOldestMessage', dimensions: { QueueName: name }, data: [20, 20] }] });
    expect(run('${Q}').alarms[0].firstAlarmMinute).toBe(1);
    expect(run('${Q.QueueName}').alarms[0].firstAlarmMinute).toBe(1);
    expect(run('${Q.Arn}').alarms[0].firstAlarmMinute).toBeUndefined();
    expect(run('${Q.Arn}').warnings[0]).toMatch(/no alarm reads the series/);
  });

  test('a name that is no resource of the template is an error', () => {
    expect(() => simulator.simulate({ minutes: 2, series: [lambda('Errors', [1], '${Nope}')] })).toThrow(/\$\{Nope\} names no resource/);
  });
});

describe('what cannot be evaluated is reported, never guessed', () => {
  const alarmWith = (props: object) => ({
    Resources: {
      A: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: 'a', Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold', Threshold: 0, ...props,
        },
      },
    },
  });

  test.each([
    ['an imported dimension value', { Dimensions: [{ Name: 'FunctionName', Value: { 'Fn::ImportValue': 'SharedFn' } }] }, /Fn::ImportValue/],
    ['anomaly detection', { ThresholdMetricId: 'ad1' }, /anomaly detection/],
    ['an unknown statistic', { Statistic: undefined, ExtendedStatistic: 'tm90' }, /statistic tm90 is not supported/],
    ['an unknown metric math function', {
      Namespace: undefined,
      MetricName: undefined,
      Statistic: undefined,
      Period: undefined,
      Metrics: [
        { Id: 'e1', Expression: 'STDDEV(m1)' },
        { Id: 'm1', ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors' }, Period: 60, Stat: 'Sum' } },
      ],
    }, /STDDEV is not supported/],
    ['a high-resolution period', { Period: 10 }, /whole minutes/],
    ['SERVICE_QUOTA without a quota in the scenario', {
      Namespace: undefined,
      MetricName: undefined,
      Statistic: undefined,
      Period: undefined,
      Metrics: [
        { Id: 'e1', Expression: 'm1 / SERVICE_QUOTA(m1)' },
        { Id: 'm1', ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'ConcurrentExecutions' }, Period: 60, Stat: 'Maximum' } },
      ],
    }, /needs the quota/],
  ])('%s', (_name, props, reason) => {
    const r = new AlarmSimulator(alarmWith(props), NO_DELAY).simulate({ minutes: 3, series: [] });
    expect(r.alarms[0].evaluable).toBe(false);
    expect(r.alarms[0].unevaluableReason).toMatch(reason);
  });

  test('precomputed percentiles cannot be combined over a 5-minute period', () => {
    const t = alarmWith({ MetricName: 'Duration', Statistic: undefined, ExtendedStatistic: 'p99', Period: 300 });
    const r = new AlarmSimulator(t, NO_DELAY).simulate({ minutes: 5, series: [{ namespace: 'AWS/Lambda', metricName: 'Duration', data: [{ percentiles: { p99: 5 } }] }] });
    expect(r.alarms[0].unevaluableReason).toMatch(/cannot be combined/);
  });

  test('EvaluateLowSampleCountPercentile ignore keeps the state while samples are few', () => {
    const t = alarmWith({ MetricName: 'Duration', Statistic: undefined, ExtendedStatistic: 'p99', Threshold: 100, EvaluateLowSampleCountPercentile: 'ignore' });
    const few = { values: [500], counts: [10] };
    const many = { values: [500], counts: [1000] };
    const r = new AlarmSimulator(t, NO_DELAY).simulate({ minutes: 3, series: [{ namespace: 'AWS/Lambda', metricName: 'Duration', data: [few, few, many] }] });
    expect(r.alarms[0].changes.map(c => [c.minute, c.toState])).toEqual([[3, 'ALARM']]);
  });

  test('5-minute periods slide: evaluated every minute over the last 5 minutes (the default SlidingWindow)', () => {
    const t = alarmWith({ Period: 300, EvaluationPeriods: 1, Threshold: 4 });
    const r = new AlarmSimulator(t, NO_DELAY).simulate({ minutes: 10, series: [{ namespace: 'AWS/Lambda', metricName: 'Errors', data: [1, 1, 1, 1, 1, 1, 0, 0, 0, 0] }] });
    // the first evaluation is at the end of the first full period; minutes 0-4 and 1-5 sum to 5, 2-6 to 4
    expect(r.alarms[0].changes.map(c => [c.minute, c.toState])).toEqual([[5, 'ALARM'], [7, 'OK']]);
  });

  test('a WallClockWindow evaluates clock-aligned periods only', () => {
    const t = alarmWith({ Period: 300, EvaluationPeriods: 1, Threshold: 4, EvaluationWindow: { WallClockWindow: {} } });
    const r = new AlarmSimulator(t, NO_DELAY).simulate({ minutes: 10, series: [{ namespace: 'AWS/Lambda', metricName: 'Errors', data: [1, 1, 1, 1, 1, 1, 0, 0, 0, 0] }] });
    expect(r.alarms[0].changes.map(c => [c.minute, c.toState])).toEqual([[5, 'ALARM'], [10, 'OK']]);
  });

  test('an onset at any minute is seen within a minute by a sliding 5-minute alarm, up to 5 minutes later by a wall-clock one', () => {
    const sliding = alarmWith({ Period: 300, EvaluationPeriods: 1, Threshold: 0 });
    const clock = alarmWith({ Period: 300, EvaluationPeriods: 1, Threshold: 0, EvaluationWindow: { WallClockWindow: {} } });
    for (let onset = 5; onset < 10; onset++) {
      const data = Array.from({ length: 20 }, (_x, i) => i >= onset ? 1 : 0);
      const first = (t: unknown) => new AlarmSimulator(t, NO_DELAY).simulate({ minutes: 20, series: [{ namespace: 'AWS/Lambda', metricName: 'Errors', data }] }).alarms[0].firstAlarmMinute! - onset;
      expect(first(sliding)).toBe(1);
      expect(first(clock)).toBe(10 - onset);
    }
  });
});

/** A template of one alarm on AWS/Lambda Errors (Sum, 1 minute, > 0), with props overridden. */
function bareAlarm(props: object) {
  return {
    Resources: {
      A: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { AlarmName: 'a', Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold', Threshold: 0, ...props },
      },
    },
  };
}

describe('ingestion delay', () => {
  test('AWS metrics are evaluated a minute after their minute by default; metrics from logs two', () => {
    const invocations = new Array(20).fill(100);
    const errors = invocations.map((_x, i) => i >= 10 ? 30 : 0);
    const r = new AlarmSimulator(built.template).simulate({ minutes: 20, onsetMinute: 10, series: [lambda('Invocations', invocations), lambda('Errors', errors)] });
    expect(alarm(r, '/ErrorRate').firstAlarmMinute).toBe(13);
    const logs = [{ logGroup: `\${${built.logGroupId}}`, events: [10, 11].map(minute => ({ minute, message: { type: 'platform.report', record: { status: 'timeout', metrics: { durationMs: 10000, maxMemoryUsedMB: 100, memorySizeMB: 1024 } } } })) }];
    const timeouts = new AlarmSimulator(built.template).simulate({ minutes: 20, onsetMinute: 10, logs });
    expect(alarm(timeouts, '/Timeouts').firstAlarmMinute).toBe(12 + 2);
    expect(new AlarmSimulator(built.template, NO_DELAY).simulate({ minutes: 20, onsetMinute: 10, logs }).alarms.find(a => a.alarmName.endsWith('/Timeouts'))!.firstAlarmMinute).toBe(12);
  });

  test('delays are whole minutes >= 0', () => {
    expect(() => new AlarmSimulator(built.template, { metricDelayMinutes: -1 })).toThrow('metricDelayMinutes is -1; allowed is a whole number >= 0');
  });
});

describe('percentile rules', () => {
  test('no percentile of a period with a negative value (CloudWatch computes none): no data point', () => {
    const t = bareAlarm({ MetricName: 'Duration', Statistic: undefined, ExtendedStatistic: 'p99', Threshold: 0, TreatMissingData: 'notBreaching' });
    const r = new AlarmSimulator(t, NO_DELAY).simulate({ minutes: 3, series: [{ namespace: 'AWS/Lambda', metricName: 'Duration', data: [{ values: [-5, 10], counts: [1, 100] }, { values: [10], counts: [100] }] }] });
    // minute 0 has no p99 (missing, not breaching); minute 1 has one
    expect(r.alarms[0].changes.map(c => [c.minute, c.toState])).toEqual([[1, 'OK'], [2, 'ALARM']]);
  });

  test('low sample count "ignore": p0 and p100 are always evaluated', () => {
    const t = bareAlarm({ MetricName: 'Duration', Statistic: undefined, ExtendedStatistic: 'p100', Threshold: 100, EvaluateLowSampleCountPercentile: 'ignore' });
    const r = new AlarmSimulator(t, NO_DELAY).simulate({ minutes: 1, series: [{ namespace: 'AWS/Lambda', metricName: 'Duration', data: [{ values: [500], counts: [1] }] }] });
    expect(r.alarms[0].changes.map(c => [c.minute, c.toState])).toEqual([[1, 'ALARM']]);
  });

  test('low sample count "ignore" applies to percentiles inside metric math too', () => {
    const t = bareAlarm({
      Namespace: undefined,
      MetricName: undefined,
      Statistic: undefined,
      Period: undefined,
      EvaluateLowSampleCountPercentile: 'ignore',
      Threshold: 100,
      Metrics: [
        { Id: 'e1', Expression: 'FILL(m1, 0)' },
        { Id: 'm1', ReturnData: false, MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Duration' }, Period: 60, Stat: 'p99' } },
      ],
    });
    const few = { values: [500], counts: [5] };
    const many = { values: [500], counts: [1000] };
    const r = new AlarmSimulator(t, NO_DELAY).simulate({ minutes: 3, series: [{ namespace: 'AWS/Lambda', metricName: 'Duration', data: [few, few, many] }] });
    expect(r.alarms[0].changes.map(c => [c.minute, c.toState])).toEqual([[3, 'ALARM']]);
  });
});

describe('CLI', () => {
  test('simulate --template --scenario prints what fired and when', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-cli-'));
    try {
      const template = path.join(dir, 'template.json');
      const scenario = path.join(dir, 'scenario.json');
      fs.writeFileSync(template, JSON.stringify(built.template));
      fs.writeFileSync(scenario, JSON.stringify([
        { name: 'throttled', minutes: 6, onsetMinute: 2, series: [lambda('Throttles', [0, 0, 5, 5, 5, 5])] },
        { name: 'quiet', minutes: 6, series: [lambda('Throttles', [0, 0, 0, 0, 0, 0])] },
      ]));
      const out: string[] = [];
      expect(main(['simulate', '--template', template, '--scenario', scenario], s => out.push(s))).toBe(0);
      const text = out.join('\n');
      expect(text).toMatch(/Scenario: throttled \(6 minutes, onset at minute 2\)/);
      // one minute of ingestion delay by default
      expect(text).toMatch(/ALARM {2}TestStack\/Fn\/Throttles: \+3 min/);
      expect(text).toMatch(/detected: \+3 min after onset/);
      expect(text).toMatch(/Scenario: quiet \(6 minutes, baseline\)\n {2}no alarm fired\n {2}false alarms: 0 \(0 per week\)/);
      const json: string[] = [];
      main(['simulate', '--template', template, '--scenario', scenario, '--json'], s => json.push(s));
      expect(JSON.parse(json[0])[0].detectionMinutes).toBe(3);
      expect(main(['simulate', '--template', template], () => undefined)).toBe(2);
      expect(main(['help'], () => undefined)).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an alarm that cannot be evaluated: a clear line, and exit code 3', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-cli-'));
    try {
      const template = path.join(dir, 'template.json');
      const scenario = path.join(dir, 'scenario.json');
      fs.writeFileSync(template, JSON.stringify(bareAlarm({ ThresholdMetricId: 'ad1' })));
      fs.writeFileSync(scenario, JSON.stringify({ name: 'quiet', minutes: 5 }));
      const out: string[] = [];
      expect(main(['simulate', '--template', template, '--scenario', scenario], s => out.push(s))).toBe(3);
      expect(out.join('\n')).toMatch(/NOT EVALUATED: 1 of 1 alarms could not be evaluated; the detections and false alarms above do not include them\./);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
