import { Stack } from 'aws-cdk-lib';
import { Alarm, CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import * as fc from 'fast-check';
import { Dur, dur, durationIn, maybe, num, Num, numberIn, sometimes } from './values';
import { AlarmOptions } from '../../src';
import { AlarmCatalog } from '../../src/core/alarm-catalog';

export interface AlarmSpec {
  readonly enabled?: boolean;
  readonly threshold?: Num;
  readonly evaluationPeriods?: Num;
  readonly datapointsToAlarm?: Num;
  readonly period?: Dur;
}
export type AlarmSpecs = Record<string, AlarmSpec>;

const FIELDS = ['enabled', 'threshold', 'evaluationPeriods', 'datapointsToAlarm', 'period'] as const;

const spec: fc.Arbitrary<AlarmSpec> = fc.record({
  enabled: maybe(fc.boolean()),
  threshold: maybe(numberIn(0, 100)),
  evaluationPeriods: maybe(numberIn(1, 20)),
  datapointsToAlarm: maybe(fc.oneof({ weight: 6, arbitrary: numberIn(1, 20) }, { weight: 1, arbitrary: fc.constant(2000) })),
  period: maybe(fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 60 }).map(m => ({ unit: 'minutes', amount: m }) as Dur) },
    { weight: 2, arbitrary: durationIn(60, 3600) },
    { weight: 1, arbitrary: fc.constantFrom<Dur>({ unit: 'days', amount: 1 }, { unit: 'seconds', amount: 90 }) },
  )),
});

/** Options for a few of the catalog's alarms (and now and then one it does not know). */
export function alarmSpecs(keys: readonly string[]): fc.Arbitrary<AlarmSpecs | undefined> {
  return sometimes(fc.dictionary(fc.constantFrom(...keys, 'noSuchAlarm'), spec, { minKeys: 1, maxKeys: 2 }), 0.4);
}

export function alarmOptions(stack: Stack, specs: AlarmSpecs | undefined): Record<string, AlarmOptions> | undefined {
  if (!specs) return undefined;
  return Object.fromEntries(Object.entries(specs).map(([key, s]) => [key, {
    enabled: s.enabled,
    threshold: num(stack, s.threshold),
    evaluationPeriods: num(stack, s.evaluationPeriods),
    datapointsToAlarm: num(stack, s.datapointsToAlarm),
    period: dur(stack, s.period),
  }]));
}

/** `alarms.throttles.threshold`, ... for every option the specs set. */
export function alarmProps(prefix: string, specs: AlarmSpecs | undefined): string[] {
  const out: string[] = [];
  for (const [key, s] of Object.entries(specs ?? {})) {
    out.push(`${prefix}.${key}`);
    for (const f of FIELDS) if (s[f] !== undefined) out.push(`${prefix}.${key}.${f}`);
  }
  return out;
}

/**
 * What the alarms ended up with against what was asked: a value given stays as given, a token
 * stays a token, and a token never turns up where none was given.
 */
export function alarmsWrong(stack: Stack, alarms: readonly Alarm[], catalog: AlarmCatalog<string>,
  specs: AlarmSpecs | undefined): string | undefined {
  for (const alarm of alarms) {
    const key = Object.keys(catalog).find(k => `${catalog[k].id}Alarm` === alarm.node.id);
    if (!key) continue;
    const s = specs?.[key] ?? {};
    const cfn = stack.resolve((alarm.node.defaultChild as CfnAlarm)._toCloudFormation()) as any;
    const props = Object.values(cfn.Resources as Record<string, any>)[0].Properties;
    for (const [field, cfnName] of [['evaluationPeriods', 'EvaluationPeriods'], ['datapointsToAlarm', 'DatapointsToAlarm']] as const) {
      const given = s[field];
      const actual = props[cfnName];
      if (given === 'TOKEN') continue;
      if (typeof actual === 'object' && actual !== null) return `${alarm.node.path}: ${cfnName} is a token though ${field} was ${given ?? 'not set'}`;
      if (typeof given === 'number' && actual !== undefined && actual !== given) return `${alarm.node.path}: ${cfnName} is ${actual} though ${field} was ${given}`;
    }
  }
  return undefined;
}
