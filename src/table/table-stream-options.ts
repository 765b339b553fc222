import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AlarmOptions } from '../core/alarm-options';

/** Changes to the alarms of a table stream consumer. */
export interface TableStreamAlarmOptions {
  /**
   * How far behind the stream the function is (IteratorAge, Maximum), in seconds.
   *
   * @default - on: > 300 seconds in 2 of 3 minutes
   */
  readonly iteratorAgeSeconds?: AlarmOptions;

  /**
   * Messages in the failure queue (records that failed every retry), as a count.
   *
   * @default - on: > 0 in 1 minute, when the wiring created the failure queue
   */
  readonly failedRecords?: AlarmOptions;
}

/**
 * How an ObservedFunction consumes a DynamoDB table's stream (`fn.consumeTableStream(table, options)`).
 */
export interface TableStreamConsumerOptions {
  /**
   * Where in the stream a new mapping starts.
   *
   * @default lambda.StartingPosition.LATEST - a consumer added to a busy table does not replay 24 hours of records
   */
  readonly startingPosition?: lambda.StartingPosition;

  /**
   * Records per invocation, 1-10,000.
   *
   * @default 100
   */
  readonly batchSize?: number;

  /**
   * How long Lambda gathers records before invoking, up to 5 minutes.
   *
   * @default - no window
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * Split a failing batch in two and retry each half, so one poison record cannot block its
   * shard.
   *
   * @default true
   */
  readonly bisectBatchOnError?: boolean;

  /**
   * Discard records older than this, 60 seconds to 7 days.
   *
   * @default Duration.hours(6)
   */
  readonly maxRecordAge?: Duration;

  /**
   * Retries of a failing batch, 0-10,000.
   *
   * @default 3
   */
  readonly retryAttempts?: number;

  /**
   * Concurrent batches per shard, 1-10.
   *
   * @default 1
   */
  readonly parallelizationFactor?: number;

  /**
   * Where records that failed every retry are sent.
   *
   * @default - an SQS queue the wiring creates (encrypted, TLS only, 14 days)
   */
  readonly onFailure?: lambda.IEventSourceDlq;

  /**
   * Let the handler return `batchItemFailures` so that only the failed records are retried.
   *
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;

  /**
   * Drop the records this function wrote itself, by Lambda event filtering, so that a function
   * that writes back to the table feeding its stream cannot loop (Lambda's recursive loop
   * detection does not cover DynamoDB). The function marks its writes with the attribute named in
   * its `OBSERVED_WRITE_MARKER_ATTRIBUTE` environment variable, set to the value of
   * `OBSERVED_WRITE_MARKER`; records whose new image carries that value are dropped, records with
   * no marker, another function's marker, and deletes are kept. Needs a stream with new images.
   *
   * @default true
   */
  readonly dropOwnWrites?: boolean;

  /**
   * The name of the marker attribute.
   *
   * @default '_writer'
   */
  readonly writeMarkerAttribute?: string;

  /**
   * Changes to the stream consumer's alarms.
   *
   * @default - the defaults
   */
  readonly alarms?: TableStreamAlarmOptions;
}
