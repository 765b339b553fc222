import { CfnParameter, Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { testStack } from '../helpers';
import { fn, lines, lint, twoStacks } from './lint';
import { ServerlessOpsChecks } from '../../src/lint/pack';

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

  test('the on-failure queue of a stream event source and of asynchronous invocations, and a function\'s dead-letter queue, need a depth alarm', () => {
    const stack = testStack();
    const reader = fn(stack, 'Reader');
    reader.addEventSource(new KinesisEventSource(new kinesis.Stream(stack, 'Clicks'), {
      startingPosition: lambda.StartingPosition.LATEST, retryAttempts: 5, onFailure: new SqsDlq(new sqs.Queue(stack, 'StreamFailed')),
    }));
    fn(stack, 'Sender', 10, { onFailure: new SqsDestination(new sqs.Queue(stack, 'AsyncFailed')) });
    fn(stack, 'Legacy', 10, { deadLetterQueue: new sqs.Queue(stack, 'LegacyDlq') });
    const findings = new ServerlessOpsChecks(undefined, { missingAlarmsDetail: true }).validateScope(stack).violations
      .filter(v => v.ruleName === 'ServerlessOps-MissingAlarms').map(v => v.description);
    expect(findings).toEqual(expect.arrayContaining([
      expect.stringMatching(/^The stream event source TestStack\/Reader\/KinesisEventSource:\w+ of function TestStack\/Reader sends the records it gives up on to on-failure queue TestStack\/StreamFailed, and no CloudWatch alarm watches that queue's depth/),
      expect.stringMatching(/^The asynchronous invocations of function TestStack\/Sender send the events they fail on to on-failure destination TestStack\/AsyncFailed/),
      expect.stringMatching(/^Function TestStack\/Legacy sends the asynchronous events it fails to process to dead-letter queue TestStack\/LegacyDlq/),
    ]));
    expect(findings).toHaveLength(6); // and the three functions' own alarms

  });

  test('an on-failure queue is covered by an alarm on its depth, or by alarms on its function\'s Errors and Throttles', () => {
    const stack = testStack();
    const byDepth = new sqs.Queue(stack, 'ByDepth');
    alarm(byDepth.metricApproximateNumberOfMessagesVisible(), stack, 'Depth');
    const a = fn(stack, 'A', 10, { onFailure: new SqsDestination(byDepth) });
    const b = fn(stack, 'B', 10, { onFailure: new SqsDestination(new sqs.Queue(stack, 'ByFunction')) });
    for (const f of [a, b]) {
      alarm(f.metricErrors(), f, 'E');
      alarm(f.metricThrottles(), f, 'T');
    }
    expect(lint(stack, RULE)).toEqual([]);
    const c = fn(stack, 'C', 10, { onFailure: new SqsDestination(byDepth) }); // the queue's alarm alone covers it
    alarm(c.metricErrors(), c, 'E');
    expect(lint(stack, RULE).map(f => f.path)).toEqual(['TestStack/C/Resource']); // only C's missing Throttles alarm
  });

  test('by default a stack\'s findings are one, listing the resources; each stays a violating resource and can be acknowledged alone', () => {
    const stack = testStack();
    fn(stack, 'A');
    fn(stack, 'B');
    const dlq = new sqs.Queue(stack, 'Dlq');
    new sqs.Queue(stack, 'Jobs', { deadLetterQueue: { queue: dlq, maxReceiveCount: 5 } });
    const report = new ServerlessOpsChecks().validateScope(stack);
    const ours = report.violations.filter(v => v.ruleName === 'ServerlessOps-MissingAlarms');
    expect(ours).toHaveLength(1);
    expect(ours[0].description).toBe('Stack TestStack has 3 resources without the alarms that catch most serverless incidents first: '
      + 'function TestStack/A (Errors, Throttles); function TestStack/B (Errors, Throttles); the dead-letter queue TestStack/Dlq of queue TestStack/Jobs. '
      + 'Add the alarms (ObservedFunction and ObservedQueue have them), or acknowledge this rule where alarms live elsewhere; '
      + 'with missingAlarmsDetail: true the pack reports each resource on its own, with its fix.');
    expect(ours[0].violatingResources.map(r => r.constructPath)).toEqual(['TestStack/A/Resource', 'TestStack/B/Resource', 'TestStack/Jobs/Resource']);

    // acknowledged on one function: the others stay listed
    Validations.of(stack.node.findChild('A')).acknowledge({ id: 'ServerlessOps-MissingAlarms', reason: 'alarmed by the platform team' });
    const after = new ServerlessOpsChecks().validateScope(stack).violations.filter(v => v.ruleName === 'ServerlessOps-MissingAlarms');
    expect(after.map(v => v.violatingResources.map(r => r.constructPath))).toEqual([['TestStack/B/Resource', 'TestStack/Jobs/Resource']]);
    expect(after[0].description).toMatch(/^Stack TestStack has 2 resources without the alarms/);

    const { app, a, b } = twoStacks();
    fn(a, 'Fn');
    fn(b, 'Fn');
    expect(new ServerlessOpsChecks().validateScope(app).violations.map(v => v.description.slice(0, 40)))
      .toEqual([expect.stringMatching(/^Function A\/Fn has no/), expect.stringMatching(/^Function B\/Fn has no/)]);
  });
});
