import { CfnParameter, Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { testStack } from '../helpers';
import { fn, lines, lint } from './lint';

const RULE = 'SqsMaxReceiveCount';

function consumed(maxReceiveCount: number, enabled = true) {
  const stack = testStack();
  const dlq = new sqs.Queue(stack, 'Dlq');
  const queue = new sqs.Queue(stack, 'Jobs', { visibilityTimeout: Duration.minutes(2), deadLetterQueue: { queue: dlq, maxReceiveCount } });
  fn(stack, 'Worker', 10).addEventSource(new SqsEventSource(queue, { enabled }));
  return { stack, queue };
}

describe('SqsMaxReceiveCount', () => {
  test('a Lambda-consumed queue that dead-letters after 1 receive is a warning on the queue naming consumer, DLQ and AWS\'s minimum', () => {
    const { stack } = consumed(1);
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-SqsMaxReceiveCount TestStack/Jobs/Resource']);
    expect(findings[0].message).toContain('Queue TestStack/Jobs is consumed by function TestStack/Worker and moves a message to dead-letter queue TestStack/Dlq after 1 receive.');
    expect(findings[0].message).toContain('Set maxReceiveCount to at least 5');
  });

  test('5 receives or more is fine; so is 4 without a Lambda consumer, or with a disabled one', () => {
    expect(lint(consumed(5).stack, RULE)).toEqual([]);
    expect(lines(lint(consumed(4).stack, RULE))).toHaveLength(1);
    expect(lint(consumed(2, false).stack, RULE)).toEqual([]);
    const stack = testStack();
    new sqs.Queue(stack, 'Jobs', { deadLetterQueue: { queue: new sqs.Queue(stack, 'Dlq'), maxReceiveCount: 1 } });
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('a maxReceiveCount that is a token is not judged', () => {
    const stack = testStack();
    const p = new CfnParameter(stack, 'Receives', { type: 'Number' });
    const queue = new sqs.Queue(stack, 'Jobs', { visibilityTimeout: Duration.minutes(2), deadLetterQueue: { queue: new sqs.Queue(stack, 'Dlq'), maxReceiveCount: p.valueAsNumber } });
    fn(stack, 'Worker', 10).addEventSource(new SqsEventSource(queue));
    expect(lint(stack, RULE)).toEqual([]);
  });
});
