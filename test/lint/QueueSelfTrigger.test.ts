import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { testStack } from '../helpers';
import { fn, lines, lint, twoStacks } from './lint';

const RULE = 'QueueSelfTrigger';

function consumer(stack: ReturnType<typeof testStack>, props: Partial<lambda.FunctionProps> = {}) {
  const queue = new sqs.Queue(stack, 'Jobs', { visibilityTimeout: Duration.seconds(60) });
  const worker = fn(stack, 'Worker', 10, props);
  worker.addEventSource(new SqsEventSource(queue));
  return { queue, worker };
}

describe('QueueSelfTrigger', () => {
  test('a consumer allowed to send to its own queue is a warning that names the grant and the loop guard', () => {
    const stack = testStack();
    const { queue, worker } = consumer(stack);
    queue.grantSendMessages(worker);
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-QueueSelfTrigger TestStack/Worker/Resource']);
    expect(findings[0].message).toContain('Function TestStack/Worker is triggered by queue TestStack/Jobs (through TestStack/Worker/SqsEventSource:');
    expect(findings[0].message).toContain('sqs:SendMessage on <TestStack/Jobs.Arn> (TestStack/Worker/ServiceRole/DefaultPolicy)');
    expect(findings[0].message).toContain("Lambda's recursive loop detection stops such a loop after about 16 round trips");
  });

  test('sending to another queue is fine', () => {
    const stack = testStack();
    const { worker } = consumer(stack);
    new sqs.Queue(stack, 'Next').grantSendMessages(worker);
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('with RecursiveLoop Allow the message says nothing stops it', () => {
    const stack = testStack();
    const { queue, worker } = consumer(stack, { recursiveLoop: lambda.RecursiveLoop.ALLOW });
    queue.grantSendMessages(worker);
    expect(lint(stack, RULE)[0].message).toContain('Its RecursiveLoop is Allow, so nothing stops the loop.');
  });

  test('a topic the function is subscribed to and may publish to', () => {
    const stack = testStack();
    const topic = new sns.Topic(stack, 'Events');
    const handler = fn(stack, 'Handler');
    topic.addSubscription(new LambdaSubscription(handler));
    topic.grantPublish(handler);
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-QueueSelfTrigger TestStack/Handler/Resource']);
    expect(findings[0].message).toContain('is triggered by topic TestStack/Events (through TestStack/Handler/Events)');
    expect(findings[0].message).toContain('sns:Publish on <TestStack/Events>');
  });

  test('a wildcard grant (sqs:* on *) may send to the queue too', () => {
    const stack = testStack();
    const { worker } = consumer(stack);
    worker.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:*'], resources: ['*'] }));
    expect(lint(stack, RULE)[0].message).toContain('sqs:SendMessage on *');
  });

  test('an unconditional Deny wins; a conditional Allow is no evidence', () => {
    const denied = testStack();
    const a = consumer(denied);
    a.queue.grantSendMessages(a.worker);
    a.worker.addToRolePolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['sqs:SendMessage'], resources: [a.queue.queueArn] }));
    expect(lint(denied, RULE)).toEqual([]);

    const conditional = testStack();
    const b = consumer(conditional);
    b.worker.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [b.queue.queueArn], conditions: { Bool: { 'aws:SecureTransport': 'true' } } }));
    expect(lint(conditional, RULE)).toEqual([]);
  });

  test('across stacks: the queue in one stack, the consumer in another', () => {
    const { app, a, b } = twoStacks();
    const queue = new sqs.Queue(a, 'Jobs');
    const worker = fn(b, 'Worker');
    worker.addEventSource(new SqsEventSource(queue));
    queue.grantSendMessages(worker);
    expect(lines(lint(app, RULE))).toEqual(['warning ServerlessOps-QueueSelfTrigger B/Worker/Resource']);
  });

  test('a literal queue ARN in the policy names a queue with a literal name', () => {
    const stack = testStack();
    const queue = new sqs.Queue(stack, 'Jobs', { queueName: 'jobs' });
    const worker = fn(stack, 'Worker');
    worker.addEventSource(new SqsEventSource(queue));
    worker.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:us-east-1:123456789012:jobs'] }));
    expect(lines(lint(stack, RULE))).toEqual(['warning ServerlessOps-QueueSelfTrigger TestStack/Worker/Resource']);
  });

  test('L1s: a CfnSubscription to a CfnTopic and a CfnPolicy on the function\'s role', () => {
    const stack = testStack();
    const topic = new sns.CfnTopic(stack, 'Topic');
    const role = new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    });
    const f = new lambda.CfnFunction(stack, 'Fn', { code: { zipFile: 'x' }, role: role.attrArn, runtime: 'nodejs22.x', handler: 'index.handler' });
    new sns.CfnSubscription(stack, 'Sub', { topicArn: topic.ref, protocol: 'lambda', endpoint: f.attrArn });
    new iam.CfnPolicy(stack, 'Policy', {
      policyName: 'publish',
      roles: [role.ref],
      policyDocument: { Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: topic.ref }] },
    });
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-QueueSelfTrigger TestStack/Fn']);
    expect(findings[0].message).toContain('sns:Publish on <TestStack/Topic> (TestStack/Policy)');
  });
});
