import { Template } from 'aws-cdk-lib/assertions';
import { ObservedFunction } from '../../src';
import { compactQuery } from '../../src/core/console-links';
import { FUNCTION_LOG_QUERIES } from '../../src/core/function-log-queries';
import { compileFilterPattern } from '../../src/simulator/log-filter';
import { MINIMAL, testStack } from '../helpers';
import { LogEvent, runQuery } from '../support/logs-insights';

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const at = (seconds: number) => T0 + seconds * 1000;
const report = (requestId: string, status: string, durationMs: number, maxMemoryUsedMB: number, initDurationMs?: number) => ({
  time: new Date(at(0)).toISOString(),
  type: 'platform.report',
  record: {
    requestId,
    status,
    metrics: {
      durationMs,
      billedDurationMs: Math.ceil(durationMs),
      memorySizeMB: 1024,
      maxMemoryUsedMB,
      ...initDurationMs !== undefined ? { initDurationMs } : {},
    },
  },
});
const app = (requestId: string, level: string, message: string, extra: object = {}) =>
  ({ timestamp: new Date(at(0)).toISOString(), level, requestId, message, ...extra });

/** Four invocations in the JSON log format: a cold start, a failure, a timeout, a slow success; informational lines around them. */
const EVENTS: LogEvent[] = [
  [0, { time: '', type: 'platform.start', record: { requestId: 'r1', version: '$LATEST' } }],
  [1, app('r1', 'INFO', 'order received')],
  [2, app('r1', 'INFO', 'upstream answered ERROR 503 once; retried')],
  [3, report('r1', 'success', 120.5, 300, 480.2)],
  [60, app('r2', 'WARN', 'card issuer slow')],
  [61, app('r2', 'ERROR', 'payment failed', { errorType: 'PaymentError', errorMessage: 'card declined' })],
  [62, report('r2', 'error', 300, 310)],
  [120, app('r3', 'DEBUG', 'calling inventory')],
  [130, report('r3', 'timeout', 10000, 950)],
  [180, report('r4', 'success', 800, 420)],
].map(([s, m]) => ({ timestamp: at(s as number), message: JSON.stringify(m) }));

describe('function log queries on sample JSON log records', () => {
  test('errors: ERROR lines and failed invocations, newest first; informational lines are left out even when they mention an error', () => {
    const rows = runQuery(FUNCTION_LOG_QUERIES.errors.query, EVENTS);
    expect(rows.map(r => [r.requestId ?? r['record.requestId'], r.level ?? r['record.status']])).toEqual([
      ['r3', 'timeout'], ['r2', 'error'], ['r2', 'ERROR'],
    ]);
    expect(rows[2].errorType).toBe('PaymentError');
  });

  test('timeouts: the timed-out invocation with its duration', () => {
    expect(runQuery(FUNCTION_LOG_QUERIES.timeouts.query, EVENTS)).toEqual([
      { '@timestamp': at(130), 'record.requestId': 'r3', 'record.metrics.durationMs': 10000 },
    ]);
  });

  test('slowest: invocations by duration, slowest first, with the cold start\'s init duration', () => {
    const rows = runQuery(FUNCTION_LOG_QUERIES.slowest.query, EVENTS);
    expect(rows.map(r => [r['record.requestId'], r['record.metrics.durationMs'], r['record.metrics.initDurationMs']])).toEqual([
      ['r3', 10000, null], ['r4', 800, null], ['r2', 300, null], ['r1', 120.5, 480.2],
    ]);
  });

  test('memory: max memory used against the memory size, in MB and percent, per 5 minutes', () => {
    const rows = runQuery(FUNCTION_LOG_QUERIES.memory.query, EVENTS);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({ 'bin(5m)': T0, 'maxUsedMB': 950, 'sizeMB': 1024, 'usedPercent': expect.closeTo(92.77, 2) });
  });

  test('cold starts: their share of all invocations, per 5 minutes', () => {
    expect(runQuery(FUNCTION_LOG_QUERIES.coldStarts.query, EVENTS)).toEqual([
      { 'bin(5m)': T0, 'coldStarts': 1, 'invocations': 4, 'coldStartPercent': 25 },
    ]);
  });

  test('the timeouts query finds exactly the records the Timeouts metric filter counts', () => {
    const template = Template.fromStack((() => {
      const stack = testStack();
      new ObservedFunction(stack, 'Fn', MINIMAL);
      return stack;
    })());
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')) as any[];
    const timeouts = filters.find(f => f.Properties.FilterPattern.includes('timeout'));
    const matches = compileFilterPattern(timeouts.Properties.FilterPattern);
    const counted = EVENTS.filter(e => matches(JSON.parse(e.message))).map(e => e.timestamp);
    expect(runQuery(FUNCTION_LOG_QUERIES.timeouts.query, EVENTS).map(r => r['@timestamp'])).toEqual(counted);
  });

  test.each(Object.values(FUNCTION_LOG_QUERIES))('the compact form the $id link carries is the same query: the same rows', (q) => {
    expect(compactQuery(q.query)).not.toBe(q.query);
    expect(runQuery(compactQuery(q.query), EVENTS)).toEqual(runQuery(q.query, EVENTS));
  });

  test('the evaluator refuses what it does not implement', () => {
    expect(() => runQuery('parse @message "* *" as a, b', EVENTS)).toThrow(/not supported/);
  });
});
