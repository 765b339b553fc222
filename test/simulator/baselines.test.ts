import { withPeerAlarms } from './peers';
import { referenceApp } from './reference-app';
import { apiErrorBlip, healthyBaseline } from './scenarios/reference-scenarios';
import { AlarmSimulator } from '../../src/simulator/alarm-simulator';

const app = referenceApp();
const ours = new AlarmSimulator(app.template);

describe.each([1, 2])('healthy week, seed %i', seed => {
  const scenario = healthyBaseline(app.refs, { seed });

  test('7 days of diurnal traffic with noise: none of our default alarms fires', () => {
    const r = ours.simulate(scenario);
    expect(r.minutes).toBe(7 * 1440);
    expect(r.onsetMinute).toBeUndefined();
    expect(r.alarms.filter(a => !a.evaluable)).toEqual([]);
    expect(r.alarms.filter(a => a.firstAlarmMinute !== undefined).map(a => a.alarmName)).toEqual([]);
    expect(r.falseAlarmsPerWeek).toBe(0);
  });

  test('the noise is there: single errors, single timeouts, bursts', () => {
    const api = scenario.series!.filter(s => s.metricName === 'Errors' && s.dimensions?.FunctionName === app.refs.api.fn)[0];
    const minutesWithErrors = api.data.filter(v => typeof v === 'number' && v > 0).length;
    expect(minutesWithErrors).toBeGreaterThan(20);
    const timeouts = scenario.logs!.flatMap(l => l.events).filter(e => (e.message as { record: { status: string } }).record.status === 'timeout');
    expect(timeouts.length).toBeGreaterThan(0);
  });
});

test('a blip (4 % of requests failing for 3 minutes at 50 requests per second) fires nothing, burn-rate alarms included', () => {
  const r = ours.simulate(apiErrorBlip(app.refs));
  expect(r.alarms.filter(a => a.firstAlarmMinute !== undefined).map(a => a.alarmName)).toEqual([]);
});

test('the peers\' documented defaults fire on a healthy week', () => {
  const scenario = healthyBaseline(app.refs, { seed: 1 });
  const plugin = new AlarmSimulator(withPeerAlarms(app.template, 'serverless-plugin-aws-alerts', app.functions)).simulate(scenario);
  const watchful = new AlarmSimulator(withPeerAlarms(app.template, 'cdk-watchful', app.functions)).simulate(scenario);
  expect(plugin.falseAlarmsPerWeek).toBeGreaterThan(100);
  expect(watchful.falseAlarmsPerWeek).toBeGreaterThan(0);
});
