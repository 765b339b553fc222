import { referenceApp } from './reference-app';
import { ACCOUNT_CONCURRENCY_ALARMS } from '../../src/account/account-concurrency-alarm-catalog';
import { CODE_STORAGE_ALARMS } from '../../src/account/code-storage-alarm-catalog';
import { REST_API_ALARMS } from '../../src/api/api-alarm-catalog';
import { AlarmCatalog } from '../../src/core/alarm-catalog';
import { FUNCTION_ALARMS } from '../../src/function/function-alarm-catalog';
import { QUEUE_ALARMS } from '../../src/queue/queue-alarm-catalog';
import { AlarmSimulator, ScenarioResult } from '../../src/simulator/alarm-simulator';
import { INCIDENTS } from '../../src/simulator/scenarios/reference-scenarios';
import { TABLE_ALARMS } from '../../src/table/table-alarm-catalog';
import { TABLE_STREAM_ALARMS } from '../../src/table/table-stream-alarm-catalog';

const app = referenceApp();
const simulator = new AlarmSimulator(app.template);
const results = new Map<string, ScenarioResult>(INCIDENTS.map(([name, generate]) => [name, simulator.simulate(generate(app.refs))]));

function fired(name: string): { [alarm: string]: number } {
  const r = results.get(name)!;
  const out: { [alarm: string]: number } = {};
  for (const a of r.alarms) {
    const first = a.changes.find(c => c.toState === 'ALARM' && c.minute >= (r.earlyWarningFromMinute ?? r.onsetMinute!));
    if (first) out[a.alarmName.replace(/^Orders\//, '')] = first.minute - r.onsetMinute!;
  }
  return out;
}

test('every alarm of the reference app can be evaluated', () => {
  const r = results.get('queueThrottling')!;
  expect(r.alarms.filter(a => !a.evaluable).map(a => `${a.alarmName}: ${a.unevaluableReason}`)).toEqual([]);
  expect(r.alarms.length).toBeGreaterThan(70);
});

test.each(INCIDENTS.map(([name]) => name))('%s: no false alarm before the onset, and detected', name => {
  const r = results.get(name)!;
  expect(r.falseAlarms).toBe(0);
  expect(r.detectionMinutes).toBeDefined();
});

describe('the incidents of issue 10, with their numbers', () => {
  test('queue throttling: throttles and the account concurrency alarm within 2 minutes, backpressure later', () => {
    expect(fired('queueThrottling')).toMatchObject({ 'Worker/Throttles': 2, 'Concurrency/ClaimedConcurrencyNearQuota': 2 });
    expect(fired('queueThrottling')['Jobs/Backpressure']).toBeGreaterThan(5);
    expect(results.get('queueThrottling')!.detectionMinutes).toBe(2);
  });

  test('consumer erroring: error rate at 2 minutes, stuck consumer at 5, the DLQ after 5 receives', () => {
    expect(fired('consumerErroring')).toMatchObject({ 'Worker/ErrorRate': 2, 'Jobs/StuckConsumer': 5, 'Jobs/DeadLetterQueueMessages': 31 });
  });

  test('backpressure: concurrency at the reserved limit at 2 minutes; the age of the oldest message later', () => {
    expect(fired('backpressure')).toMatchObject({ 'Reporter/ConcurrencyNearReserved': 2 });
    expect(fired('backpressure')['Reports/Backpressure']).toBeGreaterThanOrEqual(10);
  });

  test('DynamoDB under-provisioned: throttles, timeouts and API 5XX within 3 minutes', () => {
    const f = fired('dynamoUnderProvisioned');
    for (const a of ['OrdersTable/ReadThrottleEvents', 'OrdersTable/ThrottledRequests', 'Api/Timeouts', 'Api/ErrorRate', 'OrdersApiAlarms/ServerErrorRate']) {
      expect(f[a]).toBeLessThanOrEqual(3);
    }
    expect(f['OrdersTable/ReadCapacityNearProvisioned']).toBeGreaterThan(3); // 5-minute periods
  });

  test('memory leak: memory alarm before the first out-of-memory error', () => {
    expect(fired('memoryLeak')['Projector/MemoryNearLimit']).toBeLessThan(0);
  });

  test('timeouts close to duration: duration alarm before the first timeout, timeouts alarm after', () => {
    const f = fired('timeoutsNearDuration');
    expect(f['Api/DurationNearTimeout']).toBeLessThanOrEqual(0);
    expect(f['Api/Timeouts']).toBeLessThanOrEqual(3);
  });

  test('recursive loop: within a minute', () => {
    expect(fired('recursiveLoop')).toEqual({ 'Worker/RecursiveInvocationsDropped': 1 });
  });

  test('code storage: warned days before it is full; a failing poller within the alarms\' hourly windows', () => {
    expect(fired('codeStorageFilling')['CodeStorage/CodeStorageNearLimit']).toBeLessThan(-24 * 60);
    // PollerErrors: 2 of 2 hourly periods with an error. PollFailing evaluates FILL(polls, 0) < 1 in
    // 3 of 3 hours, so three hours without a poll alarm. (On the raw metric it took 5: hours without
    // a poll have no data point, and CloudWatch fills in missing points only when fewer than 3 are
    // present in its evaluation range; the simulator found that, and the catalog now uses FILL.)
    expect(fired('codeStoragePollerFailing')).toMatchObject({ 'CodeStorage/PollerErrors': 113, 'CodeStorage/PollFailing': 173 });
  });
});

test('determinism: the same seed gives the same scenario', () => {
  const [, generate] = INCIDENTS[0];
  expect(JSON.stringify(generate(app.refs, { seed: 7 }))).toBe(JSON.stringify(generate(app.refs, { seed: 7 })));
  expect(JSON.stringify(generate(app.refs, { seed: 7 }))).not.toBe(JSON.stringify(generate(app.refs, { seed: 8 })));
});

const CATALOGS: Array<[string, AlarmCatalog<string>]> = [
  ['function', FUNCTION_ALARMS], ['queue', QUEUE_ALARMS], ['table', TABLE_ALARMS], ['table stream', TABLE_STREAM_ALARMS],
  ['REST API', REST_API_ALARMS], ['account concurrency', ACCOUNT_CONCURRENCY_ALARMS], ['code storage', CODE_STORAGE_ALARMS],
];
const DEFAULT_KINDS = CATALOGS.flatMap(([catalog, entries]) => Object.entries(entries)
  .filter(([, e]) => e.enabledByDefault)
  .map(([option, e]) => [`${catalog} ${option}`, e.id] as [string, string]));

/**
 * Alarm kinds the reference app does not have yet, so no incident can fire them: the provisioned
 * concurrency alarms arrived in the catalog after the generators (the app has no provisioned
 * concurrency). A new kind fails this test until it has a scenario or is listed here.
 */
// the reference app has no provisioned concurrency: these fire in provisioned-concurrency.test.ts
const NOT_YET_SIMULATED = ['ProvisionedConcurrencySpillover', 'ProvisionedConcurrencyHigh', 'ProvisionedConcurrencyIdle'];

test.each(DEFAULT_KINDS)('default alarm %s (%s) fires in at least one incident', (_kind, id) => {
  const where = INCIDENTS.map(([name]) => name).filter(name => Object.keys(fired(name)).some(a => a.endsWith(`/${id}`)));
  if (NOT_YET_SIMULATED.includes(id)) expect(where).toEqual([]);
  else expect(where.length).toBeGreaterThan(0);
});
