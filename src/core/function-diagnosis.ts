import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AlarmDiagnosis } from './alarm-links';
import { LinkPart } from './console-links';
import { FUNCTION_DASHBOARD_QUERIES, FUNCTION_LOG_QUERIES } from './function-log-queries';
import { generatedNameChars, givenName } from './generated-names';

/** Lambda allows function names of up to 64 characters. */
const MAX_FUNCTION_NAME = 64;

/**
 * Where a function's failures can be investigated: its log group (when it logs JSON, which the
 * queries read) and its X-Ray traces (when tracing is on). The alarms of what a function consumes
 * (a queue, a table's stream) link the consumer's logs and traces too; only the function's own
 * alarms bring the dashboard queries (one line of them per function).
 */
export function functionDiagnosis(fn: lambda.Function, own = true): AlarmDiagnosis {
  const logGroup = logGroupOf(fn);
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const stack = Stack.of(fn);
  const logging = stack.resolve(cfn.loggingConfig) as lambda.CfnFunction.LoggingConfigProperty | undefined;
  const tracing = stack.resolve(cfn.tracingConfig) as lambda.CfnFunction.TracingConfigProperty | undefined;
  const given = givenName(cfn, 'FunctionName');
  const name: LinkPart = typeof given === 'string' ? given
    : { value: fn.functionName, maxChars: given === undefined ? Math.min(MAX_FUNCTION_NAME, generatedNameChars(cfn)) : MAX_FUNCTION_NAME };
  const json = logging?.logFormat === 'JSON';
  return {
    logGroupName: json ? (logGroup ? logGroupNameParts(logGroup) : ['/aws/lambda/', name]) : undefined,
    defaultQuery: FUNCTION_LOG_QUERIES.errors,
    metricsBeforeTraces: !own,
    traceService: tracing?.mode === lambda.Tracing.ACTIVE || tracing?.mode === lambda.Tracing.PASS_THROUGH ? [name] : undefined,
    dashboardQueries: json && own ? FUNCTION_DASHBOARD_QUERIES : undefined,
  };
}

/**
 * The log group a function writes to, when it is not Lambda's default: the one an
 * ObservedFunction creates, or the one given in the props. (Reading `fn.logGroup` of a function
 * without one would create a log retention resource.) Undefined: `/aws/lambda/<name>`.
 */
function logGroupOf(fn: lambda.Function): logs.ILogGroup | undefined {
  const own = fn.node.tryFindChild('LogGroup');
  const ownCfn = own?.node.defaultChild;
  if (ownCfn && CfnResource.isCfnResource(ownCfn) && ownCfn.cfnResourceType === 'AWS::Logs::LogGroup') return own as logs.ILogGroup;
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const logging = Stack.of(fn).resolve(cfn.loggingConfig) as lambda.CfnFunction.LoggingConfigProperty | undefined;
  return logging?.logGroup !== undefined ? fn.logGroup : undefined;
}

/**
 * A log group's name as link parts: the name itself when it is known at synth; a bounded
 * reference when CloudFormation generates it (`<stack name>-<logical id>-<random suffix>`, which
 * needs no escaping); undefined when its length cannot be bounded (an imported name that is a token).
 */
export function logGroupNameParts(logGroup: logs.ILogGroup): LinkPart[] | undefined {
  const cfn = logGroup.node.defaultChild;
  if (cfn && CfnResource.isCfnResource(cfn) && cfn.cfnResourceType === 'AWS::Logs::LogGroup') {
    const given = givenName(cfn, 'LogGroupName');
    if (given === undefined) return [{ value: logGroup.logGroupName, maxChars: generatedNameChars(cfn) }];
    return typeof given === 'string' ? [given] : undefined;
  }
  return Token.isUnresolved(logGroup.logGroupName) ? undefined : [logGroup.logGroupName];
}
