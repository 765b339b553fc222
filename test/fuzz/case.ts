import { Stack } from 'aws-cdk-lib';

/** One generated use of the library: what it sets, how it is built, what its template must satisfy. */
export interface FuzzCase {
  /** The construct or method, e.g. `ObservedFunction`, `consumeQueue`. */
  readonly target: string;
  /** The inputs, as plain data (printed when the case fails). */
  readonly input: unknown;
  /**
   * The props the case set, named as the library's errors name them (`timeout`,
   * `alarms.throttles.datapointsToAlarm`, `batchSize`). A refusal must blame one of them (or a
   * prop that contains one of them, or one they contain).
   */
  readonly props: readonly string[];
  /** Builds the case in the stack (of a fresh app); may throw the library's error. */
  build(stack: Stack): void;
  /**
   * When the case was accepted: what is wrong with what was built, if anything (a template that
   * CloudFormation or AWS would reject, or that does not do what the props say).
   */
  wrong?(stack: Stack): string | undefined;
}
