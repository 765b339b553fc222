/* eslint-disable @stylistic/max-len */
import { Unevaluable } from './datum';

/**
 * CloudWatch metric math, as documented in the CloudWatch user guide ("Metric math syntax and
 * functions", "Using IF expressions"), over per-period values with NaN for a missing data point.
 *
 * - Arithmetic (+ - * / ^, unary -) between two time series: at a timestamp where only one has a
 *   value the other counts as 0; where neither has one there is no value; dividing by zero drops
 *   the data point. Between a time series and a scalar: only where the series has a value.
 * - Comparisons (== != < > <= >=) and logical operators (AND &&, OR ||) give 1 or 0, with the same
 *   missing-value rule (a missing value in one of two series counts as 0).
 * - Precedence (not stated by CloudWatch; the usual one): unary -, ^, * /, + -, comparisons, AND, OR.
 * - IF(condition, a, b): per the documented table of each form (a missing condition drops the
 *   point; TRUE with a missing `a` series gives 0; FALSE with a missing or omitted `b` drops it).
 * - FILL(x, scalar | series), METRICS(), METRICS("text"), SUM/AVG/MAX/MIN of an array (per
 *   timestamp), SUM/AVG/MAX/MIN of one series (a scalar over the evaluated range), PERIOD(m),
 *   ABS, CEIL, FLOOR, LOG, LOG10, TIME_SERIES(scalar), SERVICE_QUOTA(m) (from the scenario).
 * - DIFF(x): each value minus the preceding value of the series; RATE(x): the same per second of
 *   time between the two. The series' first value in the evaluated range has no preceding value
 *   and so no result (an alarm on them is evaluated over each evaluation's own range).
 *
 * Everything else (ANOMALY_DETECTION_BAND, SEARCH, FILL with REPEAT or LINEAR, ...) is refused
 * with the function's name.
 */
export type Node =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'id'; name: string }
  | { t: 'kw'; name: string }
  | { t: 'neg'; e: Node }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'call'; fn: string; args: Node[] }
  | { t: 'array'; items: Node[] };

export type Value =
  | { k: 's'; v: number }
  | { k: 'ts'; v: Float64Array; metricId?: string }
  | { k: 'arr'; v: Float64Array[] };

const SUPPORTED = new Set(['IF', 'FILL', 'METRICS', 'SUM', 'AVG', 'MAX', 'MIN', 'PERIOD', 'ABS', 'CEIL', 'FLOOR', 'LOG', 'LOG10', 'TIME_SERIES', 'SERVICE_QUOTA', 'DIFF', 'RATE']);
const KEYWORDS = new Set(['REPEAT', 'LINEAR']);

export function parseExpression(src: string): Node {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];
  const expect = (v: string) => {
    const tok = next();
    if (!tok || tok.v !== v) throw new Unevaluable(`metric math "${src}": expected '${v}' at ${tok ? `'${tok.v}'` : 'the end'}`);
  };
  const level = (ops: string[], sub: () => Node) => (): Node => {
    let l = sub();
    while (peek() && peek().kind === 'op' && ops.includes(peek().v)) {
      const op = next().v;
      l = { t: 'bin', op: op === '&&' ? 'AND' : op === '||' ? 'OR' : op, l, r: sub() };
    }
    return l;
  };
  const primary = (): Node => {
    const tok = next();
    if (!tok) throw new Unevaluable(`metric math "${src}" ends too early`);
    if (tok.kind === 'num') return { t: 'num', v: Number(tok.v) };
    if (tok.kind === 'str') return { t: 'str', v: tok.v };
    if (tok.v === '(') { const e = or(); expect(')'); return e; }
    if (tok.v === '[') {
      const items: Node[] = [];
      if (peek()?.v !== ']') { do items.push(or()); while (peek()?.v === ',' && next()); }
      expect(']');
      return { t: 'array', items };
    }
    if (tok.kind === 'word') {
      if (peek()?.v === '(') {
        next();
        const args: Node[] = [];
        if (peek()?.v !== ')') { do args.push(or()); while (peek()?.v === ',' && next()); }
        expect(')');
        if (!SUPPORTED.has(tok.v)) throw new Unevaluable(`metric math function ${tok.v} is not supported by the simulator`);
        return { t: 'call', fn: tok.v, args };
      }
      if (KEYWORDS.has(tok.v)) return { t: 'kw', name: tok.v };
      return { t: 'id', name: tok.v };
    }
    throw new Unevaluable(`metric math "${src}": unexpected '${tok.v}'`);
  };
  const unary = (): Node => {
    if (peek()?.kind === 'op' && peek().v === '-') { next(); return { t: 'neg', e: unary() }; }
    return power();
  };
  const power = (): Node => {
    const base = primary();
    if (peek()?.kind === 'op' && peek().v === '^') { next(); return { t: 'bin', op: '^', l: base, r: unary() }; }
    return base;
  };
  const mul = level(['*', '/'], unary);
  const add = level(['+', '-'], mul);
  const cmp = level(['==', '!=', '<=', '>=', '<', '>'], add);
  const and = level(['AND', '&&'], cmp);
  const or = level(['OR', '||'], and);
  const tree = or();
  if (pos < tokens.length) throw new Unevaluable(`metric math "${src}": unexpected '${tokens[pos].v}'`);
  return tree;
}

interface Token { kind: 'num' | 'str' | 'word' | 'op' | 'punct'; v: string }

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+)|"([^"]*)"|“([^”]*)”|([A-Za-z_][A-Za-z0-9_]*)|(==|!=|<=|>=|&&|\|\||[-+*/^<>])|([(),[\]]))/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw new Unevaluable(`metric math "${src}": cannot read '${src.slice(pos).trim()}'`);
    pos = re.lastIndex;
    if (m[1] !== undefined) out.push({ kind: 'num', v: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined) out.push({ kind: 'str', v: m[2] ?? m[3] });
    else if (m[4] !== undefined) out.push({ kind: m[4] === 'AND' || m[4] === 'OR' ? 'op' : 'word', v: m[4] });
    else if (m[5] !== undefined) out.push({ kind: 'op', v: m[5] });
    else out.push({ kind: 'punct', v: m[6] });
  }
  return out;
}

/** Scalar, series or array of series, as far as it can be told without evaluating. */
export type Kind = 's' | 'ts' | 'arr';

export function kindOf(node: Node, idKind: (name: string) => Kind): Kind {
  switch (node.t) {
    case 'num': case 'str': case 'kw': return 's';
    case 'id': return idKind(node.name);
    case 'neg': return kindOf(node.e, idKind);
    case 'array': return 'arr';
    case 'bin': {
      const kinds = [kindOf(node.l, idKind), kindOf(node.r, idKind)];
      return kinds.includes('arr') ? 'arr' : kinds.includes('ts') ? 'ts' : 's';
    }
    case 'call':
      switch (node.fn) {
        case 'METRICS': return 'arr';
        case 'SUM': case 'AVG': case 'MAX': case 'MIN': return node.args[0] && kindOf(node.args[0], idKind) === 'arr' ? 'ts' : 's';
        case 'PERIOD': return 's';
        case 'IF': case 'TIME_SERIES': case 'SERVICE_QUOTA': return 'ts';
        default: return node.args[0] ? kindOf(node.args[0], idKind) : 's';
      }
  }
}

/**
 * Whether the value at a timestamp depends on the range evaluated: a SUM, AVG, MAX or MIN of one
 * series is a scalar over the whole range (CloudWatch advises against them in alarms for that
 * reason). Such expressions are evaluated over each evaluation's own range.
 */
export function rangeDependent(node: Node, idKind: (name: string) => Kind): boolean {
  switch (node.t) {
    case 'call':
      if (['SUM', 'AVG', 'MAX', 'MIN'].includes(node.fn) && node.args[0] && kindOf(node.args[0], idKind) === 'ts') return true;
      // the first value of a range has no preceding one
      if (node.fn === 'DIFF' || node.fn === 'RATE') return true;
      return node.args.some(a => rangeDependent(a, idKind));
    case 'neg': return rangeDependent(node.e, idKind);
    case 'bin': return rangeDependent(node.l, idKind) || rangeDependent(node.r, idKind);
    case 'array': return node.items.some(i => rangeDependent(i, idKind));
    default: return false;
  }
}

/** What an expression can refer to. */
export interface MathContext {
  /** Length of the evaluated range, in periods. */
  readonly length: number;
  /** Ids of the alarm's metrics (not expressions), in order. */
  /** The period of the evaluated data points, in seconds. */
  readonly periodSeconds: number;
  readonly metricIds: string[];
  /** A metric's or another expression's values over the range. */
  series(id: string): Value;
  /** A metric's period in seconds. */
  periodOf(id: string): number | undefined;
  /** The quota of a usage metric, from the scenario. */
  serviceQuota(id: string): number;
}

export function evaluate(node: Node, ctx: MathContext): Value {
  const n = ctx.length;
  switch (node.t) {
    case 'num': return { k: 's', v: node.v };
    case 'str': throw new Unevaluable(`a string ("${node.v}") is only valid inside METRICS()`);
    case 'kw': throw new Unevaluable(`FILL(..., ${node.name}) depends on the edges of the range CloudWatch queries, which it does not document; the simulator does not evaluate it`);
    case 'id': return ctx.series(node.name);
    case 'neg': return map(evaluate(node.e, ctx), x => -x);
    case 'array': {
      const out: Float64Array[] = [];
      for (const item of node.items) {
        const v = evaluate(item, ctx);
        if (v.k === 's') throw new Unevaluable('an array of time series cannot contain a scalar');
        if (v.k === 'ts') out.push(v.v); else out.push(...v.v);
      }
      return { k: 'arr', v: out };
    }
    case 'bin': return binary(node.op, evaluate(node.l, ctx), evaluate(node.r, ctx), n);
    case 'call': return call(node, ctx);
  }
}

function map(v: Value, f: (x: number) => number): Value {
  if (v.k === 's') return { k: 's', v: f(v.v) };
  const one = (a: Float64Array) => a.map(x => Number.isNaN(x) ? NaN : f(x));
  return v.k === 'ts' ? { k: 'ts', v: one(v.v) } : { k: 'arr', v: v.v.map(one) };
}

const OPS: { [op: string]: (a: number, b: number) => number } = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => b === 0 ? NaN : a / b,
  '^': (a, b) => a ** b,
  '==': (a, b) => a === b ? 1 : 0,
  '!=': (a, b) => a !== b ? 1 : 0,
  '<': (a, b) => a < b ? 1 : 0,
  '>': (a, b) => a > b ? 1 : 0,
  '<=': (a, b) => a <= b ? 1 : 0,
  '>=': (a, b) => a >= b ? 1 : 0,
  'AND': (a, b) => a !== 0 && b !== 0 ? 1 : 0,
  'OR': (a, b) => a !== 0 || b !== 0 ? 1 : 0,
};

function binary(op: string, l: Value, r: Value, n: number): Value {
  const f = OPS[op];
  const fin = (x: number) => Number.isFinite(x) ? x : NaN;
  if (l.k === 's' && r.k === 's') return { k: 's', v: f(l.v, r.v) };
  if (l.k === 'arr') return { k: 'arr', v: l.v.map(a => (binary(op, { k: 'ts', v: a }, r, n) as { v: Float64Array }).v) };
  if (r.k === 'arr') return { k: 'arr', v: r.v.map(b => (binary(op, l, { k: 'ts', v: b }, n) as { v: Float64Array }).v) };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = l.k === 's' ? l.v : l.v[i];
    const b = r.k === 's' ? r.v : r.v[i];
    const aMissing = Number.isNaN(a);
    const bMissing = Number.isNaN(b);
    if ((l.k === 's' && bMissing) || (r.k === 's' && aMissing) || (aMissing && bMissing)) { out[i] = NaN; continue; }
    out[i] = fin(f(aMissing ? 0 : a, bMissing ? 0 : b));
  }
  return { k: 'ts', v: out };
}

function call(node: { fn: string; args: Node[] }, ctx: MathContext): Value {
  const n = ctx.length;
  const { fn, args } = node;
  const arity = (min: number, max = min) => {
    if (args.length < min || args.length > max) throw new Unevaluable(`${fn} takes ${min === max ? min : `${min} to ${max}`} arguments, not ${args.length}`);
  };
  switch (fn) {
    case 'METRICS': {
      arity(0, 1);
      const filter = args[0];
      if (filter && filter.t !== 'str') throw new Unevaluable('METRICS() takes a string');
      const ids = ctx.metricIds.filter(id => !filter || id.includes((filter as { v: string }).v));
      return { k: 'arr', v: ids.map(id => seriesOf(ctx.series(id), id)) };
    }
    case 'FILL': {
      arity(2);
      const target = evaluate(args[0], ctx);
      const filler = evaluate(args[1], ctx);
      if (target.k === 's') throw new Unevaluable('FILL needs a time series or an array of time series');
      if (filler.k === 'arr') throw new Unevaluable('FILL cannot fill with an array of time series');
      const fill = (a: Float64Array) => a.map((x, i) => Number.isNaN(x) ? (filler.k === 's' ? filler.v : filler.v[i]) : x);
      return target.k === 'ts' ? { k: 'ts', v: fill(target.v) } : { k: 'arr', v: target.v.map(fill) };
    }
    case 'IF': {
      arity(2, 3);
      return ifExpression(evaluate(args[0], ctx), evaluate(args[1], ctx), args[2] ? evaluate(args[2], ctx) : undefined, n);
    }
    case 'SUM': case 'AVG': case 'MAX': case 'MIN': {
      arity(1);
      const v = evaluate(args[0], ctx);
      if (v.k === 's') throw new Unevaluable(`${fn} needs a time series or an array of time series`);
      if (v.k === 'ts') {
        const present = [...v.v].filter(x => !Number.isNaN(x));
        if (present.length === 0) return { k: 's', v: NaN };
        return { k: 's', v: reduce(fn, present, present.length) };
      }
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const present = v.v.map(a => a[i]).filter(x => !Number.isNaN(x));
        // AVG of an array counts a missing value as 0 (documented); the others use present values
        out[i] = present.length === 0 ? NaN : reduce(fn, present, v.v.length);
      }
      return { k: 'ts', v: out };
    }
    case 'PERIOD': {
      arity(1);
      const a = args[0];
      const period = a.t === 'id' ? ctx.periodOf(a.name) : undefined;
      if (period === undefined) throw new Unevaluable('PERIOD() takes the id of a metric');
      return { k: 's', v: period };
    }
    case 'DIFF': case 'RATE': {
      arity(1);
      const v = evaluate(args[0], ctx);
      if (v.k === 's') throw new Unevaluable(`${fn} needs a time series or an array of time series`);
      const change = (a: Float64Array) => {
        const out = new Float64Array(a.length).fill(NaN);
        let previous = -1;
        for (let i = 0; i < a.length; i++) {
          if (Number.isNaN(a[i])) continue;
          if (previous >= 0) out[i] = fn === 'DIFF' ? a[i] - a[previous] : (a[i] - a[previous]) / ((i - previous) * ctx.periodSeconds);
          previous = i;
        }
        return out;
      };
      return v.k === 'ts' ? { k: 'ts', v: change(v.v) } : { k: 'arr', v: v.v.map(change) };
    }
    case 'ABS': return (arity(1), map(evaluate(args[0], ctx), Math.abs));
    case 'CEIL': return (arity(1), map(evaluate(args[0], ctx), Math.ceil));
    case 'FLOOR': return (arity(1), map(evaluate(args[0], ctx), Math.floor));
    case 'LOG': return (arity(1), map(evaluate(args[0], ctx), x => x > 0 ? Math.log(x) : NaN));
    case 'LOG10': return (arity(1), map(evaluate(args[0], ctx), x => x > 0 ? Math.log10(x) : NaN));
    case 'TIME_SERIES': {
      arity(1);
      const v = evaluate(args[0], ctx);
      if (v.k !== 's') throw new Unevaluable('TIME_SERIES takes a scalar');
      return { k: 'ts', v: new Float64Array(n).fill(v.v) };
    }
    case 'SERVICE_QUOTA': {
      arity(1);
      const a = args[0];
      if (a.t !== 'id' || !ctx.metricIds.includes(a.name)) throw new Unevaluable('SERVICE_QUOTA() takes the id of a usage metric');
      // a quota is a setting, not data: the value at every timestamp of the range
      return { k: 'ts', v: new Float64Array(n).fill(ctx.serviceQuota(a.name)) };
    }
    default: throw new Unevaluable(`metric math function ${fn} is not supported by the simulator`);
  }
}

function seriesOf(v: Value, id: string): Float64Array {
  if (v.k !== 'ts') throw new Unevaluable(`${id} is not a time series`);
  return v.v;
}

function reduce(fn: string, present: number[], count: number): number {
  switch (fn) {
    case 'SUM': return present.reduce((s, x) => s + x, 0);
    case 'AVG': return present.reduce((s, x) => s + x, 0) / count;
    case 'MAX': return Math.max(...present);
    default: return Math.min(...present);
  }
}

function ifExpression(cond: Value, a: Value, b: Value | undefined, n: number): Value {
  if (a.k === 'arr' || b?.k === 'arr' || cond.k === 'arr') throw new Unevaluable('IF does not take arrays of time series');
  if (cond.k === 's') {
    const chosen = cond.v !== 0 ? a : b;
    if (!chosen) return { k: 'ts', v: new Float64Array(n).fill(NaN) };
    return chosen.k === 's' ? { k: 'ts', v: new Float64Array(n).fill(chosen.v) } : chosen;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = cond.v[i];
    if (Number.isNaN(c)) { out[i] = NaN; continue; }
    if (c !== 0) {
      // TRUE: the scalar, or the series' value (0 where the series has none)
      out[i] = a.k === 's' ? a.v : Number.isNaN(a.v[i]) ? 0 : a.v[i];
    } else {
      // FALSE: the scalar, or the series' value (dropped where it has none, or when omitted)
      out[i] = !b ? NaN : b.k === 's' ? b.v : b.v[i];
    }
  }
  return { k: 'ts', v: out };
}
