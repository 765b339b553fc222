import { Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { FUNCTION_ALARMS } from './function-alarm-catalog';
import { FunctionAlarmOptions } from './function-alarm-options';
import { ProvisionedConcurrencyOptions } from './provisioned-concurrency-options';
import { readsLogs } from '../core/alarm-catalog';
import { ObservedErrorCode } from '../core/error-codes';
import { checkDurationSeconds, checkInteger, checkRange, invalidProp } from '../core/errors';
import { LAMBDA_TIMEOUT } from '../core/limits';

/** What the checks read: a function's props with the observed function's own. */
export interface CheckedFunctionProps extends lambda.FunctionProps {
  readonly alarms?: FunctionAlarmOptions;
  readonly provisionedConcurrency?: ProvisionedConcurrencyOptions;
}

/** Lambda's limits (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const LAMBDA_LIMITS = {
  timeoutSeconds: { min: LAMBDA_TIMEOUT.minSeconds, max: LAMBDA_TIMEOUT.maxSeconds },
  memoryMb: { min: 128, max: 10_240 },
  retryAttempts: { min: 0, max: 2 },
  maxEventAgeSeconds: { min: 60, max: 21_600 },
  reservedConcurrency: { min: 0, max: 1_000_000 },
};

/** Checks the props before anything is created; `path` is the construct path to be. */
export function validateFunctionProps(path: string, props: CheckedFunctionProps): void {
  const L = LAMBDA_LIMITS;
  checkDurationSeconds(path, 'timeout', props.timeout, L.timeoutSeconds.min, L.timeoutSeconds.max);
  checkRange(path, 'memorySize', props.memorySize, L.memoryMb.min, L.memoryMb.max, 'MB');
  checkInteger(path, 'memorySize', props.memorySize);
  checkRange(path, 'retryAttempts', props.retryAttempts, L.retryAttempts.min, L.retryAttempts.max);
  checkInteger(path, 'retryAttempts', props.retryAttempts);
  checkDurationSeconds(path, 'maxEventAge', props.maxEventAge, L.maxEventAgeSeconds.min, L.maxEventAgeSeconds.max);
  const reserved = props.reservedConcurrentExecutions;
  if (reserved === 0) {
    invalidProp(ObservedErrorCode.OUT_OF_RANGE, path, 'reservedConcurrentExecutions', 0, `allowed range is 1-${L.reservedConcurrency.max}`,
      'With 0 Lambda throttles every invocation and the function never runs (its queue, stream and bucket events are retried and then dropped or dead-lettered). Leave it out, or reserve at least 1.');
  }
  checkRange(path, 'reservedConcurrentExecutions', reserved, L.reservedConcurrency.min, L.reservedConcurrency.max);
  checkInteger(path, 'reservedConcurrentExecutions', props.reservedConcurrentExecutions);

  const pc = props.provisionedConcurrency;
  if (pc) {
    checkRange(path, 'provisionedConcurrency.executions', pc.executions, 1, L.reservedConcurrency.max);
    checkInteger(path, 'provisionedConcurrency.executions', pc.executions);
    checkInteger(path, 'provisionedConcurrency.maxExecutions', pc.maxExecutions);
    if (pc.maxExecutions !== undefined && !Token.isUnresolved(pc.executions)) {
      checkRange(path, 'provisionedConcurrency.maxExecutions', pc.maxExecutions, pc.executions, L.reservedConcurrency.max);
    }
    checkRange(path, 'provisionedConcurrency.utilizationTargetPercent', pc.utilizationTargetPercent, 10, 90, 'percent');
    if (pc.utilizationTargetPercent !== undefined && Token.isUnresolved(pc.utilizationTargetPercent)) {
      invalidProp(ObservedErrorCode.TOKEN_NOT_SUPPORTED, path, 'provisionedConcurrency.utilizationTargetPercent', 'a token',
        'allowed is a number known at synth, 10-90 percent (aws-cdk-lib checks the auto scaling target when it is created)');
    }
    const most = pc.maxExecutions ?? pc.executions;
    if (reserved !== undefined && !Token.isUnresolved(reserved) && !Token.isUnresolved(most) && most > reserved) {
      invalidProp(ObservedErrorCode.CONCURRENCY_ABOVE_RESERVED, path, 'provisionedConcurrency', `${most} executions`, `at most reservedConcurrentExecutions (${reserved}) is allowed`,
        'Lambda cannot provision more environments than the function may run.');
    }
    if (pc.aliasName !== undefined && !Token.isUnresolved(pc.aliasName) && !/^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/.test(pc.aliasName)) {
      invalidProp(ObservedErrorCode.INVALID_FORMAT, path, 'provisionedConcurrency.aliasName', `'${pc.aliasName}'`, 'allowed are 1-128 letters, digits, - and _, not only digits');
    }
  }

  // the alarms that count from the JSON platform.report records (the catalog says which)
  const logAlarms = (Object.keys(FUNCTION_ALARMS) as (keyof FunctionAlarmOptions)[])
    .filter(k => readsLogs(FUNCTION_ALARMS[k]) && (props.alarms?.[k]?.enabled ?? FUNCTION_ALARMS[k].enabledByDefault));
  if (logAlarms.length === 0) return;
  const fix = `The ${logAlarms.join(' and ')} ${logAlarms.length === 1 ? 'alarm reads' : 'alarms read'} the JSON platform.report log records; keep the default, or switch ${logAlarms.map(k => `alarms.${k}.enabled`).join(' and ')} to false.`;
  if (props.loggingFormat === lambda.LoggingFormat.TEXT) {
    invalidProp(ObservedErrorCode.CONFLICTING_PROPS, path, 'loggingFormat', 'TEXT', 'allowed is JSON while log-based alarms are on', fix);
  }
  if (props.systemLogLevelV2 === lambda.SystemLogLevel.WARN) {
    invalidProp(ObservedErrorCode.CONFLICTING_PROPS, path, 'systemLogLevelV2', 'WARN', 'allowed are INFO and DEBUG while log-based alarms are on (platform.report is logged at INFO)', fix);
  }
}
