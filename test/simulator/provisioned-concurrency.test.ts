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
  test('traffic outgrows the provisioned environments: high utilization and spillover alarm within 3 minutes', () => {
    const onset = 30;
    const r = simulator.simulate({
      name: 'provisioned concurrency outgrown',
      minutes: 60,
      onsetMinute: onset,
      affectedResources: [fnRef],
      series: [
        { namespace: 'AWS/Lambda', metricName: 'ProvisionedConcurrencyUtilization', dimensions: alias, data: minutes(60, m => m < onset ? 0.5 : 1) },
        { namespace: 'AWS/Lambda', metricName: 'ProvisionedConcurrencySpilloverInvocations', dimensions: alias, data: minutes(60, m => m < onset ? 0 : 40) },
      ],
    });
    expect(firstAlarm(r, '/ProvisionedConcurrencySpillover')).toBe(onset + 2);
    expect(firstAlarm(r, '/ProvisionedConcurrencyHigh')).toBe(onset + 3);
    expect(r.falseAlarms).toBe(0);
  });

  test('a day of idle environments (no utilization data at all while idle) alarms after 24 hours; a busy day does not', () => {
    const day = 24 * 60;
    const idle = simulator.simulate({
      name: 'idle provisioned concurrency',
      minutes: day + 60,
      onsetMinute: 0,
      series: [{ namespace: 'AWS/Lambda', metricName: 'ProvisionedConcurrencyUtilization', dimensions: alias, data: minutes(day + 60, m => m % 180 === 0 ? 0.05 : null) }],
    });
    expect(firstAlarm(idle, '/ProvisionedConcurrencyIdle')).toBe(day);
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
    expect(firstAlarm(r, '/ProvisionedConcurrencyIdle')).toBe(24 * 60);
  });
});
