import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { testStack } from '../helpers';
import { fn, lines, lint, twoStacks } from './lint';

const RULE = 'MissingAlarms';
const alarm = (metric: cloudwatch.IMetric, scope: Parameters<typeof fn>[0], id: string) =>
  new cloudwatch.Alarm(scope as never, id, { metric, threshold: 1, evaluationPeriods: 1 });

describe('MissingAlarms', () => {
  test('a function without alarms is a warning naming both metrics and the fix', () => {
    const stack = testStack();
    fn(stack, 'Fn');
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-MissingAlarms TestStack/Fn/Resource']);
    expect(findings[0].message).toBe('Function TestStack/Fn has no CloudWatch alarm on its Errors or its Throttles metric: failed and throttled invocations go unnoticed until users report them. '
      + 'Add alarms on fn.metricErrors() and fn.metricThrottles() (an ObservedFunction has both).');
  });

  test('alarms on both are fine; one missing is named alone', () => {
    const stack = testStack();
    const both = fn(stack, 'Both');
    alarm(both.metricErrors(), stack, 'E1');
    alarm(both.metricThrottles(), stack, 'T1');
    const half = fn(stack, 'Half');
    alarm(half.metricErrors(), stack, 'E2');
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-MissingAlarms TestStack/Half/Resource']);
    expect(findings[0].message).toContain('no CloudWatch alarm on its Throttles metric: throttled invocations go unnoticed');
  });

  test('metric-math alarms count, and alarms in another stack do too', () => {
    const { app, a, b } = twoStacks();
    const f = fn(a, 'Fn');
    new cloudwatch.Alarm(b, 'ErrorRate', {
      metric: new cloudwatch.MathExpression({ expression: '100 * e / i', usingMetrics: { e: f.metricErrors(), i: f.metricInvocations() } }),
      threshold: 5,
      evaluationPeriods: 1,
    });
    alarm(f.metricThrottles(), b, 'Throttles');
    expect(lint(app, RULE)).toEqual([]);
  });

  test('an account-wide alarm (no FunctionName dimension) covers every function', () => {
    const stack = testStack();
    fn(stack, 'Fn');
    alarm(new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Errors' }), stack, 'AllErrors');
    alarm(new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles' }), stack, 'AllThrottles');
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('an alarm whose function dimension cannot be traced makes that metric unjudgeable (no finding on it)', () => {
    const stack = testStack();
    fn(stack, 'Fn');
    const name = new CfnParameter(stack, 'FnName').valueAsString;
    alarm(new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Errors', dimensionsMap: { FunctionName: name } }), stack, 'Unknown');
    expect(lint(stack, RULE)[0].message).toContain('no CloudWatch alarm on its Throttles metric');
  });

  test('a queue whose dead-letter queue no alarm watches is a warning on the queue', () => {
    const stack = testStack();
    const dlq = new sqs.Queue(stack, 'Dlq');
    new sqs.Queue(stack, 'Jobs', { deadLetterQueue: { queue: dlq, maxReceiveCount: 5 }, visibilityTimeout: Duration.seconds(60) });
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-MissingAlarms TestStack/Jobs/Resource']);
    expect(findings[0].message).toContain('Queue TestStack/Jobs moves messages that fail 5 receives to dead-letter queue TestStack/Dlq');
    expect(findings[0].message).toContain("Add an alarm on TestStack/Dlq's metricApproximateNumberOfMessagesVisible() > 0");

    alarm(dlq.metricApproximateNumberOfMessagesVisible(), stack, 'Depth');
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('a queue without a dead-letter queue is not this rule\'s business', () => {
    const stack = testStack();
    new sqs.Queue(stack, 'Plain');
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('L1s: a CfnAlarm with a literal function name and a CfnFunction with that name', () => {
    const stack = testStack();
    new lambda.CfnFunction(stack, 'Fn', {
      functionName: 'orders-api', code: { zipFile: 'x' }, role: 'arn:aws:iam::123456789012:role/r', runtime: 'nodejs22.x', handler: 'index.handler',
    });
    for (const metricName of ['Errors', 'Throttles']) {
      new cloudwatch.CfnAlarm(stack, metricName, {
        namespace: 'AWS/Lambda',
        metricName,
        dimensions: [{ name: 'FunctionName', value: 'orders-api' }],
        statistic: 'Sum',
        period: 60,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: 'GreaterThanThreshold',
      });
    }
    expect(lint(stack, RULE)).toEqual([]);
  });
});
