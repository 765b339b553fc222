import { withPeerAlarms } from './peers';
import { referenceApp } from './reference-app';
import { apiErrorBlip, healthyBaseline, isolatedSingleErrors } from './scenarios/reference-scenarios';
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

test('isolated single errors on busy functions (one every 7 minutes and pairs 2 minutes apart at 3-30 invocations a minute, one an hour on the API) fire nothing', () => {
  const scenario = isolatedSingleErrors(app.refs);
  const r = ours.simulate(scenario);
  expect(r.alarms.filter(a => a.firstAlarmMinute !== undefined).map(a => a.alarmName)).toEqual([]);
  // the errors are there, single ones beside successful invocations, two minutes apart every hour
  const errors = (fn: string) => scenario.series!.find(s => s.metricName === 'Errors' && s.dimensions?.FunctionName === fn)!.data;
  for (const fn of [app.refs.worker.fn, app.refs.notifier.fn]) {
    expect(errors(fn).filter(v => v === 1).length).toBeGreaterThan(200);
  }
  expect(errors(app.refs.api.fn).filter(v => v === 1).length).toBeGreaterThanOrEqual(24);
  const notifier = errors(app.refs.notifier.fn);
  expect(notifier.filter((v, m) => v === 1 && m % 60 === 32 && notifier[m - 2] === 1).length).toBeGreaterThan(20);
});

test('the peers\' documented defaults fire on a healthy week', () => {
  const scenario = healthyBaseline(app.refs, { seed: 1 });
  const plugin = new AlarmSimulator(withPeerAlarms(app.template, 'serverless-plugin-aws-alerts', app.functions)).simulate(scenario);
  const watchful = new AlarmSimulator(withPeerAlarms(app.template, 'cdk-watchful', app.functions)).simulate(scenario);
  expect(plugin.falseAlarmsPerWeek).toBeGreaterThan(100);
  expect(watchful.falseAlarmsPerWeek).toBeGreaterThan(0);
});
