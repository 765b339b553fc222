import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { CfnQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * A queue that receives what failed (asynchronous invocations, stream batches): encrypted, TLS
 * only, kept 14 days (SQS's maximum), declared a dead-letter queue (`declareDeadLetterQueue`). It
 * is itself the end of the line, so the cdk-nag rules that ask every queue for a DLQ are
 * acknowledged on it with that reason.
 */
export function createFailureQueue(scope: Construct, id: string, receives: string): Queue {
  const queue = new Queue(scope, id, {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  declareDeadLetterQueue(queue);
  const reason = `This queue is where ${receives} go; its messages are the failures themselves and it has no consumer to redrive from.`;
  Validations.of(queue).acknowledge(
    { id: 'AwsSolutions-SQS3', reason },
    { id: 'Serverless-SQSRedrivePolicy', reason },
  );
  return queue;
}

/**
 * Declares a queue a dead-letter queue with a `RedriveAllowPolicy` (AWS Control Tower's
 * CT.SQS.PR.1 asks every other queue for a dead-letter queue of its own).
 *
 * `byQueue`, naming the source queue, when its name is known at synth. Otherwise `allowAll`,
 * which is what SQS does without the policy: the source queue's redrive policy names this queue,
 * so this queue naming the source would be a circular reference in CloudFormation; and a failure
 * queue has no source queue (Lambda sends to it). `denyAll` would be the strictest statement, but
 * the control then treats the queue as an ordinary queue and asks it for a dead-letter queue.
 */
export function declareDeadLetterQueue(queue: Queue, sourceQueueName?: string): void {
  (queue.node.defaultChild as CfnQueue).redriveAllowPolicy = sourceQueueName === undefined
    ? { redrivePermission: 'allowAll' }
    : { redrivePermission: 'byQueue', sourceQueueArns: [Stack.of(queue).formatArn({ service: 'sqs', resource: sourceQueueName })] };
}
