import { Duration, Lazy, Validations } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUE_ALARMS } from './queue-alarm-catalog';
import { QueueAlarmOptions } from './queue-alarm-options';
import { buildAlarms } from '../alarms/alarm-builder';
import { checkDurationSeconds, checkInteger, checkRange } from '../core/errors';
import { declareDeadLetterQueue } from '../core/failure-queue';
import { SQS_QUEUE_LIMITS } from '../core/limits';
import { brand, hasBrand } from '../core/tree-state';

/**
 * Props of an ObservedQueue: every prop of `sqs.Queue`, with safer defaults, plus the alarm
 * settings.
 *
 * Defaults that differ from `sqs.Queue`: SQS-managed encryption stated explicitly, TLS enforced,
 * and a dead-letter queue (same encryption and TLS, FIFO when the queue is, 14 days retention)
 * after `maxReceiveCount` receives. The dead-letter queue declares itself one with a
 * `RedriveAllowPolicy`: `byQueue` naming this queue when `queueName` is given, else `allowAll`.
 */
export interface ObservedQueueProps extends sqs.QueueProps {
  /**
   * Receives before a message moves to the dead-letter queue the construct creates. AWS advises
   * at least 5 so that one throttled or timed-out batch does not dead-letter good messages.
   * Ignored when `deadLetterQueue` is given.
   *
   * @default 5
   */
  readonly maxReceiveCount?: number;

  /**
   * Changes to the default alarms: switch one off, or give it another threshold.
   *
   * @default - every default alarm, with the catalog thresholds
   */
  readonly alarms?: QueueAlarmOptions;

  /**
   * Where this queue's alarms notify (on ALARM and on OK).
   *
   * @default - chosen by `AlarmNotifications`: the paging or the non-paging topic of the nearest enclosing scope, else the stack's default topic
   */
  readonly alarmTopic?: ITopic;
}

/**
 * An `sqs.Queue` with a dead-letter queue, encryption, TLS, and backpressure, stuck-consumer and
 * dead-letter alarms attached.
 */
export class ObservedQueue extends sqs.Queue {
  /** The default number of receives before a message is dead-lettered. */
  public static readonly DEFAULT_MAX_RECEIVE_COUNT = 5;

  /** Retention of the dead-letter queue the construct creates (SQS's maximum). */
  public static readonly DEAD_LETTER_RETENTION = Duration.days(14);

  /**
   * Whether `x` is an ObservedQueue, made by any copy of this library loaded in the app (`instanceof`
   * fails across copies).
   */
  public static isObservedQueue(x: any): x is ObservedQueue {
    return hasBrand(x, 'ObservedQueue');
  }

  /** The alarms this queue created. */
  public readonly alarms: Alarm[];

  private readonly visibilityTimeoutGiven: boolean;
  private requiredVisibilitySeconds?: number;

  constructor(scope: Construct, id: string, props: ObservedQueueProps = {}) {
    const path = `${scope.node.path}/${id}`;
    checkRange(path, 'maxReceiveCount', props.maxReceiveCount, 1, 1000);
    checkInteger(path, 'maxReceiveCount', props.maxReceiveCount);
    const L = SQS_QUEUE_LIMITS;
    checkDurationSeconds(path, 'visibilityTimeout', props.visibilityTimeout, L.visibilityTimeoutSeconds.min, L.visibilityTimeoutSeconds.max);
    checkDurationSeconds(path, 'retentionPeriod', props.retentionPeriod, L.retentionSeconds.min, L.retentionSeconds.max);
    checkDurationSeconds(path, 'deliveryDelay', props.deliveryDelay, L.deliveryDelaySeconds.min, L.deliveryDelaySeconds.max);
    checkDurationSeconds(path, 'receiveMessageWaitTime', props.receiveMessageWaitTime, L.receiveWaitSeconds.min, L.receiveWaitSeconds.max);
    const { alarms, alarmTopic, maxReceiveCount, ...queueProps } = props;
    super(scope, id, {
      ...queueProps,
      encryption: props.encryption ?? (props.encryptionMasterKey ? undefined : sqs.QueueEncryption.SQS_MANAGED),
      enforceSSL: props.enforceSSL ?? true,
    });
    brand(this, 'ObservedQueue');

    // Without an explicit visibility timeout, the queue takes the one its consumers need
    // (`fn.consumeQueue`), else SQS's default of 30 seconds.
    this.visibilityTimeoutGiven = props.visibilityTimeout !== undefined;
    if (!this.visibilityTimeoutGiven) {
      (this.node.defaultChild as sqs.CfnQueue).visibilityTimeout = Lazy.number({ produce: () => this.requiredVisibilitySeconds });
    }

    if (!props.deadLetterQueue) {
      const dlq = new sqs.Queue(this, 'DeadLetterQueue', {
        fifo: this.fifo ? true : undefined,
        retentionPeriod: ObservedQueue.DEAD_LETTER_RETENTION,
        encryption: props.encryption ?? (props.encryptionMasterKey ? undefined : sqs.QueueEncryption.SQS_MANAGED),
        encryptionMasterKey: props.encryptionMasterKey,
        enforceSSL: true,
      });
      // named by the source queue when the source's name is known (a generated one is not)
      declareDeadLetterQueue(dlq, props.queueName);
      const deadLetterQueue = { queue: dlq, maxReceiveCount: maxReceiveCount ?? ObservedQueue.DEFAULT_MAX_RECEIVE_COUNT };
      (this.node.defaultChild as sqs.CfnQueue).redrivePolicy = {
        deadLetterTargetArn: dlq.queueArn,
        maxReceiveCount: deadLetterQueue.maxReceiveCount,
      };
      // sqs.Queue sets this only from its props; keep the L2's view of the queue complete
      (this as { deadLetterQueue?: sqs.DeadLetterQueue }).deadLetterQueue = deadLetterQueue;
      Validations.of(dlq).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason: 'This is the dead-letter queue of its parent queue; a redrive policy behind it would only move lost messages once more.',
      });
    }

    const dlqName = this.deadLetterQueue?.queue.queueName;
    this.alarms = buildAlarms(QUEUE_ALARMS, {
      owner: this,
      dimensions: { QueueName: this.queueName },
      dimensionsFor: key => key === 'deadLetterQueueMessages' && dlqName ? { QueueName: dlqName } : undefined,
      options: alarms,
      optionsProp: 'alarms',
      topic: alarmTopic,
      applies: key => key !== 'deadLetterQueueMessages' || dlqName !== undefined,
    });
  }

  /**
   * Whether the visibility timeout follows the consumers (it was not given in the props).
   * @internal
   */
  public _fitsVisibilityTimeout(): boolean {
    return !this.visibilityTimeoutGiven;
  }

  /**
   * Raises the visibility timeout to at least `seconds` (a consumer's 6x timeout + window).
   * @internal
   */
  public _requireVisibilityTimeout(seconds: number): void {
    this.requiredVisibilitySeconds = Math.max(this.requiredVisibilitySeconds ?? 0, seconds);
  }
}
