import { Stack, Token, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { BucketConsumerOptions } from './bucket-consumer-options';
import { invalidProp } from '../core/errors';
import { invokeTargetOf } from '../core/invoke-target';
import { wildcardResourceFindingId } from '../core/nag-ids';

/**
 * Wires `fn` to a bucket's object notifications with key spaces that cannot loop: the
 * notification filters on the input prefix, write access is granted only under the output
 * prefix, and overlapping key spaces are a synth error. The single implementation behind
 * `ObservedFunction.consumeBucket`.
 */
export function consumeBucket(fn: lambda.Function, bucket: s3.IBucket, options: BucketConsumerOptions = {}): void {
  const where = `consumeBucket(${bucket.node.path})`;
  const { inputPrefix, outputPrefix, suffix } = options;
  const known = (v: string | undefined) => v !== undefined && !Token.isUnresolved(v);
  if (outputPrefix !== undefined && !inputPrefix) {
    invalidProp(fn, `${where} inputPrefix`, 'not set', `it is required while the function writes to the bucket (outputPrefix '${outputPrefix}')`,
      'Without it every object the function writes triggers it again. Give inputs and outputs separate prefixes, e.g. inputPrefix: \'incoming/\', outputPrefix: \'processed/\'.');
  }
  if (outputPrefix === '') {
    invalidProp(fn, `${where} outputPrefix`, "''", 'an empty prefix is the whole bucket, which includes the input prefix');
  }
  if (known(inputPrefix) && known(outputPrefix) && (inputPrefix!.startsWith(outputPrefix!) || outputPrefix!.startsWith(inputPrefix!))) {
    invalidProp(fn, `${where} outputPrefix`, `'${outputPrefix}'`, `it overlaps inputPrefix '${inputPrefix}' (one is a prefix of the other)`,
      'Objects the function writes would trigger it again. Use prefixes that neither starts with the other, e.g. \'incoming/\' and \'processed/\'.');
  }

  // Least privilege, stated exactly: get objects under the input prefix, put objects under the
  // output prefix (plus the bucket key, when it has one).
  const inputObjects = bucket.arnForObjects(`${inputPrefix ?? ''}*`);
  fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [inputObjects] }));
  bucket.encryptionKey?.grantDecrypt(fn);
  const wildcards = [inputObjects];
  if (outputPrefix !== undefined) {
    const outputObjects = bucket.arnForObjects(`${outputPrefix}*`);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [outputObjects] }));
    bucket.encryptionKey?.grantEncrypt(fn);
    wildcards.push(outputObjects);
  }
  if (fn.role) {
    Validations.of(fn.role).acknowledge(...wildcards.map(arn => ({
      id: wildcardResourceFindingId(fn, arn),
      reason: 'Object keys under the consumer\'s input or output prefix: the trailing wildcard is the key space the function works in, and the prefixes are checked not to overlap.',
    })));
  }
  const filter: s3.NotificationKeyFilter = { prefix: inputPrefix || undefined, suffix };
  const filters = filter.prefix !== undefined || filter.suffix !== undefined ? [filter] : [];
  for (const event of options.events ?? [s3.EventType.OBJECT_CREATED]) {
    bucket.addEventNotification(event, new LambdaDestination(invokeTargetOf(fn)), ...filters);
  }
  acknowledgeNotificationsHandler(Stack.of(bucket));
}

/**
 * aws-cdk-lib puts bucket notifications in place with a custom resource whose handler function
 * and role it owns; cdk-nag's rules about function and role settings are not the user's to fix
 * there.
 */
function acknowledgeNotificationsHandler(stack: Stack): void {
  const handler = stack.node.children.find(c => c.node.id.startsWith('BucketNotificationsHandler'));
  if (!handler) return;
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'aws-cdk-lib\'s own custom-resource handler that writes the bucket notification configuration at deploy time; its role and its managed policy are fixed by aws-cdk-lib.',
  });
}
