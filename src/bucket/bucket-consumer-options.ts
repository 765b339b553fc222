import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * How an ObservedFunction consumes a bucket's object notifications
 * (`fn.consumeBucket(bucket, options)`). The input and output key spaces must not overlap, or
 * every object the function writes triggers it again.
 */
export interface BucketConsumerOptions {
  /**
   * Only objects under this prefix trigger the function; read access is granted under it.
   * Required when `outputPrefix` is set.
   *
   * @default - every object in the bucket (then the function may not write to it)
   */
  readonly inputPrefix?: string;

  /**
   * The function may write objects only under this prefix. Must not overlap `inputPrefix` (neither
   * may be a prefix of the other).
   *
   * @default - no write access to the bucket
   */
  readonly outputPrefix?: string;

  /**
   * Only objects whose key ends with this trigger the function.
   *
   * @default - any key
   */
  readonly suffix?: string;

  /**
   * The object events that trigger the function.
   *
   * @default [s3.EventType.OBJECT_CREATED]
   */
  readonly events?: s3.EventType[];
}
