import { Unevaluable } from './datum';

/**
 * Names in a template and in a scenario.
 *
 * A template value is turned into a canonical string: literal text as it is, `{ "Ref": "X" }` as
 * `${X}`, `{ "Fn::GetAtt": ["X", "A"] }` as `${X.A}`, `Fn::Join` as the join of its parts and
 * `Fn::Sub` as its string (which already uses that syntax). Anything else (Fn::ImportValue,
 * Fn::Select, Fn::If, ...) has no value the simulator can know, and is reported.
 *
 * A scenario string uses the same `${...}` syntax to name a resource: `${LogicalId}`,
 * `${LogicalId.Attribute}`, or a construct path from the template's `aws:cdk:path` metadata, with
 * or without the stack name and the trailing `/Resource` (`${Worker}`, `${MyStack/Worker}`,
 * `${Jobs/DeadLetterQueue.QueueName}`). `${X}` without an attribute matches the template's Ref of X
 * and every GetAtt of X (the resource, whatever the template names it by); `${X.A}` matches only
 * that attribute. `${!Text}` is the literal text `${Text}`.
 */
export class ResourceIndex {
  private readonly logicalIds = new Set<string>();
  private readonly byPath = new Map<string, string>();
  private readonly stackPrefixes = new Set<string>();

  constructor(template: { Resources?: { [id: string]: { Metadata?: { [k: string]: unknown } } }; Parameters?: object }) {
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      this.logicalIds.add(id);
      const path = resource.Metadata?.['aws:cdk:path'];
      if (typeof path !== 'string') continue;
      this.byPath.set(path, id);
      const stack = path.split('/')[0];
      if (stack) this.stackPrefixes.add(stack);
    }
    for (const id of Object.keys(template.Parameters ?? {})) this.logicalIds.add(id);
  }

  /** The logical id a scenario name refers to (a logical id or a construct path). */
  public resolve(name: string): string | undefined {
    if (this.logicalIds.has(name) || name.startsWith('AWS::')) return name;
    const candidates = new Set<string>();
    const tryPath = (p: string) => {
      const id = this.byPath.get(p) ?? this.byPath.get(`${p}/Resource`);
      if (id) candidates.add(id);
    };
    tryPath(name);
    for (const stack of this.stackPrefixes) tryPath(`${stack}/${name}`);
    if (candidates.size > 1) {
      throw new Error(`\${${name}} is ambiguous: it names ${[...candidates].join(', ')}; use a logical id or a full construct path`);
    }
    return [...candidates][0];
  }

  /** The construct path of a logical id, when the template has path metadata. */
  public pathOf(logicalId: string): string | undefined {
    for (const [path, id] of this.byPath) if (id === logicalId) return path.replace(/\/Resource$/, '');
    return undefined;
  }
}

/** The canonical string of a template value (see ResourceIndex), or Unevaluable. */
export function canonical(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const key = keys[0];
      const arg = (value as Record<string, unknown>)[key];
      if (key === 'Ref' && typeof arg === 'string') return `\${${arg}}`;
      if (key === 'Fn::GetAtt') {
        const parts = Array.isArray(arg) ? arg : typeof arg === 'string' ? arg.split(/\.(.*)/s, 2) : undefined;
        if (parts && parts.length === 2 && parts.every(p => typeof p === 'string')) return `\${${parts[0]}.${parts[1]}}`;
      }
      if (key === 'Fn::Join' && Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
        return (arg[1] as unknown[]).map(p => canonical(p, what)).join(arg[0]);
      }
      if (key === 'Fn::Sub') {
        if (typeof arg === 'string') return arg;
        if (Array.isArray(arg) && typeof arg[0] === 'string' && typeof arg[1] === 'object') {
          const vars = arg[1] as Record<string, unknown>;
          return arg[0].replace(/\$\{([^!}][^}]*)\}/g, (whole, name: string) => name in vars ? canonical(vars[name], what) : whole);
        }
      }
      throw new Unevaluable(`${what} is ${JSON.stringify(value)}: the simulator cannot resolve ${key} to a value a scenario can name`);
    }
  }
  throw new Unevaluable(`${what} is ${JSON.stringify(value)}, which is not a value the simulator can match`);
}

/** A scenario string compiled against a template: a test for canonical template strings. */
export interface NamePattern {
  readonly source: string;
  test(canonicalValue: string): boolean;
}

const REF = /\$\{([^}]*)\}/g;

/** Compiles a scenario string (see ResourceIndex) against the template's resources. */
export function compilePattern(text: string, index: ResourceIndex, where: string): NamePattern {
  let regex = '^';
  let last = 0;
  for (const m of text.matchAll(REF)) {
    regex += escape(text.slice(last, m.index));
    last = m.index! + m[0].length;
    const inner = m[1];
    if (inner.startsWith('!')) {
      regex += escape(`\${${inner.slice(1)}}`);
      continue;
    }
    const direct = index.resolve(inner);
    if (direct) {
      regex += `\\$\\{${escape(direct)}(?:\\.[^}]+)?\\}`;
      continue;
    }
    const dot = inner.lastIndexOf('.');
    const base = dot > 0 ? index.resolve(inner.slice(0, dot)) : undefined;
    if (!base) throw new Error(`${where}: \${${inner}} names no resource of the template (not a logical id, nor a construct path in its aws:cdk:path metadata)`);
    regex += escape(`\${${base}.${inner.slice(dot + 1)}}`);
  }
  regex += escape(text.slice(last)) + '$';
  const compiled = new RegExp(regex);
  return { source: text, test: v => compiled.test(v) };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
