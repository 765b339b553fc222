import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { testStack } from '../helpers';
import { fn, lines, lint, twoStacks } from './lint';

const RULE = 'SqsVisibilityTimeout';

describe('SqsVisibilityTimeout', () => {
  test('the default 30 s visibility under a 10 s function is a warning on the mapping (AWS\'s 6x guidance), naming queue, function, values and fix', () => {
    const stack = testStack();
    const queue = new sqs.Queue(stack, 'Jobs');
    fn(stack, 'Worker', 10).addEventSource(new SqsEventSource(queue));
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual([expect.stringMatching(/^warning ServerlessOps-SqsVisibilityTimeout TestStack\/Worker\/SqsEventSource:TestStackJobs[0-9A-F]+\/Resource$/)]);
    expect(findings[0].message).not.toContain('Lambda refuses');
    expect(findings[0].message).toContain("Queue TestStack/Jobs has a visibility timeout of 30 s (SQS's default), below the 60 s its consumer TestStack/Worker needs");
    expect(findings[0].message).toContain("6 x the function's 10 s timeout + 0 s batching window");
    expect(findings[0].message).toContain('Set the visibility timeout of TestStack/Jobs to at least 60 s');
  });

  test('a visibility timeout below the function timeout itself is an error: Lambda refuses the event source during the deployment', () => {
    for (const [visibility, level] of [[59, 'error'], [60, 'warning']]) {
      const stack = testStack();
      const queue = new sqs.Queue(stack, 'Jobs', { visibilityTimeout: Duration.seconds(visibility as number) });
      fn(stack, 'Worker', 60).addEventSource(new SqsEventSource(queue));
      const findings = lint(stack, RULE);
      expect(findings.map(f => f.severity)).toEqual([level]);
      if (level === 'error') {
        expect(findings[0].message).toContain("Queue TestStack/Jobs has a visibility timeout of 59 s, below the 360 s its consumer TestStack/Worker needs (6 x the function's 60 s timeout + 0 s batching window). "
          + "It is even below the function's timeout: Lambda refuses such an event source, and the deployment fails.");
      }
    }
  });

  test('the batching window counts: 6 x 30 s + 5 s = 185 s', () => {
    for (const [visibility, expected] of [[184, 1], [185, 0]]) {
      const stack = testStack();
      const queue = new sqs.Queue(stack, 'Jobs', { visibilityTimeout: Duration.seconds(visibility) });
      fn(stack, 'Worker', 30).addEventSource(new SqsEventSource(queue, { maxBatchingWindow: Duration.seconds(5) }));
      expect(lint(stack, RULE)).toHaveLength(expected);
    }
  });

  test('a function without a timeout has Lambda\'s 3 s: 30 s visibility is too short for 6 x 3 s + 10 s', () => {
    const stack = testStack();
    const queue = new sqs.Queue(stack, 'Jobs');
    new lambda.Function(stack, 'Worker', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('x') })
      .addEventSource(new SqsEventSource(queue, { maxBatchingWindow: Duration.seconds(13) }));
    expect(lint(stack, RULE)[0].message).toContain("3 s (Lambda's default) timeout + 13 s batching window");
  });

  test('tokens are not judged: a visibility timeout or a function timeout from a parameter', () => {
    const stack = testStack();
    const p = new CfnParameter(stack, 'Seconds', { type: 'Number' });
    const q1 = new sqs.Queue(stack, 'Q1', { visibilityTimeout: Duration.seconds(p.valueAsNumber) });
    fn(stack, 'W1', 60).addEventSource(new SqsEventSource(q1));
    const q2 = new sqs.Queue(stack, 'Q2');
    fn(stack, 'W2', 10, { timeout: Duration.seconds(p.valueAsNumber) }).addEventSource(new SqsEventSource(q2));
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('across stacks: the queue in one stack, the consumer in another', () => {
    const { app, a, b } = twoStacks();
    const queue = new sqs.Queue(a, 'Jobs', { visibilityTimeout: Duration.seconds(60) });
    fn(b, 'Worker', 20).addEventSource(new SqsEventSource(queue));
    const findings = lint(app, RULE);
    expect(findings.map(f => f.path)).toEqual([expect.stringMatching(/^B\/Worker\/SqsEventSource:/)]);
    expect(findings[0].message).toContain('Queue A/Jobs has a visibility timeout of 60 s, below the 120 s its consumer B/Worker needs');
  });

  test('L1s, a literal queue ARN, and a raw override that fixes it', () => {
    const stack = testStack();
    const queue = new sqs.CfnQueue(stack, 'Jobs', { queueName: 'jobs', visibilityTimeout: 40 });
    const worker = new lambda.CfnFunction(stack, 'Worker', { code: { zipFile: 'x' }, role: 'arn:aws:iam::123456789012:role/worker', runtime: 'nodejs22.x', handler: 'index.handler', timeout: 10 });
    new lambda.CfnEventSourceMapping(stack, 'ByRef', { eventSourceArn: queue.attrArn, functionName: worker.ref });
    new lambda.CfnEventSourceMapping(stack, 'ByArn', { eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:jobs', functionName: 'arn:aws:lambda:us-east-1:123456789012:function:' + 'unknown' });
    expect(lines(lint(stack, RULE))).toEqual(['warning ServerlessOps-SqsVisibilityTimeout TestStack/ByRef']);

    queue.addPropertyOverride('VisibilityTimeout', 60);
    expect(lint(stack, RULE)).toEqual([]);
  });
});
