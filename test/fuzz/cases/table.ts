import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { consumerSpec, functionProps, FunctionSpec, makeFunction } from './function';
import { ObservedTable } from '../../../src';
import { TABLE_ALARMS } from '../../../src/table/table-alarm-catalog';
import { TABLE_STREAM_ALARMS } from '../../../src/table/table-stream-alarm-catalog';
import { alarmOptions, alarmProps, alarmSpecs, alarmsWrong, AlarmSpecs } from '../alarms';
import { FuzzCase } from '../case';
import { constructId, Dur, dur, durationIn, maybe, num, Num, numberIn } from '../values';

const KEY = { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } };

interface TableSpec {
  readonly id: string;
  readonly provisioned: boolean;
  readonly stream?: 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE' | 'KEYS_ONLY';
  readonly alarms?: AlarmSpecs;
}

const tableSpec: fc.Arbitrary<TableSpec> = fc.record({
  id: constructId,
  provisioned: fc.boolean(),
  stream: maybe(fc.constantFrom<TableSpec['stream']>('NEW_AND_OLD_IMAGES', 'NEW_IMAGE', 'KEYS_ONLY')),
  alarms: alarmSpecs(Object.keys(TABLE_ALARMS)),
});

function makeTable(scope: Construct, spec: TableSpec): ObservedTable {
  return new ObservedTable(scope, spec.id, {
    ...KEY,
    billing: spec.provisioned
      ? dynamodb.Billing.provisioned({ readCapacity: dynamodb.Capacity.fixed(5), writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 10 }) })
      : undefined,
    dynamoStream: spec.stream && dynamodb.StreamViewType[spec.stream],
    alarms: alarmOptions(Stack.of(scope), spec.alarms),
  });
}

export const observedTableCase: fc.Arbitrary<FuzzCase> = tableSpec.map(spec => {
  let table: ObservedTable | undefined;
  return {
    target: 'ObservedTable',
    input: spec,
    props: alarmProps('alarms', spec.alarms),
    build: (stack: Stack) => { table = makeTable(stack, spec); },
    wrong: (stack: Stack) => alarmsWrong(stack, table!.alarms, TABLE_ALARMS, spec.alarms),
  };
});

interface StreamSpec {
  readonly fn: FunctionSpec;
  readonly table: TableSpec;
  readonly startingPosition?: 'LATEST' | 'TRIM_HORIZON' | 'AT_TIMESTAMP';
  readonly batchSize?: Num;
  readonly maxBatchingWindow?: Dur;
  readonly maxRecordAge?: Dur;
  readonly retryAttempts?: Num;
  readonly parallelizationFactor?: Num;
  readonly dropOwnWrites?: boolean;
  readonly writeMarkerAttribute?: string;
  readonly alarms?: AlarmSpecs;
  /** 'twice': the same table again; 'sameId': another table with the same id under another parent. */
  readonly second?: 'twice' | 'sameId';
}

const streamSpec: fc.Arbitrary<StreamSpec> = fc.record({
  fn: consumerSpec,
  table: tableSpec.map(t => ({ ...t, id: `Table${t.id}`, alarms: undefined, provisioned: false })),
  startingPosition: maybe(fc.constantFrom<StreamSpec['startingPosition']>('LATEST', 'TRIM_HORIZON', 'AT_TIMESTAMP')),
  batchSize: maybe(numberIn(1, 10_000)),
  maxBatchingWindow: maybe(durationIn(0, 300)),
  maxRecordAge: maybe(durationIn(60, 604_800)),
  retryAttempts: maybe(numberIn(0, 10_000)),
  parallelizationFactor: maybe(numberIn(1, 10)),
  dropOwnWrites: maybe(fc.boolean()),
  writeMarkerAttribute: maybe(fc.constantFrom('_writer', 'w', 'bad attr', 'x'.repeat(256))),
  alarms: alarmSpecs(Object.keys(TABLE_STREAM_ALARMS)),
  second: maybe(fc.constantFrom<StreamSpec['second']>('twice', 'sameId')),
});

export const consumeTableStreamCase: fc.Arbitrary<FuzzCase> = streamSpec.map(spec => {
  let fn: lambda.Function | undefined;
  const props = [...functionProps(spec.fn), ...alarmProps('alarms', spec.alarms)];
  for (const k of ['startingPosition', 'batchSize', 'maxBatchingWindow', 'maxRecordAge', 'retryAttempts', 'parallelizationFactor', 'dropOwnWrites', 'writeMarkerAttribute'] as const) {
    if (spec[k] !== undefined) props.push(k);
  }
  if (spec.table.stream !== 'NEW_AND_OLD_IMAGES') props.push('dropOwnWrites', 'stream');
  if (spec.table.stream === undefined) props.push('table stream');
  if (spec.second === 'twice') props.push('consumeTableStream');
  return {
    target: 'consumeTableStream',
    input: spec,
    props,
    build: (stack: Stack) => {
      const f = makeFunction(stack, spec.fn);
      fn = f;
      const options = () => ({
        startingPosition: spec.startingPosition && lambda.StartingPosition[spec.startingPosition],
        batchSize: num(stack, spec.batchSize),
        maxBatchingWindow: dur(stack, spec.maxBatchingWindow),
        maxRecordAge: dur(stack, spec.maxRecordAge),
        retryAttempts: num(stack, spec.retryAttempts),
        parallelizationFactor: num(stack, spec.parallelizationFactor),
        dropOwnWrites: spec.dropOwnWrites,
        writeMarkerAttribute: spec.writeMarkerAttribute,
        alarms: alarmOptions(stack, spec.alarms),
      });
      const table = makeTable(stack, spec.table);
      f.consumeTableStream(table, options());
      if (spec.second === 'twice') f.consumeTableStream(table, options());
      if (spec.second === 'sameId') f.consumeTableStream(makeTable(new Construct(stack, 'Elsewhere'), spec.table), options());
    },
    wrong: (stack: Stack) => {
      if (spec.fn.reservedConcurrentExecutions === 0) return 'a consumer with reserved concurrency 0 never runs';
      return alarmsWrong(stack, fn!.node.findAll().filter((c): c is any => c.constructor.name === 'Alarm'), TABLE_STREAM_ALARMS, spec.alarms);
    },
  };
});
