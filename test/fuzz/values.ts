import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';

/**
 * Values as the generators describe them: plain data (printable, replayable), turned into CDK
 * values only when a case is built, so that a token is a parameter of the stack under test.
 */
export type Num = number | 'TOKEN';
export type Dur = { readonly unit: 'millis' | 'seconds' | 'minutes' | 'hours' | 'days'; readonly amount: number } | 'TOKEN';

let parameters = 0;

/** A number token: a CfnParameter of the stack. */
export function numberToken(stack: Stack): number {
  return new CfnParameter(stack, `FuzzNumber${++parameters}`, { type: 'Number' }).valueAsNumber;
}

export function num(stack: Stack, v: Num | undefined): number | undefined {
  return v === 'TOKEN' ? numberToken(stack) : v;
}

export function dur(stack: Stack, v: Dur | undefined): Duration | undefined {
  if (v === undefined) return undefined;
  if (v === 'TOKEN') return Duration.seconds(numberToken(stack));
  return Duration[v.unit](v.amount);
}

export function isToken(v: unknown): boolean {
  return v === 'TOKEN';
}

/** Seconds of a described duration, undefined for a token. */
export function seconds(v: Dur | undefined): number | undefined {
  if (v === undefined || v === 'TOKEN') return undefined;
  const factor = { millis: 0.001, seconds: 1, minutes: 60, hours: 3600, days: 86400 }[v.unit];
  return v.amount * factor;
}

/** Valid values, the bounds and just past them, fractions, NaN, infinities and a token. */
export function numberIn(min: number, max: number): fc.Arbitrary<Num> {
  return fc.oneof(
    { weight: 14, arbitrary: fc.integer({ min, max: Math.min(max, min + 1_000_000) }) },
    { weight: 3, arbitrary: fc.constantFrom(min, max, min - 1, max + 1, 0, -1) },
    { weight: 1, arbitrary: fc.constantFrom(min + 0.5, max - 0.5, 2.5, Number.NaN, Number.POSITIVE_INFINITY) },
    { weight: 1, arbitrary: fc.constant<'TOKEN'>('TOKEN') },
  );
}

/** Durations around a range given in seconds, in several units, with fractions, NaN and a token. */
export function durationIn(minSeconds: number, maxSeconds: number): fc.Arbitrary<Dur> {
  const s = (amount: number): Dur => ({ unit: 'seconds', amount });
  return fc.oneof(
    { weight: 14, arbitrary: fc.integer({ min: minSeconds, max: maxSeconds }).map(s) },
    // Duration itself refuses negative amounts, before any construct sees them
    { weight: 3, arbitrary: fc.constantFrom(s(minSeconds), s(maxSeconds), s(Math.max(0, minSeconds - 1)), s(maxSeconds + 1), s(0)) },
    { weight: 1, arbitrary: fc.constantFrom<Dur>({ unit: 'millis', amount: 1500 }, { unit: 'millis', amount: 500 }, s(Number.NaN), s(1.5)) },
    { weight: 1, arbitrary: fc.constantFrom<Dur>({ unit: 'minutes', amount: 1 }, { unit: 'minutes', amount: 5 }, { unit: 'hours', amount: 1 }, { unit: 'days', amount: 1 }) },
    { weight: 1, arbitrary: fc.constant<'TOKEN'>('TOKEN') },
  );
}

/** Construct ids: plain, long, and with the characters that break names and rules. */
export const constructId: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('Handler', 'Orders', 'A', 'x1') },
  { weight: 2, arbitrary: fc.constantFrom('My "quoted" fn', 'it\'s', 'a b', 'Uni\u00e9', 'paren(s)', 'comma,x', 'star*') },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 300 }).map(n => 'L'.repeat(n)) },
);

/** `arb` or undefined, undefined about half of the time. */
export function maybe<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined, freq: 2 });
}

/** `arb` in about `share` of the cases, else undefined. */
export function sometimes<T>(arb: fc.Arbitrary<T>, share: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: Math.round(100 * (1 - share)), arbitrary: fc.constant(undefined) }, { weight: Math.round(100 * share), arbitrary: arb });
}
