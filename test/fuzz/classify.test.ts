import { Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { FuzzCase } from './case';
import { helpful, runCase } from './run';
import { ObservedErrorCode, ObservedFunction, ObservedHttpApi } from '../../src';
import { codedError } from '../../src/core/errors';
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

  test('the library\'s message without aws-cdk-lib\'s validation error and a code is refused-unhelpful', () => {
    const message = 'Fuzz/Fn: timeout is 901 seconds; allowed range is 1-900 seconds.';
    expect(runCase(fnCase(() => { throw new Error(message); }, ['timeout'])).outcome).toBe('refused-unhelpful');
    expect(runCase(fnCase(() => { throw codedError('SomeoneElsesCode', message, 'Fuzz/Fn'); }, ['timeout'])).outcome).toBe('refused-unhelpful');
    expect(runCase(fnCase(() => { throw codedError(ObservedErrorCode.OUT_OF_RANGE, message, 'Fuzz/Fn'); }, ['timeout'])).outcome).toBe('refused-good');
  });

  test('a problem of the app\'s validation is refused-good only with the library\'s code at its end', () => {
    const open = (s: Stack) => new ObservedHttpApi(s, 'Api').addRoutes({
      path: '/a', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('A', new ObservedFunction(s, 'Fn', MINIMAL)),
    });
    expect(runCase(fnCase(open, ['authorizationType']))).toEqual({ outcome: 'refused-good', detail: expect.stringMatching(/^Fuzz\/Api: GET \/a authorizationType is NONE; .*anyone\.$/) });
    const uncoded = (s: Stack) => s.node.addValidation({ validate: () => ['Fuzz: timeout is 901 seconds; allowed range is 1-900 seconds.'] });
    expect(runCase(fnCase(uncoded, ['timeout'])).outcome).toBe('refused-unhelpful');
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
