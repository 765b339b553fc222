import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { ObservedFunction } from '../../../src';
import { FUNCTION_ALARMS } from '../../../src/function/function-alarm-catalog';
import { MINIMAL } from '../../helpers';
import { alarmOptions, alarmProps, alarmSpecs, alarmsWrong, AlarmSpecs } from '../alarms';
import { FuzzCase } from '../case';
import { constructId, Dur, dur, durationIn, maybe, num, Num, numberIn, sometimes } from '../values';

export interface FunctionSpec {
  readonly id: string;
  readonly timeout?: Dur;
  readonly memorySize?: Num;
  readonly retryAttempts?: Num;
  readonly maxEventAge?: Dur;
  readonly reservedConcurrentExecutions?: Num;
  readonly provisionedConcurrency?: { executions: Num; maxExecutions?: Num; utilizationTargetPercent?: Num; aliasName?: string };
  readonly alarms?: AlarmSpecs;
  readonly loggingFormat?: 'JSON' | 'TEXT';
  readonly asyncFailureQueue?: boolean;
}

export const functionSpec: fc.Arbitrary<FunctionSpec> = fc.record({
  id: constructId,
  timeout: maybe(durationIn(1, 900)),
  memorySize: maybe(numberIn(128, 10_240)),
  retryAttempts: maybe(numberIn(0, 2)),
  maxEventAge: maybe(durationIn(60, 21_600)),
  reservedConcurrentExecutions: maybe(numberIn(0, 1000)),
  provisionedConcurrency: sometimes(fc.record({
    executions: numberIn(1, 50),
    maxExecutions: maybe(numberIn(1, 100)),
    utilizationTargetPercent: maybe(numberIn(10, 90)),
    aliasName: maybe(fc.constantFrom('live', 'prod-1', '123', 'bad name', 'x'.repeat(129))),
  }), 0.2),
  alarms: alarmSpecs(Object.keys(FUNCTION_ALARMS)),
  loggingFormat: maybe(fc.constantFrom<'JSON' | 'TEXT'>('JSON', 'TEXT')),
  asyncFailureQueue: maybe(fc.boolean()),
});

/** A function spec for wiring cases: the props that matter to a consumer. */
export const consumerSpec: fc.Arbitrary<FunctionSpec> = fc.record({
  id: fc.constantFrom('Handler', 'Worker'),
  timeout: maybe(durationIn(1, 900)),
  reservedConcurrentExecutions: sometimes(numberIn(0, 1000), 0.25),
  asyncFailureQueue: fc.constant(false),
});

export function makeFunction(scope: Construct, spec: FunctionSpec): ObservedFunction {
  const stack = Stack.of(scope);
  const pc = spec.provisionedConcurrency;
  return new ObservedFunction(scope, spec.id, {
    ...MINIMAL,
    timeout: dur(stack, spec.timeout),
    memorySize: num(stack, spec.memorySize),
    retryAttempts: num(stack, spec.retryAttempts),
    maxEventAge: dur(stack, spec.maxEventAge),
    reservedConcurrentExecutions: num(stack, spec.reservedConcurrentExecutions),
    provisionedConcurrency: pc && {
      executions: num(stack, pc.executions)!,
      maxExecutions: num(stack, pc.maxExecutions),
      utilizationTargetPercent: num(stack, pc.utilizationTargetPercent),
      aliasName: pc.aliasName,
    },
    alarms: alarmOptions(stack, spec.alarms),
    loggingFormat: spec.loggingFormat === undefined ? undefined : lambda.LoggingFormat[spec.loggingFormat],
    asyncFailureQueue: spec.asyncFailureQueue,
  });
}

/** The props a function spec sets, as errors name them. */
export function functionProps(spec: FunctionSpec): string[] {
  const out: string[] = [];
  for (const k of ['timeout', 'memorySize', 'retryAttempts', 'maxEventAge', 'reservedConcurrentExecutions', 'loggingFormat'] as const) {
    if (spec[k] !== undefined) out.push(k);
  }
  const pc = spec.provisionedConcurrency;
  if (pc) {
    out.push('provisionedConcurrency.executions');
    for (const k of ['maxExecutions', 'utilizationTargetPercent', 'aliasName'] as const) if (pc[k] !== undefined) out.push(`provisionedConcurrency.${k}`);
  }
  return [...out, ...alarmProps('alarms', spec.alarms)];
}

export const functionCase: fc.Arbitrary<FuzzCase> = functionSpec.map(spec => {
  let fn: ObservedFunction | undefined;
  return {
    target: 'ObservedFunction',
    input: spec,
    props: functionProps(spec),
    build: (stack: Stack) => { fn = makeFunction(stack, spec); },
    wrong: (stack: Stack) => alarmsWrong(stack, fn!.alarms, FUNCTION_ALARMS, spec.alarms),
  };
});
