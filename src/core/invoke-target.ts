import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * What wiring should invoke for `fn`: an ObservedFunction's provisioned-concurrency alias when
 * it has one (invoking the unqualified function would skip the warm environments), else `fn`.
 */
export function invokeTargetOf(fn: lambda.IFunction): lambda.IFunction {
  return (fn as { invokeTarget?: lambda.IFunction }).invokeTarget ?? fn;
}
