/**
 * The codes of the library's synth-time validation errors, one per kind of mistake.
 *
 * A refusal is aws-cdk-lib's validation error (`Errors.isValidationError(e)` is true) whose `name`
 * is one of these codes, and whose message names the construct path, the prop, the value, what is
 * allowed and the fix. Problems reported when the app is validated (several at once) carry the code
 * at the end of their line, in brackets. The codes are stable: match on them rather than on the
 * message.
 *
 * @example
 *
 * try {
 *   app.synth();
 * } catch (e) {
 *   if (Errors.isValidationError(e) && e.name === ObservedErrorCode.OUT_OF_RANGE) {
 *     // ...
 *   }
 * }
 */
export class ObservedErrorCode {
  /**
   * A number, duration or count outside what AWS (or the library) allows, e.g. a function timeout
   * of 901 seconds, an alarm threshold of 101 percent, a batching window below 1 second with a
   * batch size above 10.
   */
  public static readonly OUT_OF_RANGE = 'CdkObservedOutOfRange';

  /** A fraction where AWS takes a whole number (of seconds, minutes, milliseconds, MB or items). */
  public static readonly NOT_WHOLE_NUMBER = 'CdkObservedNotWholeNumber';

  /**
   * A token where the value must be known at synth time, or a token in a unit that cannot be
   * converted (e.g. an alarm period, an integration timeout in seconds).
   */
  public static readonly TOKEN_NOT_SUPPORTED = 'CdkObservedTokenNotSupported';

  /** A name, prefix or URL with characters or a length that AWS refuses. */
  public static readonly INVALID_FORMAT = 'CdkObservedInvalidFormat';

  /**
   * A value outside the set allowed here: an unknown mode or alarm, a log retention CloudWatch Logs
   * does not offer, a starting position a DynamoDB stream does not support.
   */
  public static readonly UNSUPPORTED_VALUE = 'CdkObservedUnsupportedValue';

  /**
   * A prop that another setting needs is not set, e.g. an alarm placement mode without its stacks, a
   * batch size above 10 without a batching window, a stream consumer of a table without a stream.
   */
  public static readonly MISSING_PROP = 'CdkObservedMissingProp';

  /**
   * Settings that cannot go together, e.g. log-based alarms with text logs, a batching window on a
   * FIFO queue, an alarm switched on where it does not exist, every alarm of a monitor switched off.
   */
  public static readonly CONFLICTING_PROPS = 'CdkObservedConflictingProps';

  /**
   * The same wiring twice, or overlapping: a second `consumeQueue` or `consumeTableStream` of the
   * same pair, an event type listed twice, S3 notifications whose filters overlap.
   */
  public static readonly DUPLICATE = 'CdkObservedDuplicate';

  /**
   * A topic, monitoring stack, watched construct or encryption key in another account or region
   * than the alarms (or log groups) that would use it.
   */
  public static readonly CROSS_ENVIRONMENT = 'CdkObservedCrossEnvironment';

  /** A function that would trigger itself through a bucket: outputs that reach its inputs. */
  public static readonly TRIGGER_LOOP = 'CdkObservedTriggerLoop';

  /**
   * A function whose timeout does not end before the integration timeout of the API route it serves
   * (callers would get a 504 while it keeps running), or an integration timeout too short for any
   * Lambda function.
   */
  public static readonly TIMEOUT_ABOVE_INTEGRATION = 'CdkObservedTimeoutAboveIntegration';

  /** A queue's visibility timeout below 6 times its consumer's timeout plus the batching window. */
  public static readonly VISIBILITY_TIMEOUT_TOO_SHORT = 'CdkObservedVisibilityTimeoutTooShort';

  /** An API route without an authorizer, on an API that does not state that anyone may call it. */
  public static readonly OPEN_API_ROUTE = 'CdkObservedOpenApiRoute';

  /**
   * More concurrency than the function's reserved concurrency: its queues' maximum concurrency or
   * its provisioned concurrency.
   */
  public static readonly CONCURRENCY_ABOVE_RESERVED = 'CdkObservedConcurrencyAboveReserved';

  /** `AlarmPlacement.configure` called on a scope whose alarms already exist. */
  public static readonly PLACEMENT_AFTER_ALARMS = 'CdkObservedPlacementAfterAlarms';

  /** A stack holding alarms above CloudFormation's limits (500 resources, 1 MB, 200 parameters). */
  public static readonly STACK_LIMIT_EXCEEDED = 'CdkObservedStackLimitExceeded';

  /** Whether `name` (an error's name) is one of the library's codes. */
  public static isObservedErrorCode(name: string): boolean {
    return (Object.values(ObservedErrorCode) as unknown[]).includes(name);
  }

  private constructor() {}
}
