import { Unevaluable } from './datum';

/**
 * CloudWatch Logs metric filter patterns for JSON log events, the subset the simulator evaluates:
 * `{ <condition> }` where a condition is `$.a.b <op> <value>` with = != < > <= >=, a quoted string
 * (with * as a wildcard), a number, or true/false/null, combined with && and || and parentheses.
 * An empty pattern matches every event. Anything else (space-delimited and term patterns, EXISTS,
 * IS NULL, ...) is refused.
 */
export type EventMatcher = (event: unknown) => boolean;

type Cond =
  | { t: 'and' | 'or'; l: Cond; r: Cond }
  | { t: 'cmp'; path: string[]; op: string; value: string | number | boolean | null; wildcard: boolean };

export function compileFilterPattern(pattern: string): EventMatcher {
  const src = pattern.trim();
  if (src === '') return () => true;
  if (!src.startsWith('{') || !src.endsWith('}')) {
    throw new Unevaluable(`metric filter pattern '${pattern}' is not a JSON pattern ({ ... }); the simulator evaluates only JSON patterns`);
  }
  const tokens = [...src.slice(1, -1).matchAll(/\s*(\$(?:\.[A-Za-z0-9_-]+|\[\d+\])+|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|&&|\|\||!=|<=|>=|=|<|>|\(|\)|[A-Za-z]+|\S)/g)].map(m => m[1]);
  let pos = 0;
  const fail = (why: string): never => { throw new Unevaluable(`metric filter pattern '${pattern}': ${why}`); };
  const or = (): Cond => {
    let l = and();
    while (tokens[pos] === '||') { pos++; l = { t: 'or', l, r: and() }; }
    return l;
  };
  const and = (): Cond => {
    let l = unit();
    while (tokens[pos] === '&&') { pos++; l = { t: 'and', l, r: unit() }; }
    return l;
  };
  const unit = (): Cond => {
    if (tokens[pos] === '(') {
      pos++;
      const c = or();
      if (tokens[pos++] !== ')') fail('unbalanced parentheses');
      return c;
    }
    const selector = tokens[pos++];
    if (!selector?.startsWith('$')) fail(`expected a selector ($.field) at '${selector ?? 'the end'}'`);
    const op = tokens[pos++];
    if (!['=', '!=', '<', '>', '<=', '>='].includes(op)) fail(`operator '${op}' is not supported`);
    const raw = tokens[pos++];
    if (raw === undefined) fail('a comparison has no value');
    const path = [...selector.matchAll(/\.([A-Za-z0-9_-]+)|\[(\d+)\]/g)].map(m => m[1] ?? m[2]);
    if (raw.startsWith('"')) {
      const value = JSON.parse(raw) as string;
      return { t: 'cmp', path, op, value, wildcard: value.includes('*') };
    }
    if (/^-?\d/.test(raw)) return { t: 'cmp', path, op, value: Number(raw), wildcard: false };
    if (raw === 'true' || raw === 'false') return { t: 'cmp', path, op, value: raw === 'true', wildcard: false };
    if (raw === 'null') return { t: 'cmp', path, op, value: null, wildcard: false };
    if (/^[A-Za-z]+$/.test(raw)) return { t: 'cmp', path, op, value: raw, wildcard: false };
    return fail(`value '${raw}' is not supported`);
  };
  const tree = or();
  if (pos < tokens.length) fail(`unexpected '${tokens[pos]}'`);
  return event => matches(tree, event);
}

function lookup(event: unknown, path: string[]): unknown {
  let v: unknown = event;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function matches(c: Cond, event: unknown): boolean {
  if (c.t !== 'cmp') return c.t === 'and' ? matches(c.l, event) && matches(c.r, event) : matches(c.l, event) || matches(c.r, event);
  const v = lookup(event, c.path);
  if (v === undefined) return false;
  if (typeof c.value === 'number') {
    if (typeof v !== 'number') return false;
    switch (c.op) {
      case '=': return v === c.value;
      case '!=': return v !== c.value;
      case '<': return v < c.value;
      case '>': return v > c.value;
      case '<=': return v <= c.value;
      default: return v >= c.value;
    }
  }
  if (c.op !== '=' && c.op !== '!=') return false;
  let equal: boolean;
  if (typeof c.value === 'string' && c.wildcard) {
    const re = new RegExp(`^${c.value.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    equal = typeof v === 'string' && re.test(v);
  } else {
    equal = v === c.value;
  }
  return c.op === '=' ? equal : !equal;
}

/** The value a metric transformation publishes for a matching event (undefined: none). */
export function metricValueOf(metricValue: string, event: unknown): number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(metricValue.trim())) return Number(metricValue);
  if (metricValue.startsWith('$.')) {
    const v = lookup(event, metricValue.slice(2).split('.'));
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  }
  throw new Unevaluable(`metric value '${metricValue}' is not supported (a number or a $.field)`);
}
