import {
  CfnResource, DefaultTokenResolver, IPostProcessor, IResolvable, IResolveContext, Reference, Stack, StringConcat,
  Token, TokenizedStringFragments, Tokenization,
} from 'aws-cdk-lib';
import { PolicyDocument } from 'aws-cdk-lib/aws-iam';

/**
 * Reading the properties of synthesized L1 resources without rendering them.
 *
 * Rendering a resource (`_toCloudFormation()` plus `resolve`) costs about 0.1 ms; on a
 * 2,000-resource app that alone would take longer than the whole lint budget. So properties are
 * read from the L1's own fields (typed L1s: camelCase fields; plain `CfnResource`s and raw
 * overrides: CloudFormation's PascalCase), and references are followed through the tokens
 * themselves: a `Reference` token knows the construct it points to, in any stack, before and
 * after synthesis. Only values that are neither literals nor references (a `Lazy`, an
 * `Fn::Join` read from a template) are resolved, and then with a resolver that keeps references
 * as markers instead of turning them into logical IDs.
 *
 * Nothing here guesses: a value that cannot be known at synth time (a parameter, an import, an
 * `Fn::Sub`, a lazy value that does not produce a literal) comes back as `undefined` or as an
 * `Unknown` part, and the rules treat it as "cannot judge" (no finding).
 */

/** A reference to (an attribute of) a resource in the app. */
export interface Ref {
  readonly resource: CfnResource;
  /** `Ref`, `Arn`, `StreamArn`, `QueueName`, ... */
  readonly attribute: string;
}

/** A part of a string value: literal text, a reference, or something that cannot be known. */
export type Part = string | Ref | typeof UNKNOWN;

/** Marks a value (or part of one) that cannot be known at synth time. */
export const UNKNOWN: unique symbol = Symbol('unknown');

/*
 * Markers for references and concatenations inside values being resolved. They are tokens
 * themselves (resolving to themselves), so that aws-cdk-lib's resolver passes them through
 * untouched: a plain object would be copied key by key, and one holding a construct refused.
 */
class RefMarker implements IResolvable {
  public readonly creationStack: string[] = [];
  constructor(public readonly ref: Ref) {}
  public resolve(): unknown { return this; }
  public toString(): string { return `<${this.ref.resource.node.path}.${this.ref.attribute}>`; }
}

class ConcatMarker implements IResolvable {
  public readonly creationStack: string[] = [];
  constructor(public readonly items: Part[]) {}
  public resolve(): unknown { return this; }
  public toString(): string { return '<concatenation>'; }
}

function marker(merged: Part[]): unknown {
  if (merged.length === 1) return typeof merged[0] === 'string' ? merged[0] : isRef(merged[0]) ? new RefMarker(merged[0]) : UNKNOWN;
  return new ConcatMarker(merged);
}

export function isRef(x: unknown): x is Ref {
  return typeof x === 'object' && x !== null && 'resource' in x && 'attribute' in x && CfnResource.isCfnResource((x as Ref).resource);
}

/** Lower-cases the first letter: a CloudFormation property name to the typed L1's field name. */
function field(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function isTypedL1(node: CfnResource): boolean {
  return (node.constructor as { CFN_RESOURCE_TYPE_NAME?: string }).CFN_RESOURCE_TYPE_NAME === node.cfnResourceType;
}

/**
 * A property of a resource as CloudFormation will see it: a raw override (`addPropertyOverride`)
 * wins over the L1's field. `path` is in CloudFormation's names (`ScalingConfig`,
 * `MaximumConcurrency`); nested struct fields of typed L1s are read in camelCase. Returns the raw
 * value (possibly a token); `undefined` when absent.
 */
export function prop(node: CfnResource, ...path: string[]): unknown {
  const overrides = (node as unknown as { rawOverrides?: { Properties?: unknown } }).rawOverrides?.Properties;
  let over: unknown = overrides;
  let overridden = overrides !== undefined;
  for (const key of path) {
    if (!overridden || typeof over !== 'object' || over === null || !(key in over)) { overridden = false; break; }
    over = (over as Record<string, unknown>)[key];
  }
  if (overridden) return over;

  const typed = isTypedL1(node);
  let value: unknown = typed ? node : (node as unknown as { _cfnProperties?: unknown })._cfnProperties;
  for (const key of path) {
    if (value === undefined || value === null) return undefined;
    if (value !== node && Tokenization.isResolvable(value)) value = resolveKeepingRefs(node, value);
    if (typeof value !== 'object' || value === null) return undefined;
    const record = value as Record<string, unknown>;
    value = typed ? record[field(key)] : record[key];
  }
  return value;
}

/**
 * A number, or undefined when the value is absent or cannot be known. Token numbers are resolved
 * (a `Lazy.number` that produces a literal is known; a parameter is not). Numeric strings count:
 * CloudFormation accepts `"30"` for an Integer and templates read with `CfnInclude` keep them.
 */
export function numberValue(node: CfnResource, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && !Token.isUnresolved(value)) return value;
  if (typeof value === 'string' && !Token.isUnresolved(value)) return /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : undefined;
  const resolved = Stack.of(node).resolve(value);
  if (typeof resolved === 'number') return resolved;
  if (typeof resolved === 'string' && /^-?\d+(\.\d+)?$/.test(resolved.trim())) return Number(resolved);
  return undefined;
}

/** A boolean, or undefined when absent or unknown (`"true"` strings count, as CloudFormation accepts them). */
export function booleanValue(node: CfnResource, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  const v = typeof value === 'boolean' || (typeof value === 'string' && !Token.isUnresolved(value)) ? value : Stack.of(node).resolve(value);
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return undefined;
}

/** A literal string, or undefined when absent or not a literal. */
export function stringValue(node: CfnResource, value: unknown): string | undefined {
  if (typeof value === 'string' && !Token.isUnresolved(value)) return value;
  if (value === undefined || value === null) return undefined;
  const resolved = resolveKeepingRefs(node, value);
  return typeof resolved === 'string' ? resolved : undefined;
}

/**
 * The parts of a string value: `['arn:aws:s3:::', Ref(bucket), '/out/*']` for an object ARN.
 * Literal strings give one part; values that are not strings give `[UNKNOWN]`.
 */
export function parts(node: CfnResource, value: unknown): Part[] {
  const v = readJson(node, value);
  return toParts(v);
}

function toParts(v: unknown): Part[] {
  if (typeof v === 'string') return [v];
  if (v instanceof RefMarker) return [v.ref];
  if (v instanceof ConcatMarker) return v.items;
  // an Fn::Join read from a template (CfnInclude) or produced by a lazy value
  if (typeof v === 'object' && v !== null && 'Fn::Join' in v) {
    const [delimiter, list] = (v as { 'Fn::Join': [unknown, unknown] })['Fn::Join'];
    if (typeof delimiter !== 'string' || !Array.isArray(list)) return [UNKNOWN];
    const out: Part[] = [];
    list.forEach((item, i) => {
      if (i > 0 && delimiter) out.push(delimiter);
      out.push(...toParts(item));
    });
    return mergeLiterals(out);
  }
  return [UNKNOWN];
}

function mergeLiterals(input: Part[]): Part[] {
  const out: Part[] = [];
  for (const p of input) {
    const last = out[out.length - 1];
    if (typeof p === 'string' && typeof last === 'string') out[out.length - 1] = last + p;
    else if (p !== '') out.push(p);
  }
  return out;
}

function referenceToRef(reference: Reference): Ref | undefined {
  return CfnResource.isCfnResource(reference.target)
    ? { resource: reference.target, attribute: reference.displayName }
    : undefined; // a parameter, a condition, a pseudo parameter: not a resource
}

/**
 * A value as JSON with references kept: strings, numbers, arrays and objects as they are,
 * references as markers, string concatenations as part lists. Policy documents are read through
 * `toJSON()` so that reading them does not freeze their statements.
 */
export function readJson(node: CfnResource, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (value instanceof RefMarker || value instanceof ConcatMarker) return value; // already read
  if (typeof value === 'string') return readString(node, value);
  if (typeof value === 'number') return Token.isUnresolved(value) ? resolveKeepingRefs(node, value) : value;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    // a list token (e.g. `Lazy.list`) is an array with one encoded element
    if (Token.isUnresolved(value)) {
      const resolved = resolveKeepingRefs(node, value);
      return Array.isArray(resolved) ? resolved : [resolved];
    }
    return value.map(v => readJson(node, v));
  }
  if (value instanceof PolicyDocument) return readJson(node, value.toJSON());
  if (Reference.isReference(value)) {
    const ref = referenceToRef(value);
    return ref ? new RefMarker(ref) : UNKNOWN;
  }
  if (Tokenization.isResolvable(value)) return resolveKeepingRefs(node, value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = readJson(node, v);
  return out;
}

function readString(node: CfnResource, value: string): unknown {
  if (!Token.isUnresolved(value)) return value;
  const out: Part[] = [];
  for (const f of fragmentList(Tokenization.reverseString(value))) {
    if (f.literal !== undefined) out.push(f.literal);
    else if (f.token && Reference.isReference(f.token)) out.push(referenceToRef(f.token) ?? UNKNOWN);
    else if (f.token) out.push(...toParts(resolveKeepingRefs(node, f.token)));
    else out.push(UNKNOWN);
  }
  return marker(mergeLiterals(out));
}

/** The fragments of a tokenized string in order (literal text and tokens), through the public API. */
function fragmentList(fragments: TokenizedStringFragments): { literal?: string; token?: IResolvable }[] {
  if (fragments.length === 0) return [];
  // tokens mapped to plain boxes become "intrinsic" fragments, which join() passes through as they are
  const boxed = fragments.mapTokens({ mapToken: (token: IResolvable) => ({ [TOKEN_BOX]: token }) });
  const item = (v: unknown) => typeof v === 'string' ? { literal: v }
    : typeof v === 'object' && v !== null && TOKEN_BOX in v ? { token: (v as { [TOKEN_BOX]: IResolvable })[TOKEN_BOX] } : {};
  if (boxed.length === 1) return [item(boxed.firstValue)];
  const list: unknown[] = [];
  boxed.join({
    join: (left: unknown, right: unknown) => {
      if (left !== list) list.push(left);
      list.push(right);
      return list;
    },
  });
  return list.map(item);
}

const TOKEN_BOX = Symbol('token');

/** The marker's reference, when a JSON value read by `readJson` is exactly one reference. */
export function refIn(v: unknown): Ref | undefined {
  return v instanceof RefMarker ? v.ref : undefined;
}

/** The parts of a JSON value read by `readJson` (a string, a reference or a concatenation). */
export function partsIn(v: unknown): Part[] {
  return toParts(v);
}

/**
 * Resolves a token with references kept as markers (no logical IDs, which would cost a resolve
 * per resource in the app to map back). Used only for values that are neither literals nor plain
 * references: lazy values, `Fn::Join`s read from templates, list tokens.
 */
export function resolveKeepingRefs(node: CfnResource, value: unknown): unknown {
  return Tokenization.resolve(value, { scope: node, preparing: false, resolver: RESOLVER });
}

class KeepReferences extends DefaultTokenResolver {
  constructor() {
    super(new StringConcat());
  }

  public resolveToken(t: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): unknown {
    if (t instanceof RefMarker || t instanceof ConcatMarker) return t;
    if (Reference.isReference(t)) {
      const ref = referenceToRef(t);
      return ref ? new RefMarker(ref) : UNKNOWN;
    }
    if (t instanceof PolicyDocument) return context.resolve(t.toJSON());
    return super.resolveToken(t, context, postProcessor);
  }

  public resolveString(fragments: TokenizedStringFragments, context: IResolveContext): unknown {
    const out: Part[] = [];
    for (const f of fragmentList(fragments)) {
      if (f.literal !== undefined) { out.push(f.literal); continue; }
      const resolved = context.resolve(f.token);
      out.push(...toParts(resolved));
    }
    return marker(mergeLiterals(out));
  }
}

const RESOLVER = new KeepReferences();

/** A resource attribute (`DeletionPolicy`, `UpdateReplacePolicy`) as CloudFormation will see it: a raw override wins. */
export function resourceAttribute(node: CfnResource, name: 'DeletionPolicy' | 'UpdateReplacePolicy'): unknown {
  const overrides = (node as unknown as { rawOverrides?: Record<string, unknown> }).rawOverrides;
  if (overrides && name in overrides) return overrides[name];
  return name === 'DeletionPolicy' ? node.cfnOptions.deletionPolicy : node.cfnOptions.updateReplacePolicy;
}

/** A member of an object read from a typed L1 (camelCase) or from CloudFormation JSON (PascalCase). */
export function member(obj: unknown, name: string): unknown {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const o = obj as Record<string, unknown>;
  if (name in o) return o[name];
  const camel = name.charAt(0).toLowerCase() + name.slice(1);
  if (camel in o) return o[camel];
  const pascal = name.charAt(0).toUpperCase() + name.slice(1);
  return o[pascal];
}

/** A JSON value as a list: `[]` when it is not one. */
export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The reference, when a value's parts are exactly one reference. */
export function refOfParts(p: readonly Part[]): Ref | undefined {
  return p.length === 1 && isRef(p[0]) ? p[0] : undefined;
}
