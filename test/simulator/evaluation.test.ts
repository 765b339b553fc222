import { comparator, evaluateWindow } from '../../src/simulator/engine';
import { MissingMode, StateName } from '../../src/simulator/template-model';

/**
 * The CloudWatch user guide's tables of alarm evaluation with missing data ("How alarm state is
 * evaluated when data is missing"): 5 data points retrieved (the evaluation range), oldest first;
 * 0 = not breaching, X = breaching, - = missing. "Retain" = the current state is kept.
 */
type Row = [string, number, StateName | 'retain', StateName | 'retain', StateName | 'retain', StateName | 'retain'];
const MODES: MissingMode[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

// Datapoints to Alarm 3, Evaluation Periods 3. Column 2: data points filled in by the setting.
const THREE_OF_THREE: Row[] = [
  ['0 - X - X', 0, 'OK', 'OK', 'OK', 'OK'],
  ['0 - - - -', 2, 'OK', 'OK', 'OK', 'OK'],
  ['- - - - -', 3, 'INSUFFICIENT_DATA', 'retain', 'ALARM', 'OK'],
  ['0 X X - X', 0, 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['- - - - X', 2, 'INSUFFICIENT_DATA', 'retain', 'ALARM', 'OK'],
  ['X - - - -', 2, 'ALARM', 'retain', 'ALARM', 'OK'],
];

// Datapoints to Alarm 2, Evaluation Periods 3 (an M out of N alarm).
const TWO_OF_THREE: Row[] = [
  ['0 - X - X', 0, 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 0 X 0 X', 0, 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 - X - -', 1, 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - 0', 2, 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - X', 2, 'INSUFFICIENT_DATA', 'retain', 'ALARM', 'OK'],
];

function parse(points: string): number[] {
  return points.split(' ').map(p => p === '-' ? NaN : p === 'X' ? 10 : 0);
}

const above5 = comparator('GreaterThanThreshold', 5);

describe.each([
  ['3 of 3', 3, THREE_OF_THREE],
  ['2 of 3', 2, TWO_OF_THREE],
] as Array<[string, number, Row[]]>)('CloudWatch documented missing-data table, %s', (_, m, rows) => {
  test.each(rows)('%s', (points, filled, ...expected) => {
    MODES.forEach((mode, i) => {
      for (const current of ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as StateName[]) {
        const r = evaluateWindow(parse(points), 3, m, mode, above5, current);
        const want = expected[i] === 'retain' ? current : expected[i];
        expect({ mode, current, state: r.state }).toEqual({ mode, current, state: want });
        expect(r.filled).toBe(filled);
      }
    });
  });
});

describe('M out of N', () => {
  test('breaching points need not be consecutive, only within the last N present points', () => {
    expect(evaluateWindow(parse('0 0 X 0 X'), 3, 2, 'missing', above5, 'OK').state).toBe('ALARM');
    expect(evaluateWindow(parse('0 X 0 0 X'), 3, 2, 'missing', above5, 'OK').state).toBe('OK');
  });

  test('with more present points than N, only the most recent N count', () => {
    expect(evaluateWindow(parse('X X 0 0 0'), 3, 2, 'notBreaching', above5, 'ALARM').state).toBe('OK');
  });

  test('sparse data: two breaching points 4 periods apart alarm a 2 of 3 notBreaching alarm (range of 5)', () => {
    // present 2 < N: every present point counts, one missing point is filled in as not breaching
    expect(evaluateWindow(parse('X - - - X'), 3, 2, 'notBreaching', above5, 'OK').state).toBe('ALARM');
    // a range of exactly N data points would not
    expect(evaluateWindow(parse('- - X'), 3, 2, 'notBreaching', above5, 'OK').state).toBe('OK');
  });

  test('a breaching point keeps a 1 of 1 alarm in ALARM while it is the latest in the range', () => {
    expect(evaluateWindow(parse('X - -'), 1, 1, 'notBreaching', above5, 'ALARM').state).toBe('ALARM');
    expect(evaluateWindow(parse('- - -'), 1, 1, 'notBreaching', above5, 'ALARM').state).toBe('OK');
  });
});

describe('comparison operators', () => {
  test.each([
    ['GreaterThanThreshold', [4, 5, 6], [false, false, true]],
    ['GreaterThanOrEqualToThreshold', [4, 5, 6], [false, true, true]],
    ['LessThanThreshold', [4, 5, 6], [true, false, false]],
    ['LessThanOrEqualToThreshold', [4, 5, 6], [true, true, false]],
  ] as Array<[string, number[], boolean[]]>)('%s 5', (op, values, expected) => {
    expect(values.map(comparator(op, 5))).toEqual(expected);
  });
});
