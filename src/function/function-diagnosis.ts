import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { FUNCTION_DASHBOARD_QUERIES, FUNCTION_LOG_QUERIES } from './function-log-queries';
import { AlarmDiagnosis } from '../core/alarm-links';
import { LinkPart } from '../core/console-links';

/** Lambda allows function names of up to 64 characters. */
const MAX_FUNCTION_NAME = 64;
/** CloudFormation allows stack names of up to 128 characters. */
const MAX_STACK_NAME = 128;
/** The random suffix CloudFormation adds to the names it generates (13 characters today), with a margin. */
const GENERATED_SUFFIX_CHARS = 20;

/**
 * Where a function's failures can be investigated: its log group (when it logs JSON, which the
 * queries read) and its X-Ray traces (when tracing is on).
 *
 * @param logGroup the log group the function writes to; undefined: Lambda's default, `/aws/lambda/<name>`
 */
export function functionDiagnosis(fn: lambda.Function, logGroup: logs.ILogGroup | undefined): AlarmDiagnosis {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const stack = Stack.of(fn);
  const logging = stack.resolve(cfn.loggingConfig) as lambda.CfnFunction.LoggingConfigProperty | undefined;
  const tracing = stack.resolve(cfn.tracingConfig) as lambda.CfnFunction.TracingConfigProperty | undefined;
  const given: unknown = stack.resolve(cfn.functionName);
  const name: LinkPart = typeof given === 'string' ? given
    : { value: fn.functionName, maxChars: given === undefined ? Math.min(MAX_FUNCTION_NAME, generatedNameChars(cfn)) : MAX_FUNCTION_NAME };
  const json = logging?.logFormat === 'JSON';
  return {
    logGroupName: json ? (logGroup ? logGroupNameParts(logGroup) : ['/aws/lambda/', name]) : undefined,
    defaultQuery: FUNCTION_LOG_QUERIES.errors,
    traceService: tracing?.mode === lambda.Tracing.ACTIVE || tracing?.mode === lambda.Tracing.PASS_THROUGH ? [name] : undefined,
    dashboardQueries: json ? FUNCTION_DASHBOARD_QUERIES : undefined,
  };
}

/**
 * A log group's name as link parts: the name itself when it is known at synth; a bounded
 * reference when CloudFormation generates it (`<stack name>-<logical id>-<random suffix>`, which
 * needs no escaping); undefined when its length cannot be bounded (an imported name that is a token).
 */
export function logGroupNameParts(logGroup: logs.ILogGroup): LinkPart[] | undefined {
  const cfn = logGroup.node.defaultChild;
  if (cfn && CfnResource.isCfnResource(cfn) && cfn.cfnResourceType === 'AWS::Logs::LogGroup') {
    const given: unknown = Stack.of(cfn).resolve((cfn as logs.CfnLogGroup).logGroupName);
    if (given === undefined) return [{ value: logGroup.logGroupName, maxChars: generatedNameChars(cfn) }];
    return typeof given === 'string' ? [given] : undefined;
  }
  return Token.isUnresolved(logGroup.logGroupName) ? undefined : [logGroup.logGroupName];
}

/** The most characters of a name CloudFormation generates for `resource` (its stack's name may be generated too, for a nested stack). */
function generatedNameChars(resource: CfnResource): number {
  const stack = Stack.of(resource);
  const logicalId = stack.resolve(resource.logicalId) as string;
  const stackName = stack.nestedStackResource
    ? generatedNameChars(stack.nestedStackResource)
    : Token.isUnresolved(stack.stackName) ? MAX_STACK_NAME : stack.stackName.length;
  return stackName + 1 + logicalId.length + 1 + GENERATED_SUFFIX_CHARS;
}
