import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as fc from 'fast-check';
import { consumerSpec, functionProps, FunctionSpec, makeFunction } from './function';
import { ObservedFunction } from '../../../src';
import { FuzzCase } from '../case';
import { maybe, sometimes } from '../values';

const prefix = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a/', 'b/', 'a/x/', 'in/', 'out/', 'incoming/', 'processed/') },
  { weight: 2, arbitrary: fc.constantFrom('', '*', 'in/*', 'a?', '/') },
  { weight: 1, arbitrary: fc.constantFrom('p'.repeat(1024), 'p'.repeat(1025), 'p'.repeat(2000)) },
);

interface CallSpec {
  readonly fn: 0 | 1;
  readonly inputPrefix?: string;
  readonly outputPrefix?: string;
  readonly suffix?: string;
  readonly events?: Array<'OBJECT_CREATED' | 'OBJECT_CREATED_PUT' | 'OBJECT_REMOVED'>;
}

interface BucketSpec {
  readonly fns: FunctionSpec[];
  readonly calls: CallSpec[];
}

const callSpec: fc.Arbitrary<CallSpec> = fc.record({
  fn: fc.constantFrom<0 | 1>(0, 1),
  inputPrefix: maybe(prefix),
  outputPrefix: maybe(prefix),
  suffix: sometimes(fc.constantFrom('.json', '*.json', ''), 0.3),
  events: sometimes(fc.subarray(['OBJECT_CREATED', 'OBJECT_CREATED_PUT', 'OBJECT_REMOVED'] as const, { minLength: 0 }).map(a => [...a]), 0.4),
});

const bucketSpec: fc.Arbitrary<BucketSpec> = fc.record({
  fns: fc.tuple(consumerSpec, consumerSpec).map(([a, b]) => [{ ...a, id: 'First' }, { ...b, id: 'Second' }]),
  calls: fc.array(callSpec, { minLength: 1, maxLength: 3 }),
});

/** Whether one key space contains part of the other. */
function overlaps(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/** A loop: following "writes under a prefix that triggers" from a call comes back to it. */
function loops(calls: CallSpec[]): boolean {
  const next = (i: number) => calls.map((_, j) => j).filter(j => calls[i].outputPrefix !== undefined && overlaps(calls[i].outputPrefix!, calls[j].inputPrefix ?? ''));
  const reaches = (from: number, to: number, seen: Set<number>): boolean =>
    next(from).some(j => j === to || (!seen.has(j) && (seen.add(j), reaches(j, to, seen))));
  return calls.some((_, i) => reaches(i, i, new Set()));
}

export const consumeBucketCase: fc.Arbitrary<FuzzCase> = bucketSpec.map(spec => {
  const used = new Set(spec.calls.map(c => c.fn));
  const props = [...used].flatMap(i => functionProps(spec.fns[i]));
  for (const c of spec.calls) {
    for (const k of ['inputPrefix', 'outputPrefix', 'suffix', 'events'] as const) if (c[k] !== undefined) props.push(k);
    // writing to the bucket requires an input prefix
    if (c.outputPrefix !== undefined) props.push('inputPrefix');
  }
  // calls on one bucket must not overlap: the input prefix (set or not) is what to change
  if (spec.calls.length > 1) props.push('inputPrefix');
  return {
    target: 'consumeBucket',
    input: spec,
    props,
    build: (stack: Stack) => {
      const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
      const fns: ObservedFunction[] = [];
      for (const call of spec.calls) {
        fns[call.fn] ??= makeFunction(stack, spec.fns[call.fn]);
        fns[call.fn].consumeBucket(bucket, {
          inputPrefix: call.inputPrefix,
          outputPrefix: call.outputPrefix,
          suffix: call.suffix,
          events: call.events?.map(e => s3.EventType[e]),
        });
      }
    },
    wrong: () => {
      if (spec.calls.some(c => spec.fns[c.fn].reservedConcurrentExecutions === 0)) return 'a consumer with reserved concurrency 0 never runs';
      if (loops(spec.calls)) return 'the calls form a loop through the bucket';
      if (spec.calls.some(c => [c.inputPrefix, c.outputPrefix].some(p => p !== undefined && /[*?]/.test(p)))) return 'a wildcard in a prefix';
      return undefined;
    },
  };
});
