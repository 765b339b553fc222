import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { isRef, Part, partsIn, UNKNOWN } from './values';

/**
 * IAM statements as the rules need them: which actions a role is allowed, on which resources.
 * A statement the rules cannot read exactly (a condition, `NotAction`, `NotResource`, a
 * non-literal action) is left out: it is no evidence that a function may do something, and the
 * rules do not guess.
 */
export interface Statement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  /** Each resource as parts: `['*']`, `[Ref(queue)]`, `[Ref(bucket), '/out/*']`, a literal ARN. */
  readonly resources: readonly (readonly Part[])[];
  /** Where the statement comes from, for messages. */
  readonly source: CfnResource;
}

/** The readable statements of a policy document read with `readJson`. */
export function statementsOf(source: CfnResource, doc: unknown): Statement[] {
  if (typeof doc !== 'object' || doc === null) return [];
  const raw = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: Statement[] = [];
  for (const s of list) {
    if (typeof s !== 'object' || s === null) continue;
    const st = s as Record<string, unknown>;
    if (st.Condition !== undefined || st.NotAction !== undefined || st.NotResource !== undefined) continue;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') continue;
    const actions = asList(st.Action);
    if (actions.some(a => typeof a !== 'string' || Token.isUnresolved(a))) continue;
    const resources = asList(st.Resource).map(r => partsIn(r));
    out.push({ effect: st.Effect, actions: actions as string[], resources, source });
  }
  return out;
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** IAM's glob: `*` any run of characters, `?` one; case-insensitive for actions. */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = GLOBS.get(key);
  if (!re) {
    const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${escaped}$`, ignoreCase ? 'i' : '');
    GLOBS.set(key, re);
  }
  return re.test(value);
}

/** Compiled globs: policies repeat the same few actions across every role. */
const GLOBS = new Map<string, RegExp>();

/** Whether a statement's actions cover one of `actions`; returns the covered action. */
export function coveredAction(statement: Statement, actions: readonly string[]): string | undefined {
  return actions.find(action => statement.actions.some(p => globMatch(p, action, true)));
}

/** What a resource entry of a statement says about a target. */
export interface ResourceMatch {
  /** `exact`: the statement names the target; `wildcard`: a pattern that covers it (`*`, `arn:aws:sqs:*:*:*`). */
  readonly kind: 'exact' | 'wildcard';
  /** For object ARNs: the key pattern after the bucket (`out/*`, `*`). */
  readonly keyPattern?: string;
  /** The statement's resource as the user wrote it, for messages. */
  readonly text: string;
}

/** The ARN pieces of a target whose physical name is a literal, to compare with literal ARN patterns. */
export interface LiteralArn {
  readonly service: string;
  /** The resource part of the ARN after `account:` (`my-queue`, `table/Orders`, `function:fn`). */
  readonly resource: string;
}

/**
 * How a statement resource (as parts) relates to `target`: names it (a reference to the target or
 * one of `aliases`, its literal ARN), covers it with a wildcard, or says nothing about it.
 * `objects`: the target is a bucket and the statement must name objects in it (`<bucket ARN>/key`).
 */
export function matchResource(resource: readonly Part[], target: CfnResource, literal: LiteralArn | undefined,
  options: { objects?: boolean; aliases?: readonly CfnResource[] } = {}): ResourceMatch | undefined {
  const text = describeParts(resource);
  const isTarget = (p: Part) => isRef(p) && (p.resource === target || (options.aliases ?? []).includes(p.resource));
  if (resource.length === 1 && resource[0] === '*') return { kind: 'wildcard', keyPattern: options.objects ? '*' : undefined, text };
  if (options.objects) {
    if (resource.length === 2 && isTarget(resource[0]) && typeof resource[1] === 'string' && resource[1].startsWith('/')) {
      return { kind: 'exact', keyPattern: resource[1].slice(1), text };
    }
  } else if (resource.length >= 1 && isTarget(resource[0])) {
    // `<function ARN>:*` and `<function ARN>:alias` name the function too
    if (resource.length === 1 || (resource.length === 2 && typeof resource[1] === 'string' && resource[1].startsWith(':'))) {
      return { kind: 'exact', text };
    }
  }
  if (resource.length === 1 && typeof resource[0] === 'string' && resource[0].startsWith('arn:')) {
    return matchLiteralArn(resource[0], target, literal, options.objects === true, text);
  }
  return undefined;
}

function matchLiteralArn(pattern: string, target: CfnResource, literal: LiteralArn | undefined, objects: boolean,
  text: string): ResourceMatch | undefined {
  const [arn, partition, service, region, account, ...rest] = pattern.split(':');
  if (arn !== 'arn' || rest.length === 0 || partition === undefined || service === undefined || region === undefined || account === undefined) return undefined;
  const resourcePart = rest.join(':');
  const stack = Stack.of(target);
  // the target's region and account are compared only when the stack knows them; a concrete
  // value in the pattern against an environment-agnostic stack cannot be judged
  // (S3 ARNs leave both empty)
  const envOk = (p: string, actual: string) => p === '' || (Token.isUnresolved(actual) ? /^\**$/.test(p) : globMatch(p, actual));
  if (service !== '*' && !globMatch(service, literal?.service ?? '\u0000')) return undefined;
  if (!envOk(region, stack.region) || !envOk(account, stack.account)) return undefined;
  if (objects) {
    const slash = resourcePart.indexOf('/');
    if (slash < 0) return undefined;
    const bucket = resourcePart.slice(0, slash);
    const key = resourcePart.slice(slash + 1);
    if (/^\*+$/.test(bucket)) return { kind: 'wildcard', keyPattern: key, text };
    if (!literal || !globMatch(bucket, literal.resource)) return undefined;
    return { kind: bucket === literal.resource ? 'exact' : 'wildcard', keyPattern: key, text };
  }
  if (/^\*+$/.test(resourcePart)) return { kind: 'wildcard', text };
  if (!literal) return undefined;
  const exact = resourcePart === literal.resource || resourcePart.startsWith(`${literal.resource}:`);
  if (exact) return { kind: 'exact', text };
  return globMatch(resourcePart, literal.resource) ? { kind: 'wildcard', text } : undefined;
}

/** A statement resource as text for messages: `arn:aws:s3:::<App/Bucket>/out/*`. */
export function describeParts(resource: readonly Part[]): string {
  return resource.map(p => typeof p === 'string' ? p : p === UNKNOWN ? '<unknown>' : `<${p.resource.node.path.replace(/\/Resource$/, '')}${p.attribute === 'Ref' ? '' : '.' + p.attribute}>`).join('');
}

/** A permission found in a role's policies. */
export interface Grant {
  readonly action: string;
  readonly match: ResourceMatch;
  readonly statement: Statement;
}

/**
 * The grants of `actions` on `target` among `statements`, unless an unconditional Deny covers
 * the same action on the target.
 */
export function grantsOn(statements: readonly Statement[], actions: readonly string[], target: CfnResource, literal: LiteralArn | undefined,
  options: { objects?: boolean; aliases?: readonly CfnResource[] } = {}): Grant[] {
  const allows: Grant[] = [];
  const denied = new Set<string>();
  for (const statement of statements) {
    for (const action of actions) {
      if (!statement.actions.some(p => globMatch(p, action, true))) continue;
      for (const resource of statement.resources) {
        const match = matchResource(resource, target, literal, options);
        if (!match) continue;
        if (statement.effect === 'Deny') {
          // a Deny on part of the objects does not remove a grant on others: only whole-bucket denies count
          if (!options.objects || match.keyPattern === '*') denied.add(action.toLowerCase());
        } else {
          allows.push({ action, match, statement });
        }
      }
    }
  }
  return allows.filter(g => !denied.has(g.action.toLowerCase()));
}

/** A glob as a list of symbols: `*`, `?`, or `=c` for the literal character c. */
export type Glob = readonly string[];

/** An IAM resource pattern as a glob (`*` and `?` are wildcards). */
export function iamGlob(pattern: string): Glob {
  return [...pattern].map(c => c === '*' || c === '?' ? c : `=${c}`);
}

/** The keys an S3 notification filter matches: `<prefix>*<suffix>`, both literal. */
export function filterGlob(prefix: string, suffix: string): Glob {
  return [...[...prefix].map(c => `=${c}`), '*', ...[...suffix].map(c => `=${c}`)];
}

/** Whether some string matches both globs (a search over pairs of positions: exact, and linear in the product of their lengths). */
export function globsIntersect(a: Glob, b: Glob): boolean {
  const seen = new Set<number>();
  const stack: [number, number][] = [[0, 0]];
  const width = b.length + 1;
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    if (seen.has(i * width + j)) continue;
    seen.add(i * width + j);
    if (i === a.length && j === b.length) return true;
    const x = a[i];
    const y = b[j];
    // a star may match nothing
    if (x === '*') stack.push([i + 1, j]);
    if (y === '*') stack.push([i, j + 1]);
    if (x === undefined || y === undefined) continue;
    // consume one character that both can match
    if (x === '*' && y === '*') continue; // both stay: no progress
    if (x === '*') stack.push([i, j + 1]);
    else if (y === '*') stack.push([i + 1, j]);
    else if (x === '?' || y === '?' || x === y) stack.push([i + 1, j + 1]);
  }
  return false;
}
