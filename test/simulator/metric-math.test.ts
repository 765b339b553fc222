import { Unevaluable } from '../../src/simulator/datum';
import { evaluate, MathContext, parseExpression, rangeDependent } from '../../src/simulator/metric-math';
import { parseRule } from '../../src/simulator/template-model';

const _ = NaN;

function ctx(series: { [id: string]: number[] }, quotas: { [id: string]: number } = {}): MathContext {
  const length = Object.values(series)[0]?.length ?? 1;
  return {
    length,
    metricIds: Object.keys(series),
    series: id => {
      if (!series[id]) throw new Unevaluable(`unknown ${id}`);
      return { k: 'ts', v: Float64Array.from(series[id]) };
    },
    periodOf: id => series[id] ? 60 : undefined,
    periodSeconds: 60,
    serviceQuota: id => quotas[id] ?? NaN,
  };
}

function run(expression: string, series: { [id: string]: number[] }, quotas?: { [id: string]: number }): number[] | number {
  const v = evaluate(parseExpression(expression), ctx(series, quotas));
  if (v.k === 's') return v.v;
  if (v.k === 'ts') return [...v.v];
  throw new Error('array');
}

describe('documented comparison and logical operator examples', () => {
  // CloudWatch user guide: metric1 = [30, 20, 0, 0], metric2 = [20, -, 20, -]
  const series = { metric1: [30, 20, 0, 0], metric2: [20, _, 20, _] };
  test.each([
    ['(metric1 < metric2)', [0, 0, 1, 0]],
    ['(metric1 >= 30)', [1, 0, 0, 0]],
    ['(metric1 > 15 AND metric2 > 15)', [1, 0, 0, 0]],
    ['metric1 > 15 && metric2 > 15', [1, 0, 0, 0]],
    ['metric1 > 25 || metric2 > 15', [1, 0, 1, 0]],
  ])('%s', (expression, expected) => {
    expect(run(expression, series)).toEqual(expected);
  });
});

describe('documented IF examples', () => {
  const series = { metric1: [1, 1, 0, 0, _], metric2: [30, _, 0, 0, 30], metric3: [0, 0, 20, _, 20] };
  test.each([
    ['IF(metric1, metric2, metric3)', [30, 0, 20, _, _]],
    ['IF(metric1, 5, metric3)', [5, 5, 20, _, _]],
    ['IF(metric1, metric2, 5)', [30, 0, 5, 5, _]],
    ['IF(metric1, metric2)', [30, 0, _, _, _]],
  ])('%s', (expression, expected) => {
    expect(run(expression, series)).toEqual(expected);
  });

  test('IF(scalar, a, b) picks a whole series; IF(TS comparison S, ...) per timestamp', () => {
    expect(run('IF(1, metric2, metric3)', series)).toEqual([30, _, 0, 0, 30]);
    expect(run('IF(0, metric2)', series)).toEqual([_, _, _, _, _]);
    expect(run('IF(metric3 > 10, 1, 0)', series)).toEqual([0, 0, 1, _, 1]);
  });
});

describe('arithmetic', () => {
  test('missing values count as 0 between two series; division by zero drops the point', () => {
    expect(run('a + b', { a: [1, _, _, 4], b: [10, 20, _, _] })).toEqual([11, 20, _, 4]);
    expect(run('a / b', { a: [1, 2, 3], b: [2, 0, _] })).toEqual([0.5, _, _]);
    expect(run('a * 2 - 1', { a: [1, _, 3] })).toEqual([1, _, 5]);
    expect(run('-a ^ 2', { a: [3] })).toEqual([-9]);
    expect(run('2 ^ 3 ^ 2', { a: [0] })).toBe(512);
  });

  test('precedence: * before +, comparisons before AND before OR', () => {
    expect(run('1 + 2 * 3', { a: [0] })).toBe(7);
    expect(run('a > 1 OR a < 1 AND a == 1', { a: [1, 2] })).toEqual([0, 1]);
  });
});

describe('functions', () => {
  test('FILL with a scalar or a series; METRICS() and METRICS("text")', () => {
    expect(run('FILL(a, 0)', { a: [_, 1, _] })).toEqual([0, 1, 0]);
    expect(run('FILL(a, b)', { a: [_, 1, _], b: [7, 8, _] })).toEqual([7, 1, _]);
    expect(run('SUM(FILL(METRICS(), 0))', { getItem: [_, 1, _], putItem: [2, _, _] })).toEqual([2, 1, 0]);
    expect(run('SUM(METRICS("put"))', { getItem: [5, 1, _], putItem: [2, _, _] })).toEqual([2, _, _]);
  });

  test('SUM, MAX, MIN, AVG of an array per timestamp (AVG counts missing as 0)', () => {
    const s = { a: [1, _, 4], b: [3, _, _] };
    expect(run('SUM([a, b])', s)).toEqual([4, _, 4]);
    expect(run('MAX([a, b])', s)).toEqual([3, _, 4]);
    expect(run('MIN([a, b])', s)).toEqual([1, _, 4]);
    expect(run('AVG([a, b])', s)).toEqual([2, _, 2]);
  });

  test('SUM of one series is a scalar over the evaluated range (range-dependent)', () => {
    expect(run('a - MIN(a)', { a: [3, 5, _] })).toEqual([0, 2, _]);
    const idKind = () => 'ts' as const;
    expect(rangeDependent(parseExpression('a - MIN(a)'), idKind)).toBe(true);
    expect(rangeDependent(parseExpression('SUM(FILL(METRICS(), 0))'), idKind)).toBe(false);
    expect(rangeDependent(parseExpression('MAX([a, b])'), idKind)).toBe(false);
  });

  test('PERIOD, ABS, CEIL, FLOOR, LOG10, TIME_SERIES, SERVICE_QUOTA', () => {
    expect(run('100 * FILL(c, 0) / PERIOD(c) / p', { c: [600, _], p: [5, 5] })).toEqual([200, 0]);
    expect(run('ABS(a)', { a: [-2] })).toEqual([2]);
    expect(run('CEIL(a) + FLOOR(a)', { a: [1.5] })).toEqual([3]);
    expect(run('LOG10(a)', { a: [100] })).toEqual([2]);
    expect(run('TIME_SERIES(4)', { a: [0, 0] })).toEqual([4, 4]);
    expect(run('100 * claimed / SERVICE_QUOTA(concurrent)', { claimed: [50, _], concurrent: [_, _] }, { concurrent: 200 })).toEqual([25, 0]);
  });

  test('our catalog expressions', () => {
    // error rate: no invocations -> no data point; errors missing -> 0
    expect(run('IF(invocations > 0, 100 * FILL(errors, 0) / invocations, 0)', { errors: [_, 1, 5, _], invocations: [10, 10, 0, _] })).toEqual([0, 10, 0, _]);
    // error rate: a minute counts with 2 or more errors or with every invocation failed; no invocations -> no data point
    expect(run('IF(invocations > 0, IF(FILL(errors, 0) >= 2 OR FILL(errors, 0) >= invocations, 100 * FILL(errors, 0) / invocations, 0))',
      { errors: [_, 1, 2, 1, 1, _, 0], invocations: [10, 10, 10, 1, _, _, 0] })).toEqual([0, 0, 20, 100, _, _, _]);
    // stuck consumer
    expect(run('IF(FILL(visible, 0) > 0 AND FILL(deleted, 0) == 0, 1, 0)', { visible: [3, 3, _, 0], deleted: [0, 2, _, _] })).toEqual([1, 0, 0, 0]);
    expect(run('FILL(reads, 0) + FILL(writes, 0)', { reads: [_, 1], writes: [_, _] })).toEqual([0, 1]);
  });
});

describe('DIFF and RATE', () => {
  test('the change from the preceding value; the first value of the range has none', () => {
    expect(run('DIFF(m)', { m: [3, 5, 5, 2] })).toEqual([_, 2, 0, -3]);
    expect(run('RATE(m)', { m: [0, 60, 180] })).toEqual([_, 1, 2]);
  });

  test('a missing value is skipped: the preceding value is the last present one', () => {
    expect(run('DIFF(m)', { m: [1, _, 4, _] })).toEqual([_, _, 3, _]);
    expect(run('RATE(m)', { m: [0, _, 120] })).toEqual([_, _, 1]);
  });

  test('they make an alarm depend on its evaluation range', () => {
    expect(rangeDependent(parseExpression('IF(DIFF(m) > 0, 1, 0)'), () => 'ts')).toBe(true);
  });
});

describe('what the simulator refuses', () => {
  test.each([
    ['ANOMALY_DETECTION_BAND(m1)', /ANOMALY_DETECTION_BAND is not supported/],
    ['STDDEV(m1)', /STDDEV is not supported/],
    ['FILL(m1, REPEAT)', /REPEAT\) depends on the edges/],
    ['m1 +', /ends too early/],
    ['m1 $ 2', /cannot read/],
  ])('%s', (expression, message) => {
    expect(() => run(expression, { m1: [1] })).toThrow(message);
  });
});

describe('composite alarm rules', () => {
  test('functions, operators, parentheses, quoted and bare names', () => {
    expect(parseRule('ALARM("a") AND NOT (OK(b) OR INSUFFICIENT_DATA("arn:aws:cloudwatch:us-east-1:1:alarm:c")) OR TRUE')).toEqual({
      t: 'or',
      l: {
        t: 'and',
        l: { t: 'state', state: 'ALARM', alarm: 'a' },
        r: { t: 'not', e: { t: 'or', l: { t: 'state', state: 'OK', alarm: 'b' }, r: { t: 'state', state: 'INSUFFICIENT_DATA', alarm: 'arn:aws:cloudwatch:us-east-1:1:alarm:c' } } },
      },
      r: { t: 'const', v: true },
    });
    expect(parseRule('FALSE')).toEqual({ t: 'const', v: false });
  });

  test('malformed rules are refused', () => {
    expect(() => parseRule('ALARM(a) AND')).toThrow(/unexpected 'end'/);
    expect(() => parseRule('(ALARM(a)')).toThrow(/unbalanced/);
    expect(() => parseRule('MAYBE(a)')).toThrow(/unexpected 'MAYBE'/);
  });
});
