import { Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { AccountConcurrencyMonitor, CodeStorageMonitor, VersionCleanupMode } from '../../../src';
import { ACCOUNT_CONCURRENCY_ALARMS } from '../../../src/account/account-concurrency-alarm-catalog';
import { CODE_STORAGE_ALARMS } from '../../../src/account/code-storage-alarm-catalog';
import { ENV } from '../../../src/account/code-storage-contract';
import { alarmOptions, alarmProps, alarmSpecs, alarmsWrong, AlarmSpecs } from '../alarms';
import { FuzzCase } from '../case';
import { resources } from '../oracles';
import { constructId, Dur, dur, durationIn, maybe, num, Num, numberIn } from '../values';

interface CodeStorageSpec {
  readonly id: string;
  readonly pollInterval?: Dur;
  readonly largestFunctions?: Num;
  readonly cleanup?: { mode?: string; versionsToKeep?: Num; functionNamePrefixes?: string[] };
  readonly alarms?: AlarmSpecs;
}

const codeStorageSpec: fc.Arbitrary<CodeStorageSpec> = fc.record({
  id: constructId,
  pollInterval: maybe(fc.oneof(durationIn(300, 28_800), fc.constantFrom<Dur>({ unit: 'minutes', amount: 5 }, { unit: 'hours', amount: 8 }, { unit: 'seconds', amount: 330 }))),
  largestFunctions: maybe(numberIn(0, 100)),
  cleanup: maybe(fc.record({
    mode: maybe(fc.constantFrom('DRY_RUN', 'DELETE', 'bogus', 'delete')),
    versionsToKeep: maybe(numberIn(1, 1000)),
    functionNamePrefixes: maybe(fc.constantFrom(['orders-'], [], ['a', 'b'], ['bad prefix'], ['x'.repeat(65)], Array.from({ length: 51 }, (_, i) => `p${i}`))),
  })),
  alarms: alarmSpecs(Object.keys(CODE_STORAGE_ALARMS)),
});

export const codeStorageCase: fc.Arbitrary<FuzzCase> = codeStorageSpec.map(spec => {
  let monitor: CodeStorageMonitor | undefined;
  const props = alarmProps('alarms', spec.alarms);
  if (spec.pollInterval !== undefined) props.push('pollInterval', 'period');
  if (spec.largestFunctions !== undefined) props.push('largestFunctions');
  if (spec.cleanup) {
    props.push('versionCleanup');
    for (const k of ['mode', 'versionsToKeep', 'functionNamePrefixes'] as const) if (spec.cleanup[k] !== undefined) props.push(`versionCleanup.${k}`);
  }
  return {
    target: 'CodeStorageMonitor',
    input: spec,
    props,
    build: (stack: Stack) => {
      monitor = new CodeStorageMonitor(stack, spec.id, {
        pollInterval: dur(stack, spec.pollInterval),
        largestFunctions: num(stack, spec.largestFunctions),
        versionCleanup: spec.cleanup && {
          mode: spec.cleanup.mode as VersionCleanupMode | undefined,
          versionsToKeep: num(stack, spec.cleanup.versionsToKeep),
          functionNamePrefixes: spec.cleanup.functionNamePrefixes,
        },
        alarms: alarmOptions(stack, spec.alarms),
      });
    },
    wrong: (stack: Stack) => {
      const poller = resources(stack.node.root as any).find(r => r.type === 'AWS::Lambda::Function' && r.props.Environment?.Variables?.[ENV.cleanupMode] !== undefined);
      const mode = poller?.props.Environment.Variables[ENV.cleanupMode];
      if (!['OFF', 'DRY_RUN', 'DELETE'].includes(mode)) return `poller cleanup mode ${mode}`;
      return alarmsWrong(stack, monitor!.alarms, CODE_STORAGE_ALARMS, spec.alarms);
    },
  };
});

const accountConcurrencySpec = fc.record({ id: constructId, alarms: alarmSpecs(Object.keys(ACCOUNT_CONCURRENCY_ALARMS)) });

export const accountConcurrencyCase: fc.Arbitrary<FuzzCase> = accountConcurrencySpec.map(spec => {
  let monitor: AccountConcurrencyMonitor | undefined;
  return {
    target: 'AccountConcurrencyMonitor',
    input: spec,
    props: alarmProps('alarms', spec.alarms),
    build: (stack: Stack) => { monitor = new AccountConcurrencyMonitor(stack, spec.id, { alarms: alarmOptions(stack, spec.alarms) }); },
    wrong: (stack: Stack) => alarmsWrong(stack, monitor!.alarms, ACCOUNT_CONCURRENCY_ALARMS, spec.alarms),
  };
});
