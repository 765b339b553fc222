import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { testStack } from '../helpers';
import { fn, lines, lint, twoStacks } from './lint';

const RULE = 'ReservedConcurrency';
const queue = (scope: Stack, id: string) => new sqs.Queue(scope, id, { visibilityTimeout: Duration.seconds(60) });

describe('ReservedConcurrency', () => {
  test('reserved concurrency 0 is an error: the function never runs', () => {
    const stack = testStack();
    fn(stack, 'Off', 10, { reservedConcurrentExecutions: 0 });
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['error ServerlessOps-ReservedConcurrency TestStack/Off/Resource']);
    expect(findings[0].message).toContain('Function TestStack/Off has a reserved concurrency of 0: Lambda throttles every invocation, so it never runs.');
  });

  test('reserved concurrency below the sum of its SQS sources\' max concurrency is an error listing them', () => {
    const stack = testStack();
    const worker = fn(stack, 'Worker', 10, { reservedConcurrentExecutions: 5 });
    worker.addEventSource(new SqsEventSource(queue(stack, 'A'), { maxConcurrency: 3 }));
    worker.addEventSource(new SqsEventSource(queue(stack, 'B'), { maxConcurrency: 4 }));
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['error ServerlessOps-ReservedConcurrency TestStack/Worker/Resource']);
    expect(findings[0].message).toContain('reserved concurrency of 5, below the 7 concurrent invocations its SQS event sources may start: TestStack/A (max 3) and TestStack/B (max 4)');
    expect(findings[0].message).toContain('Raise the reserved concurrency to at least 7');
  });

  test('enough reserved concurrency, no reserved concurrency, or a disabled source are fine', () => {
    const stack = testStack();
    fn(stack, 'Enough', 10, { reservedConcurrentExecutions: 10 }).addEventSource(new SqsEventSource(queue(stack, 'A'), { maxConcurrency: 10 }));
    fn(stack, 'Unreserved').addEventSource(new SqsEventSource(queue(stack, 'B'), { maxConcurrency: 50 }));
    fn(stack, 'FiveForThePollers', 10, { reservedConcurrentExecutions: 5 }).addEventSource(new SqsEventSource(queue(stack, 'C')));
    fn(stack, 'Disabled', 10, { reservedConcurrentExecutions: 2 }).addEventSource(new SqsEventSource(queue(stack, 'D'), { maxConcurrency: 5, enabled: false }));
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('below the 5 concurrent batches the pollers of a source without maxConcurrency start with is a warning (cdk-patterns the-scalable-webhook: reserved 2)', () => {
    const stack = testStack();
    fn(stack, 'Subscriber', 10, { reservedConcurrentExecutions: 2 }).addEventSource(new SqsEventSource(queue(stack, 'Publish')));
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-ReservedConcurrency TestStack/Subscriber/Resource']);
    expect(findings[0].message).toContain('reserved concurrency of 2, below the 5 concurrent invocations its SQS event sources start with: '
      + 'TestStack/Publish (no maximum: the pollers start with 5 concurrent batches and scale up)');
    expect(findings[0].message).toContain('Lambda\'s SQS pollers do not take reserved concurrency into account');
  });

  test('sources with and without a maximum add up; the level is an error when the explicit maxima alone exceed the reserve', () => {
    const stack = testStack();
    const mixed = fn(stack, 'Mixed', 10, { reservedConcurrentExecutions: 6 });
    mixed.addEventSource(new SqsEventSource(queue(stack, 'A'), { maxConcurrency: 3 }));
    mixed.addEventSource(new SqsEventSource(queue(stack, 'B')));
    const proven = fn(stack, 'Proven', 10, { reservedConcurrentExecutions: 3 });
    proven.addEventSource(new SqsEventSource(queue(stack, 'C'), { maxConcurrency: 4 }));
    proven.addEventSource(new SqsEventSource(queue(stack, 'D')));
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual([
      'warning ServerlessOps-ReservedConcurrency TestStack/Mixed/Resource',
      'error ServerlessOps-ReservedConcurrency TestStack/Proven/Resource',
    ]);
    expect(findings[0].message).toContain('reserved concurrency of 6, below the 8 concurrent invocations');
  });

  test('a reserved concurrency that is a token is not judged', () => {
    const stack = testStack();
    const p = new CfnParameter(stack, 'Reserved', { type: 'Number' });
    fn(stack, 'Worker', 10, { reservedConcurrentExecutions: p.valueAsNumber }).addEventSource(new SqsEventSource(queue(stack, 'A'), { maxConcurrency: 50 }));
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('across stacks: the queue in another stack still counts', () => {
    const { app, a, b } = twoStacks();
    fn(b, 'Worker', 10, { reservedConcurrentExecutions: 2 }).addEventSource(new SqsEventSource(queue(a, 'Jobs'), { maxConcurrency: 5 }));
    expect(lint(app, RULE)[0].message).toContain('A/Jobs (max 5)');
  });

  test('L1s: a CfnFunction and CfnEventSourceMappings with a scaling config', () => {
    const stack = testStack();
    const q = new sqs.CfnQueue(stack, 'Q', { visibilityTimeout: 60 });
    const f = new lambda.CfnFunction(stack, 'Fn', {
      code: { zipFile: 'x' }, role: 'arn:aws:iam::123456789012:role/r', runtime: 'nodejs22.x', handler: 'index.handler', reservedConcurrentExecutions: 3,
    });
    new lambda.CfnEventSourceMapping(stack, 'Map', { eventSourceArn: q.attrArn, functionName: f.ref, scalingConfig: { maximumConcurrency: 4 } });
    expect(lines(lint(stack, RULE))).toEqual(['error ServerlessOps-ReservedConcurrency TestStack/Fn']);
  });
});
