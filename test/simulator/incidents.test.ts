import { referenceApp } from './reference-app';
import { INCIDENTS, jobFailingEveryRun } from './scenarios/reference-scenarios';
import { ACCOUNT_CONCURRENCY_ALARMS } from '../../src/account/account-concurrency-alarm-catalog';
import { CODE_STORAGE_ALARMS } from '../../src/account/code-storage-alarm-catalog';
import { REST_API_ALARMS } from '../../src/api/api-alarm-catalog';
import { AlarmCatalog } from '../../src/core/alarm-catalog';
import { FUNCTION_ALARMS } from '../../src/function/function-alarm-catalog';
import { QUEUE_ALARMS } from '../../src/queue/queue-alarm-catalog';
import { AlarmSimulator, ScenarioResult } from '../../src/simulator/alarm-simulator';
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
  test('queue throttling: throttles and the account concurrency alarm within 3 minutes, backpressure later', () => {
    expect(fired('queueThrottling')).toMatchObject({ 'Worker/Throttles': 3, 'Concurrency/ClaimedConcurrencyNearQuota': 3 });
    expect(fired('queueThrottling')['Jobs/Backpressure']).toBeGreaterThan(5);
    expect(results.get('queueThrottling')!.detectionMinutes).toBe(3);
  });

  test('consumer erroring: error rate at 3 minutes, stuck consumer at 6, the DLQ after 5 receives', () => {
    expect(fired('consumerErroring')).toMatchObject({ 'Worker/ErrorRate': 3, 'Jobs/StuckConsumer': 6, 'Jobs/DeadLetterQueueMessages': 32 });
  });

  test('backpressure: concurrency at the reserved limit at 3 minutes; the age of the oldest message later', () => {
    expect(fired('backpressure')).toMatchObject({ 'Reporter/ConcurrencyNearReserved': 3 });
    expect(fired('backpressure')['Reports/Backpressure']).toBeGreaterThanOrEqual(10);
  });

  test('DynamoDB under-provisioned: throttles and API 5XX within 4 minutes, timeouts (from the logs) within 5', () => {
    const f = fired('dynamoUnderProvisioned');
    for (const a of ['OrdersTable/ReadThrottleEvents', 'OrdersTable/ThrottledRequests', 'Api/ErrorRate', 'OrdersApiAlarms/ServerErrorRate']) {
      expect(f[a]).toBeLessThanOrEqual(4);
    }
    expect(f['Api/Timeouts']).toBeLessThanOrEqual(5);
    expect(f['OrdersTable/ReadCapacityNearProvisioned']).toBeGreaterThan(3); // 5-minute periods
  });

  test('memory leak: memory alarm before the first out-of-memory error', () => {
    expect(fired('memoryLeak')['Projector/MemoryNearLimit']).toBeLessThan(0);
  });

  test('timeouts close to duration: duration alarm before the first timeout, timeouts alarm after', () => {
    const f = fired('timeoutsNearDuration');
    expect(f['Api/DurationNearTimeout']).toBeLessThanOrEqual(0);
    expect(f['Api/Timeouts']).toBeLessThanOrEqual(4);
  });

  test('recursive loop: within 2 minutes (1 of ingestion delay)', () => {
    expect(fired('recursiveLoop')).toEqual({ 'Worker/RecursiveInvocationsDropped': 2 });
  });

  test('code storage: warned days before it is full; a failing poller within the alarms\' hourly windows', () => {
    expect(fired('codeStorageFilling')['CodeStorage/CodeStorageNearLimit']).toBeLessThan(-24 * 60);
    // PollerErrors: 2 of 2 hourly periods with an error. PollFailing evaluates FILL(polls, 0) < 1 in
    // 3 of 3 hours, so three hours without a poll alarm. (On the raw metric it took 5: hours without
    // a poll have no data point, and CloudWatch fills in missing points only when fewer than 3 are
    // present in its evaluation range; the simulator found that, and the catalog now uses FILL.)
    expect(fired('codeStoragePollerFailing')).toMatchObject({ 'CodeStorage/PollerErrors': 62, 'CodeStorage/PollFailing': 123 });
  });
});

describe('failures at every traffic level (issue 15)', () => {
  test('an hourly job failing on every run: alarmed 3 minutes after its first failed run (1 of ingestion delay), and again at each later one', () => {
    const hourly = results.get('hourlyJobFailing')!.alarms.find(a => a.alarmName === 'Orders/Hourly/ErrorRate')!;
    const onset = results.get('hourlyJobFailing')!.onsetMinute!;
    expect(hourly.changes.filter(c => c.toState === 'ALARM').map(c => c.minute - onset)).toEqual([3, 63, 123]);
  });

  test('a single failed run of an hourly job is alarmed within 5 minutes, and its event in the failure queue', () => {
    expect(fired('hourlyJobFailingOnce')).toEqual({ 'Hourly/ErrorRate': 3, 'Hourly/FailureQueueMessages': 2 });
  });
});

describe('a function failing on every invocation, at any rate from one invocation an hour (issue 15)', () => {
  // a run every 60, 30, 20, 15, 10, 5, 3, 2 and 1 minutes, then 2 and 12 a minute; three onset phases each
  const RATES = [1, 2, 3, 4, 6, 12, 20, 30, 60, 120, 720];
  test.each(RATES)('%i runs an hour: ErrorRate within 5 minutes of the first failed run (1 of ingestion delay included), no alarm before it', runsPerHour => {
    const minutes = [0, 7, 23].map(offset => {
      const r = simulator.simulate(jobFailingEveryRun(app.refs, runsPerHour, { seed: offset + 1, start: new Date(Date.parse('2024-01-01T07:00:00Z') + offset * 60_000).toISOString() }));
      expect(r.falseAlarms).toBe(0);
      const errorRate = r.alarms.find(a => a.alarmName === 'Orders/Hourly/ErrorRate')!;
      return errorRate.changes.find(c => c.toState === 'ALARM' && c.minute >= r.onsetMinute!)!.minute - r.onsetMinute!;
    });
    // the target is 5; measured: 3 (two periods and a minute of ingestion delay), 4 where the next run comes 2 or 3 minutes later
    expect(Math.max(...minutes)).toBeLessThanOrEqual(4);
    expect(Math.min(...minutes)).toBeGreaterThanOrEqual(3);
  });
});

describe('a growing backlog, whatever the age threshold (issue 15)', () => {
  test('a consumer capped at 2 batches while producers triple: the trend within 10 minutes, the 300 s threshold at 17', () => {
    expect(fired('cappedConsumer')).toEqual({ 'Jobs/BacklogGrowing': 8, 'Jobs/Backpressure': 17 });
  });

  test('backpressure on the reserved-concurrency reporter: the trend within 10 minutes', () => {
    expect(fired('backpressure')['Reports/BacklogGrowing']).toBeLessThanOrEqual(10);
  });
});

describe('error-budget burn (issue 15)', () => {
  test('2 % of requests failing at 50 requests per second: the fast burn within 10 minutes, below every 5 % error-rate threshold', () => {
    const f = fired('apiLowRateErrors');
    expect(f['OrdersApiAlarms/ErrorBudgetFastBurn']).toBeLessThanOrEqual(10);
    expect(f['OrdersApiAlarms/ServerErrorRate']).toBeUndefined();
  });

  test('0.4 % failing for hours: the slow burn, after half of its 6-hour window', () => {
    const f = fired('apiSlowBurn');
    expect(f['OrdersApiAlarms/ErrorBudgetSlowBurn']).toBeGreaterThanOrEqual(150);
    expect(f['OrdersApiAlarms/ErrorBudgetSlowBurn']).toBeLessThanOrEqual(240);
    expect(f['OrdersApiAlarms/ErrorBudgetFastBurn']).toBeUndefined();
  });
});

describe('latency below the timeout (issue 15)', () => {
  test('a dependency ten times slower: the stated p99 objective of 1 s fires within 10 minutes; nothing near the timeout does', () => {
    expect(fired('slowDependency')).toEqual({ 'Api/LatencyObjective': 7 });
  });
});

describe('traffic that stops, opt-in (issue 15)', () => {
  test('the orders API goes silent: alarmed when a 10-minute window holds no request', () => {
    expect(fired('apiTrafficStops')).toEqual({ 'OrdersApiAlarms/TrafficStopped': 11 });
  });

  test('the hourly job stops running: alarmed 70 minutes after its last run (12 after the missed one)', () => {
    expect(fired('hourlyJobStops')).toEqual({ 'Hourly/TrafficStopped': 12 });
  });
});

describe('every new failed message is noticed (issue 15)', () => {
  const changesToAlarm = (name: string, alarm: string) => {
    const r = results.get(name)!;
    return r.alarms.find(a => a.alarmName === `Orders/${alarm}`)!.changes.filter(c => c.toState === 'ALARM').map(c => c.minute - r.onsetMinute!);
  };

  test('three poison messages 20 minutes apart: the dead-letter queue alarms three times, as each arrives after its 5th receive', () => {
    expect(changesToAlarm('poisonMessages', 'Jobs/DeadLetterQueueMessages')).toEqual([26, 46, 66]);
  });

  test('the hourly job\'s failure queue alarms at each failed run, not only the first', () => {
    expect(changesToAlarm('hourlyJobFailing', 'Hourly/FailureQueueMessages')).toEqual([2, 62, 122]);
  });

  test('async events failing: the notifier\'s failure queue alarms when the first event arrives there (after 2 retries)', () => {
    expect(fired('asyncFailures')).toMatchObject({ 'Notifier/FailureQueueMessages': 5 });
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
