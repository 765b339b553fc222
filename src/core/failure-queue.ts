import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * A queue that receives what failed (asynchronous invocations, stream batches): encrypted, TLS
 * only, kept 14 days (SQS's maximum). It is itself the end of the line, so the cdk-nag rules that
 * ask every queue for a DLQ are acknowledged on it with that reason.
 */
export function createFailureQueue(scope: Construct, id: string, receives: string): Queue {
  const queue = new Queue(scope, id, {
    retentionPeriod: Duration.days(14),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
  });
  const reason = `This queue is where ${receives} go; its messages are the failures themselves and it has no consumer to redrive from.`;
  Validations.of(queue).acknowledge(
    { id: 'AwsSolutions-SQS3', reason },
    { id: 'Serverless-SQSRedrivePolicy', reason },
  );
  return queue;
}
