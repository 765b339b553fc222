import { Duration, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FuzzCase } from './case';
import { helpful, runCase } from './run';
import { ObservedFunction } from '../../src';
import { MINIMAL } from '../helpers';

/** The classifier itself: each outcome is reachable, so the property test can fail. */
describe('the fuzz classifier', () => {
  const fnCase = (build: (stack: Stack) => void, props: string[] = [], wrong?: FuzzCase['wrong']): FuzzCase =>
    ({ target: 'test', input: {}, props, build, wrong });

  test('a clean template is accepted-clean', () => {
    expect(runCase(fnCase(s => new ObservedFunction(s, 'Fn', MINIMAL))).outcome).toBe('accepted-clean');
  });

  test('the library\'s error blaming a prop the case set is refused-good', () => {
    const c = fnCase(s => new ObservedFunction(s, 'Fn', { ...MINIMAL, timeout: Duration.seconds(901) }), ['timeout']);
    expect(runCase(c)).toEqual({ outcome: 'refused-good', detail: 'Fuzz/Fn: timeout is 901 seconds; allowed range is 1-900 seconds.' });
  });

  test('an error blaming a prop the case did not set is refused-unhelpful', () => {
    expect(helpful('Fuzz/Fn: alarms.throttles.evaluationPeriods is 2000; allowed range is 1-1440.', ['alarms.throttles.datapointsToAlarm'])).toBe(false);
    expect(helpful('Fuzz/Fn: alarms.throttles.datapointsToAlarm is 2000; allowed range is 1-1440.', ['alarms.throttles.datapointsToAlarm'])).toBe(true);
  });

  test('an error of aws-cdk-lib is refused-unhelpful', () => {
    const c = fnCase(s => new sqs.Queue(s, 'Q', { visibilityTimeout: Duration.millis(1500) }), ['visibilityTimeout']);
    expect(runCase(c).outcome).toBe('refused-unhelpful');
  });

  test('a template the case finds wrong is accepted-wrong', () => {
    const c = fnCase(s => new ObservedFunction(s, 'Fn', MINIMAL), [], () => 'wrong on purpose');
    expect(runCase(c)).toEqual({ outcome: 'accepted-wrong', detail: 'wrong on purpose' });
  });
});
