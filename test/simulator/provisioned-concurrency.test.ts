import { CfnElement, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ObservedFunction } from '../../src';
import { AlarmSimulator, ScenarioResult } from '../../src/simulator/alarm-simulator';
import { MINIMAL, testStack } from '../helpers';

/**
 * The provisioned-concurrency alarms (on the alias's FunctionName + Resource dimensions) against
 * scenarios: traffic that outgrows the provisioned environments, and a day of idle capacity.
 */
const stack = testStack();
const fn = new ObservedFunction(stack, 'Checkout', { ...MINIMAL, timeout: Duration.seconds(5), asyncFailureQueue: false, provisionedConcurrency: { executions: 10 } });
const fnRef = `\${${stack.getLogicalId(fn.node.defaultChild as CfnElement)}}`;
const simulator = new AlarmSimulator(Template.fromStack(stack).toJSON());
const alias = { FunctionName: fnRef, Resource: `${fnRef}:live` };

function firstAlarm(r: ScenarioResult, suffix: string): number | undefined {
  const a = r.alarms.find(x => x.alarmName.endsWith(suffix));
  if (!a) throw new Error(`no alarm ${suffix}`);
  return a.firstAlarmMinute;
}

const minutes = (n: number, f: (m: number) => number | null) => Array.from({ length: n }, (_, m) => f(m));

describe('provisioned concurrency alarms in the simulator', () => {
  test('traffic outgrows the provisioned environments: high utilization within 4 minutes, a sustained 40 % spillover within 10', () => {
    const onset = 30;
    const r = simulator.simulate({
      name: 'provisioned concurrency outgrown',
      minutes: 60,
      onsetMinute: onset,
      affectedResources: [fnRef],
      series: [
        { namespace: 'AWS/Lambda', metricName: 'ProvisionedConcurrencyUtilization', dimensions: alias, data: minutes(60, m => m < onset ? 0.5 : 1) },
        { namespace: 'AWS/Lambda', metricName: 'ProvisionedConcurrencySpilloverInvocations', dimensions: alias, data: minutes(60, m => m < onset ? 0 : 40) },
        { namespace: 'AWS/Lambda', metricName: 'Invocations', dimensions: alias, data: minutes(60, m => m < onset ? 60 : 100) },
      ],
    });
    // 2 of 2 five-minute windows above 10 %: the older one passes 10 % with its first spilled minute (+1 of delay)
    expect(firstAlarm(r, '/ProvisionedConcurrencySpillover')).toBe(onset + 7);
    expect(firstAlarm(r, '/ProvisionedConcurrencyHigh')).toBe(onset + 4);
    expect(r.falseAlarms).toBe(0);
  });

  test('a healthy burst that spills a few calls for two minutes does not fire the spillover alarm', () => {
    const r = simulator.simulate({
      name: 'burst',
      minutes: 60,
      series: [
        { namespace: 'AWS/Lambda', metricName: 'ProvisionedConcurrencySpilloverInvocations', dimensions: alias, data: minutes(60, m => m === 30 || m === 31 ? 15 : 0) },
        { namespace: 'AWS/Lambda', metricName: 'Invocations', dimensions: alias, data: minutes(60, m => m === 30 || m === 31 ? 100 : 60) },
      ],
    });
    expect(firstAlarm(r, '/ProvisionedConcurrencySpillover')).toBeUndefined();
  });

  test('a day of idle environments (no utilization data at all while idle) alarms after 24 hours; a busy day does not', () => {
    const day = 24 * 60;
    const idle = simulator.simulate({
      name: 'idle provisioned concurrency',
      minutes: day + 60,
      onsetMinute: 0,
      series: [{ namespace: 'AWS/Lambda', metricName: 'ProvisionedConcurrencyUtilization', dimensions: alias, data: minutes(day + 60, m => m % 180 === 0 ? 0.05 : null) }],
    });
    // 24 full hours, evaluated a minute after the last one ends (ingestion delay)
    expect(firstAlarm(idle, '/ProvisionedConcurrencyIdle')).toBe(day + 1);
    const busy = simulator.simulate({
      name: 'busy day',
      minutes: day + 60,
      series: [{ namespace: 'AWS/Lambda', metricName: 'ProvisionedConcurrencyUtilization', dimensions: alias, data: minutes(day + 60, m => (m % 1440) < 600 ? 0.1 : 0.7) }],
    });
    expect(firstAlarm(busy, '/ProvisionedConcurrencyIdle')).toBeUndefined();
    expect(busy.falseAlarms).toBe(0);
  });

  test('a day without any invocation (no utilization data at all) alarms after 24 hours, not at once', () => {
    const r = simulator.simulate({ name: 'no traffic', minutes: 2 * 24 * 60, series: [] });
    expect(firstAlarm(r, '/ProvisionedConcurrencyIdle')).toBe(24 * 60 + 1);
  });
});
