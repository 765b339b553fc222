import { Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ownWriteFilterPatterns } from './own-write-filters';
import { TABLE_STREAM_ALARMS } from './table-stream-alarm-catalog';
import { TableStreamConsumerOptions } from './table-stream-options';
import { buildAlarms } from '../alarms/alarm-builder';
import { ObservedErrorCode } from '../core/error-codes';
import { checkDurationSeconds, checkInteger, checkRange, invalidProp } from '../core/errors';
import { createFailureQueue } from '../core/failure-queue';
import { functionDiagnosis } from '../core/function-diagnosis';
import { invokeTargetOf } from '../core/invoke-target';
import { DYNAMODB_STARTING_POSITIONS } from '../core/limits';
import { stateOf } from '../core/tree-state';
import { wiringId } from '../core/wiring-id';

/** The environment variables that hand a function its write marker. */
export const MARKER_ATTRIBUTE_ENV = 'OBSERVED_WRITE_MARKER_ATTRIBUTE';
export const MARKER_ENV = 'OBSERVED_WRITE_MARKER';
const DEFAULT_MARKER_ATTRIBUTE = '_writer';
const DEFAULT_MAX_RECORD_AGE = Duration.hours(6);

/**
 * Wires `fn` to a table's stream with failure handling (bisect, max record age, retries, a
 * failure queue), partial batch responses, an IteratorAge alarm, and a filter that drops the
 * function's own writes. The single implementation behind `ObservedFunction.consumeTableStream`.
 */
export function consumeTableStream(fn: lambda.Function, table: dynamodb.ITable, options: TableStreamConsumerOptions = {}): DynamoEventSource {
  const where = `consumeTableStream(${table.node.path})`;
  if (!table.tableStreamArn || streamSpecification(table) === null) {
    invalidProp(ObservedErrorCode.MISSING_PROP, fn, `${where} table stream`, 'not set', 'the table needs a stream',
      'Set dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES on the table (stream: for dynamodb.Table).');
  }
  const position = options.startingPosition;
  if (position !== undefined && !Token.isUnresolved(position) && !DYNAMODB_STARTING_POSITIONS.includes(position)) {
    invalidProp(ObservedErrorCode.UNSUPPORTED_VALUE, fn, `${where} startingPosition`, position, `allowed are ${DYNAMODB_STARTING_POSITIONS.join(' and ')} for a DynamoDB stream`,
      'Lambda starts a DynamoDB stream mapping at a timestamp only for Kinesis, Amazon MQ and Kafka sources; TRIM_HORIZON replays the stream\'s last 24 hours.');
  }
  // the tables whose stream the function consumes (a second mapping of the same pair is refused)
  const consumed = stateOf(fn, 'tableStreamConsumer.consumed', () => new Set<dynamodb.ITable>());
  if (consumed.has(table)) invalidProp(ObservedErrorCode.DUPLICATE, fn, where, 'called twice for the same table', 'a function consumes a table\'s stream once');
  checkRange(fn, `${where} batchSize`, options.batchSize, 1, 10_000);
  checkInteger(fn, `${where} batchSize`, options.batchSize);
  checkDurationSeconds(fn, `${where} maxBatchingWindow`, options.maxBatchingWindow, 0, 300);
  checkDurationSeconds(fn, `${where} maxRecordAge`, options.maxRecordAge, 60, 604_800);
  if (options.maxRecordAge?.isUnresolved()) {
    invalidProp(ObservedErrorCode.TOKEN_NOT_SUPPORTED, fn, `${where} maxRecordAge`, 'a token', 'allowed is a duration known at synth, 60 seconds to 7 days (aws-cdk-lib checks it when the mapping is created)');
  }
  checkRange(fn, `${where} retryAttempts`, options.retryAttempts, 0, 10_000);
  checkInteger(fn, `${where} retryAttempts`, options.retryAttempts);
  checkRange(fn, `${where} parallelizationFactor`, options.parallelizationFactor, 1, 10);
  checkInteger(fn, `${where} parallelizationFactor`, options.parallelizationFactor);

  const dropOwnWrites = options.dropOwnWrites ?? true;
  const filters = dropOwnWrites ? markOwnWrites(fn, table, where, options.writeMarkerAttribute ?? DEFAULT_MARKER_ATTRIBUTE) : undefined;

  const owner = new Construct(fn, wiringId(fn, table, 'Stream'));
  const failureQueue: Queue | undefined = options.onFailure
    ? undefined
    : createFailureQueue(owner, 'FailureQueue', `the records of ${table.node.path}'s stream that failed every retry`);
  const source = new DynamoEventSource(table, {
    startingPosition: options.startingPosition ?? lambda.StartingPosition.LATEST,
    batchSize: options.batchSize ?? 100,
    maxBatchingWindow: options.maxBatchingWindow,
    bisectBatchOnError: options.bisectBatchOnError ?? true,
    maxRecordAge: options.maxRecordAge ?? DEFAULT_MAX_RECORD_AGE,
    retryAttempts: options.retryAttempts ?? 3,
    parallelizationFactor: options.parallelizationFactor,
    onFailure: options.onFailure ?? new SqsDlq(failureQueue!),
    reportBatchItemFailures: options.reportBatchItemFailures ?? true,
    filters: filters?.map(pattern => lambda.FilterCriteria.filter(pattern)),
  });
  invokeTargetOf(fn).addEventSource(source);
  consumed.add(table);

  buildAlarms(TABLE_STREAM_ALARMS, {
    owner,
    dimensions: { FunctionName: fn.functionName },
    dimensionsFor: key => key === 'failedRecords' && failureQueue ? { QueueName: failureQueue.queueName } : undefined,
    options: options.alarms,
    optionsProp: `${where} alarms`,
    applies: key => key !== 'failedRecords' || failureQueue !== undefined,
    absoluteThreshold: (key, threshold) => key === 'iteratorAgeSeconds' ? threshold * 1000 : threshold,
    diagnosis: functionDiagnosis(fn, false),
  });

  return source;
}

/** Hands the function its marker and returns the filter patterns that drop its marked records. */
function markOwnWrites(fn: lambda.Function, table: dynamodb.ITable, where: string, attribute: string): Array<{ [key: string]: any }> {
  if (!Token.isUnresolved(attribute) && !/^[A-Za-z0-9_.-]{1,255}$/.test(attribute)) {
    invalidProp(ObservedErrorCode.INVALID_FORMAT, fn, `${where} writeMarkerAttribute`, `'${attribute}'`, 'allowed are 1-255 letters, digits, _ . and -');
  }
  const viewType = streamViewType(table);
  if (viewType !== undefined && viewType !== dynamodb.StreamViewType.NEW_IMAGE && viewType !== dynamodb.StreamViewType.NEW_AND_OLD_IMAGES) {
    invalidProp(ObservedErrorCode.CONFLICTING_PROPS, fn, `${where} dropOwnWrites`, true, `the table's stream has view type ${viewType}, and dropping the function's own writes needs NEW_IMAGE or NEW_AND_OLD_IMAGES`,
      'Change the stream view type, or set dropOwnWrites to false if the function never writes to the table.');
  }
  const marker = Names.uniqueId(fn);
  const env = (fn.node.defaultChild as lambda.CfnFunction);
  const current = Stack.of(fn).resolve(env.environment)?.variables?.[MARKER_ATTRIBUTE_ENV];
  if (current !== undefined && current !== attribute) {
    invalidProp(ObservedErrorCode.CONFLICTING_PROPS, fn, `${where} writeMarkerAttribute`, `'${attribute}'`, `the function already marks its writes with '${current}'; one marker attribute per function`);
  }
  fn.addEnvironment(MARKER_ATTRIBUTE_ENV, attribute);
  fn.addEnvironment(MARKER_ENV, marker);
  return ownWriteFilterPatterns(attribute, marker);
}

/** The table's resolved stream specification; null when it has none, undefined when unknown (imported). */
function streamSpecification(table: dynamodb.ITable): { streamViewType?: unknown } | null | undefined {
  const cfn = table.node.defaultChild;
  if (!(cfn instanceof dynamodb.CfnGlobalTable || cfn instanceof dynamodb.CfnTable)) return undefined;
  return Stack.of(table).resolve(cfn.streamSpecification) ?? null;
}

function streamViewType(table: dynamodb.ITable): string | undefined {
  const viewType = streamSpecification(table)?.streamViewType;
  return typeof viewType === 'string' ? viewType : undefined;
}
