import { CfnResource } from 'aws-cdk-lib';
import { AppIndex, memo, relation } from '../app-index';
import { T } from '../resource-types';
import { isRef, numberValue, Part, parts, prop } from '../values';
import { byName } from './names';
import { LAMBDA_TIMEOUT } from '../../core/limits';

/** Lambda's timeout when none is set. */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = LAMBDA_TIMEOUT.defaultSeconds;

/** A function's timeout in seconds: Lambda's 3 s when absent, undefined when not known at synth. */
export function timeoutSeconds(fn: CfnResource): number | undefined {
  const raw = prop(fn, 'Timeout');
  return raw === undefined ? DEFAULT_FUNCTION_TIMEOUT_SECONDS : numberValue(fn, raw);
}

/** "10 s", or "3 s (Lambda's default)" */
export function describeTimeout(fn: CfnResource): string {
  const seconds = timeoutSeconds(fn);
  return prop(fn, 'Timeout') === undefined ? `${seconds} s (Lambda's default)` : `${seconds} s`;
}

/** The function a value names: a function, alias or version reference, an ARN or a literal name. */
export function functionOf(index: AppIndex, from: CfnResource, value: unknown): CfnResource | undefined {
  return functionOfParts(index, parts(from, value));
}

/** The function a mapping, alias or version invokes. */
export function functionOfParts(index: AppIndex, p: readonly Part[]): CfnResource | undefined {
  const first = p[0];
  if (isRef(first)) {
    const r = first.resource;
    if (r.cfnResourceType === T.function) return r;
    if (r.cfnResourceType === T.alias || r.cfnResourceType === T.version) return ownerFunction(index, r);
    return undefined;
  }
  if (p.length !== 1 || typeof first !== 'string') return undefined;
  // arn:aws:lambda:region:account:function:name[:qualifier], or name[:qualifier]
  const m = /^arn:[^:]*:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(first) ?? /^([^:]+)(:[^:]+)?$/.exec(first);
  return m ? byName(index, T.function, m[1]) : undefined;
}

/** The function an alias or version belongs to. */
export const ownerFunction = memo((index: AppIndex, aliasOrVersion: CfnResource): CfnResource | undefined =>
  functionOf(index, aliasOrVersion, prop(aliasOrVersion, 'FunctionName')));

/** The aliases and versions of a function. */
export const aliasesOf = relation<CfnResource>((index, add) => {
  for (const a of [...index.ofType(T.alias), ...index.ofType(T.version)]) add(ownerFunction(index, a), a);
});

/** The role a function runs with, when it is in the app. */
export const roleOf = memo((index: AppIndex, fn: CfnResource): CfnResource | undefined => {
  const p = parts(fn, prop(fn, 'Role'));
  if (isRef(p[0]) && p.length === 1) return p[0].resource.cfnResourceType === T.role ? p[0].resource : undefined;
  const m = p.length === 1 && typeof p[0] === 'string' ? /^arn:[^:]*:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(p[0]) : null;
  return m ? byName(index, T.role, m[1]) : undefined;
});
