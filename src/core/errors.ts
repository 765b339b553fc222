import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Throws the library's synth-time validation error: it names the construct path, the prop, the
 * value and what is allowed, so the message alone tells the user what to change.
 */
export function invalidProp(scope: IConstruct | string, prop: string, value: unknown, allowed: string, fix?: string): never {
  const path = typeof scope === 'string' ? scope : scope.node.path;
  throw new Error(`${path}: ${prop} is ${String(value)}; ${allowed}.${fix ? ` ${fix}` : ''}`);
}

/** Checks a number against an inclusive range; tokens are not judged. */
export function checkRange(scope: IConstruct | string, prop: string, value: number | undefined, min: number, max: number, unit = ''): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isFinite(value) || value < min || value > max) {
    invalidProp(scope, prop, `${value}${unit ? ' ' + unit : ''}`, `allowed range is ${min}-${max}${unit ? ' ' + unit : ''}`);
  }
}

/** Checks that a number is a whole number; tokens are not judged. */
export function checkInteger(scope: IConstruct | string, prop: string, value: number | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value)) invalidProp(scope, prop, value, 'it must be a whole number');
}

/**
 * Checks a duration against an inclusive range of whole seconds (what CloudFormation takes for
 * every duration the library passes on); NaN is out of range; tokens are not judged.
 */
export function checkDurationSeconds(scope: IConstruct | string, prop: string, value: Duration | undefined, min: number, max: number): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isFinite(seconds) || seconds < min || seconds > max) {
    invalidProp(scope, prop, `${seconds} seconds`, `allowed range is ${min}-${max} seconds`);
  }
  if (!Number.isInteger(seconds)) {
    invalidProp(scope, prop, `${seconds} seconds`, `allowed is a whole number of seconds from ${min} to ${max}`);
  }
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
