import { Stack, Token, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { BucketConsumerOptions } from './bucket-consumer-options';
import { ObservedErrorCode } from '../core/error-codes';
import { invalidProp } from '../core/errors';
import { invokeTargetOf } from '../core/invoke-target';
import { S3_MAX_KEY_BYTES } from '../core/limits';
import { wildcardResourceFindingId } from '../core/nag-ids';
import { peekState, setState } from '../core/tree-state';

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
  for (const [prop, value] of [['inputPrefix', inputPrefix], ['outputPrefix', outputPrefix], ['suffix', suffix]] as const) {
    if (!known(value)) continue;
    if (/[*?]/.test(value!)) {
      invalidProp(ObservedErrorCode.INVALID_FORMAT, fn, `${where} ${prop}`, `'${value}'`, 'allowed are literal key characters, without * or ?',
        'S3 notification filters match them literally, and in the IAM policy they are wildcards that reach keys outside the prefix. Give the literal start of the keys, e.g. \'incoming/\'.');
    }
    if (Buffer.byteLength(value!) > S3_MAX_KEY_BYTES) {
      invalidProp(ObservedErrorCode.INVALID_FORMAT, fn, `${where} ${prop}`, `${Buffer.byteLength(value!)} bytes long`, `allowed are at most ${S3_MAX_KEY_BYTES} bytes (the longest S3 object key)`);
    }
  }
  const events = options.events ?? [s3.EventType.OBJECT_CREATED];
  if (events.length === 0) {
    invalidProp(ObservedErrorCode.OUT_OF_RANGE, fn, `${where} events`, 'an empty list', 'allowed is at least one event type', 'Leave it out for object creation.');
  }
  events.forEach((e, i) => {
    const covering = events.find((o, j) => j !== i && (o === e ? j < i : eventsOverlap(o, e) && String(o).endsWith(':*')));
    if (covering) {
      invalidProp(ObservedErrorCode.DUPLICATE, fn, `${where} events`, `[${events.join(', ')}]`, `each event type once (${covering} already covers ${e})`,
        'S3 rejects overlapping notifications for a common event type at deploy time.');
    }
  });
  if (outputPrefix !== undefined && !inputPrefix) {
    invalidProp(ObservedErrorCode.TRIGGER_LOOP, fn, `${where} inputPrefix`, 'not set', `it is required while the function writes to the bucket (outputPrefix '${outputPrefix}')`,
      'Without it every object the function writes triggers it again. Give inputs and outputs separate prefixes, e.g. inputPrefix: \'incoming/\', outputPrefix: \'processed/\'.');
  }
  if (outputPrefix === '') {
    invalidProp(ObservedErrorCode.TRIGGER_LOOP, fn, `${where} outputPrefix`, "''", 'an empty prefix is the whole bucket, which includes the input prefix');
  }
  if (known(inputPrefix) && known(outputPrefix) && overlaps(inputPrefix!, outputPrefix!)) {
    invalidProp(ObservedErrorCode.TRIGGER_LOOP, fn, `${where} outputPrefix`, `'${outputPrefix}'`, `it overlaps inputPrefix '${inputPrefix}' (one is a prefix of the other)`,
      'Objects the function writes would trigger it again. Use prefixes that neither starts with the other, e.g. \'incoming/\' and \'processed/\'.');
  }
  const consumer: Consumer = {
    fn: fn.node.path,
    input: inputPrefix ?? '',
    output: outputPrefix,
    suffix: suffix ?? '',
    events: events.map(String),
  };
  checkAgainstOtherConsumers(fn, where, bucket, consumer);

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
  const filter: s3.NotificationKeyFilter = { prefix: inputPrefix || undefined, suffix: suffix || undefined };
  const filters = filter.prefix !== undefined || filter.suffix !== undefined ? [filter] : [];
  for (const event of events) {
    bucket.addEventNotification(event, new LambdaDestination(invokeTargetOf(fn)), ...filters);
  }
  acknowledgeNotificationsHandler(Stack.of(bucket));
  setState(bucket, 'bucketConsumer.consumers', [...peekState<Consumer[]>(bucket, 'bucketConsumer.consumers') ?? [], consumer]);
}

/** One consumeBucket call, as far as notifications and loops go (tokens as they are). */
interface Consumer {
  readonly fn: string;
  readonly input: string;
  readonly output?: string;
  readonly suffix: string;
  readonly events: string[];
}

/** Whether one key space contains part of the other. */
function overlaps(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

function eventsOverlap(a: string, b: string): boolean {
  const any = (e: string) => e.endsWith(':*') ? e.slice(0, -1) : undefined;
  return a === b || (any(a) !== undefined && b.startsWith(any(a)!)) || (any(b) !== undefined && a.startsWith(any(b)!));
}

/**
 * Across calls on one bucket: S3 rejects two notifications whose filters overlap for a common
 * event type (at deploy time), and outputs that trigger another consumer whose outputs come back
 * are a loop, however many functions it goes through.
 */
function checkAgainstOtherConsumers(fn: lambda.Function, where: string, bucket: s3.IBucket, consumer: Consumer): void {
  // the consumers of the bucket so far (on the bucket: calls are checked against each other)
  const all = [...peekState<Consumer[]>(bucket, 'bucketConsumer.consumers') ?? [], consumer];
  if (all.some(c => [c.input, c.output, c.suffix].some(v => v !== undefined && Token.isUnresolved(v)))) return;
  for (const other of all.slice(0, -1)) {
    const common = consumer.events.find(e => other.events.some(o => eventsOverlap(e, o)));
    if (common && overlaps(consumer.input, other.input) && (consumer.suffix.endsWith(other.suffix) || other.suffix.endsWith(consumer.suffix))) {
      const shown = (prefix: string) => prefix === '' ? 'not set (every key)' : `'${prefix}'`;
      invalidProp(ObservedErrorCode.DUPLICATE, fn, `${where} inputPrefix`, shown(consumer.input),
        `it overlaps the notification of ${other.fn} on the same bucket (inputPrefix ${shown(other.input)}, suffix '${other.suffix}') for ${common}`,
        'S3 rejects overlapping notification filters for a common event type at deploy time. Give each consumer its own prefix or suffix.');
    }
  }
  // a path from this consumer's outputs back to its inputs, through the other consumers
  const triggered = (from: Consumer) => all.filter(c => from.output !== undefined && overlaps(from.output, c.input));
  const path: Consumer[] = [consumer];
  const seen = new Set<Consumer>();
  const back = (from: Consumer): boolean => triggered(from).some(next => {
    if (next === consumer) return true;
    if (seen.has(next)) return false;
    seen.add(next);
    path.push(next);
    if (back(next)) return true;
    path.pop();
    return false;
  });
  if (consumer.output !== undefined && back(consumer)) {
    const chain = path.map((c, i) => `${i === 0 ? '' : 'triggers '}${c.fn}, which writes under '${c.output}'`).join(', which ');
    invalidProp(ObservedErrorCode.TRIGGER_LOOP, fn, `${where} outputPrefix`, `'${consumer.output}'`,
      `it closes a loop through the bucket: ${chain}, which triggers ${fn.node.path} again (inputPrefix '${consumer.input}')`,
      'Objects written along the chain would trigger it forever. Write the last step\'s output under a prefix no consumer reads.');
  }
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
