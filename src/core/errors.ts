import * as cdk from 'aws-cdk-lib';
import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ObservedErrorCode } from './error-codes';

type ErrorClass = new (name: never, message: string, scope?: IConstruct) => Error;

/** aws-cdk-lib's validation error classes (marked internal in its typings, exported at runtime since 2.18x). */
export interface ValidationErrorClasses {
  readonly ValidationError?: ErrorClass;
  readonly UnscopedValidationError?: ErrorClass;
}

/**
 * aws-cdk-lib's validation error named `code`: scoped to the construct when there is one, unscoped
 * for a path given as text. On an aws-cdk-lib without these classes (or with another constructor),
 * a plain Error of the same name and message, so that an older version never crashes.
 */
export function codedError(code: string, message: string, scope?: IConstruct | string,
  lib: ValidationErrorClasses = cdk as ValidationErrorClasses): Error {
  const construct = typeof scope === 'object' ? scope : undefined;
  const Class = construct ? lib.ValidationError : lib.UnscopedValidationError;
  if (typeof Class === 'function') {
    try {
      const e = new Class(code as never, message, construct);
      if (e.name === code && e.message === message) return e;
    } catch {
      // another constructor: fall back below
    }
  }
  const e = new Error(message);
  e.name = code;
  return e;
}

/** The library's message: `<path>: <prop> is <value>; <what is allowed>.[ <fix>]`. */
function propMessage(scope: IConstruct | string, prop: string, value: unknown, allowed: string, fix?: string): string {
  const path = typeof scope === 'string' ? scope : scope.node.path;
  return `${path}: ${prop} is ${String(value)}; ${allowed}.${fix ? ` ${fix}` : ''}`;
}

/**
 * The library's synth-time validation error, not thrown (for checks that report several problems
 * at once): it names the construct path, the prop, the value and what is allowed, so the message
 * alone tells the user what to change; its name is `code` (an `ObservedErrorCode`).
 */
export function propError(code: string, scope: IConstruct | string, prop: string, value: unknown, allowed: string, fix?: string): Error {
  return codedError(code, propMessage(scope, prop, value, allowed, fix), scope);
}

/** Throws the library's synth-time validation error (see `propError`). */
export function invalidProp(code: string, scope: IConstruct | string, prop: string, value: unknown, allowed: string, fix?: string): never {
  throw propError(code, scope, prop, value, allowed, fix);
}

/**
 * A problem as a line of text for `node.addValidation` (aws-cdk-lib reports those together, in an
 * error of its own): the message with its code at the end, in brackets.
 */
export function problemText(code: string, message: string): string {
  return `${message} [${code}]`;
}

/** Checks a number against an inclusive range; tokens are not judged. */
export function checkRange(scope: IConstruct | string, prop: string, value: number | undefined, min: number, max: number, unit = ''): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isFinite(value) || value < min || value > max) {
    invalidProp(ObservedErrorCode.OUT_OF_RANGE, scope, prop, `${value}${unit ? ' ' + unit : ''}`, `allowed range is ${min}-${max}${unit ? ' ' + unit : ''}`);
  }
}

/** Checks that a number is a whole number; tokens are not judged. */
export function checkInteger(scope: IConstruct | string, prop: string, value: number | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value)) invalidProp(ObservedErrorCode.NOT_WHOLE_NUMBER, scope, prop, value, 'it must be a whole number');
}

/**
 * Checks a duration against an inclusive range of whole seconds (what CloudFormation takes for
 * every duration the library passes on); NaN is out of range; tokens are not judged.
 */
export function checkDurationSeconds(scope: IConstruct | string, prop: string, value: Duration | undefined, min: number, max: number): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isFinite(seconds) || seconds < min || seconds > max) {
    invalidProp(ObservedErrorCode.OUT_OF_RANGE, scope, prop, `${seconds} seconds`, `allowed range is ${min}-${max} seconds`);
  }
  if (!Number.isInteger(seconds)) {
    invalidProp(ObservedErrorCode.NOT_WHOLE_NUMBER, scope, prop, `${seconds} seconds`, `allowed is a whole number of seconds from ${min} to ${max}`);
  }
}

/**
 * Checks a duration of `seconds` (known at synth) against an inclusive range of whole minutes,
 * as EventBridge rates and CloudWatch alarm periods take them; NaN is out of range.
 */
export function checkWholeMinutes(scope: IConstruct | string, prop: string, seconds: number, minSeconds: number, maxSeconds: number): void {
  const inRange = seconds >= minSeconds && seconds <= maxSeconds;
  if (inRange && seconds % 60 === 0) return;
  invalidProp(inRange ? ObservedErrorCode.NOT_WHOLE_NUMBER : ObservedErrorCode.OUT_OF_RANGE, scope, prop, `${seconds} seconds`,
    `allowed is a whole number of minutes from ${Duration.seconds(minSeconds).toHumanString()} to ${Duration.seconds(maxSeconds).toHumanString()}`);
}

/** The number behind a duration in milliseconds, or undefined when it is a token. */
export function concreteMillis(value: Duration | undefined): number | undefined {
  if (value === undefined || value.isUnresolved()) return undefined;
  return value.toMilliseconds({ integral: false });
}

/** The number, or undefined when it is a token. */
export function concreteNumber(value: number | undefined): number | undefined {
  return value === undefined || Token.isUnresolved(value) ? undefined : value;
}
