/**
 * A small evaluator of the CloudWatch Logs Insights query language, the subset our queries use:
 * `filter` (and, or, not, = != < > <= >=, `in [...]`, parentheses), `fields`, `stats` (count(*),
 * count(field), sum, avg, min, max over arithmetic, arithmetic over earlier aliases, `by` fields
 * or `bin(Nm)`), `sort ... asc|desc` and `limit`. Log events are JSON: their fields are
 * discovered with dots for nesting (`record.metrics.durationMs`), as Logs Insights does, beside
 * `@timestamp` and `@message`. Anything else is refused.
 */
export interface LogEvent {
  readonly timestamp: number;
  readonly message: string;
}

export type Row = { [field: string]: string | number | null };

type Expr =
  | { t: 'lit'; v: string | number }
  | { t: 'field'; name: string }
  | { t: 'list'; items: Expr[] }
  | { t: 'call'; fn: string; args: Expr[] | '*' }
  | { t: 'op'; op: string; l: Expr; r: Expr }
  | { t: 'not'; e: Expr };

export function runQuery(query: string, events: readonly LogEvent[]): Row[] {
  let rows: Row[] = events.map(recordOf);
  let shown: string[] | undefined;
  for (const command of splitOutsideQuotes(query, '|')) {
    const [, verb, rest] = /^\s*(\w+)\s*([\s\S]*)$/.exec(command) ?? [];
    const p = new Parser(rest ?? '');
    switch (verb) {
      case 'filter': {
        const e = p.expr();
        p.end();
        rows = rows.filter(r => truthy(evaluate(e, r)));
        break;
      }
      case 'fields': {
        shown = p.list(() => p.fieldName());
        p.end();
        break;
      }
      case 'stats': {
        rows = stats(p, rows);
        shown = undefined;
        break;
      }
      case 'sort': {
        const field = p.fieldName();
        const dir = p.word('asc', 'desc') ?? 'asc';
        p.end();
        const sign = dir === 'desc' ? -1 : 1;
        rows = [...rows].sort((a, b) => sign * compare(a[field] ?? null, b[field] ?? null));
        break;
      }
      case 'limit': {
        const n = Number(p.next());
        p.end();
        rows = rows.slice(0, n);
        break;
      }
      default: throw new Error(`command '${verb}' is not supported by this evaluator`);
    }
  }
  if (!shown) return rows;
  return rows.map(r => Object.fromEntries(shown!.map(f => [f, r[f] ?? null])));
}

function recordOf(event: LogEvent): Row {
  const row: Row = { '@timestamp': event.timestamp, '@message': event.message };
  let parsed: unknown;
  try { parsed = JSON.parse(event.message); } catch { return row; }
  const walk = (v: unknown, path: string) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    } else if (path && (typeof v === 'string' || typeof v === 'number')) {
      row[path] = v;
    } else if (path && typeof v === 'boolean') {
      row[path] = String(v);
    }
  };
  walk(parsed, '');
  return row;
}

function stats(p: Parser, rows: Row[]): Row[] {
  const outputs = p.list(() => {
    const e = p.expr();
    if (p.word('as') === undefined) throw new Error('every stats output needs a name (as ...)');
    return { e, name: p.fieldName() };
  });
  let by: { e: Expr; name: string } | undefined;
  if (p.word('by') !== undefined) {
    const start = p.pos;
    const e = p.expr();
    by = { e, name: p.text(start) };
  }
  p.end();
  const groups = new Map<string, { key: string | number | null; rows: Row[] }>();
  for (const r of rows) {
    const key = by ? evaluate(by.e, r) : '';
    const id = JSON.stringify(key);
    const g = groups.get(id) ?? { key, rows: [] };
    g.rows.push(r);
    groups.set(id, g);
  }
  const result: Row[] = [];
  for (const g of [...groups.values()].sort((a, b) => compare(a.key, b.key))) {
    const out: Row = by ? { [by.name]: g.key } : {};
    for (const { e, name } of outputs) out[name] = aggregate(e, g.rows, out);
    result.push(out);
  }
  return result;
}

const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max']);

/** An output of stats: aggregate calls over the group's rows, arithmetic over them and over earlier outputs. */
function aggregate(e: Expr, rows: Row[], earlier: Row): string | number | null {
  if (e.t === 'call' && AGGREGATES.has(e.fn)) {
    if (e.args === '*') {
      if (e.fn !== 'count') throw new Error(`${e.fn}(*) is not supported`);
      return rows.length;
    }
    const values = rows.map(r => evaluate((e.args as Expr[])[0], r)).filter((v): v is number | string => v !== null);
    if (e.fn === 'count') return values.length;
    const numbers = values.filter((v): v is number => typeof v === 'number');
    if (numbers.length === 0) return null;
    switch (e.fn) {
      case 'sum': return numbers.reduce((a, b) => a + b, 0);
      case 'avg': return numbers.reduce((a, b) => a + b, 0) / numbers.length;
      case 'min': return Math.min(...numbers);
      default: return Math.max(...numbers);
    }
  }
  if (e.t === 'op') return arithmetic(e.op, aggregate(e.l, rows, earlier), aggregate(e.r, rows, earlier));
  if (e.t === 'lit') return e.v;
  if (e.t === 'field') {
    if (!(e.name in earlier)) throw new Error(`'${e.name}' in stats is neither an aggregate nor an earlier output`);
    return earlier[e.name];
  }
  throw new Error(`stats output not supported: ${JSON.stringify(e)}`);
}

function evaluate(e: Expr, r: Row): string | number | null {
  switch (e.t) {
    case 'lit': return e.v;
    case 'field': return r[e.name] ?? null;
    case 'not': return truthy(evaluate(e.e, r)) ? 0 : 1;
    case 'call': {
      if (e.fn === 'bin') {
        const arg = (e.args as Expr[])[0];
        const ms = arg.t === 'lit' && typeof arg.v === 'string' ? durationMs(arg.v) : NaN;
        const ts = r['@timestamp'] as number;
        return Math.floor(ts / ms) * ms;
      }
      if (e.fn === 'ispresent') return evaluate((e.args as Expr[])[0], r) === null ? 0 : 1;
      throw new Error(`function '${e.fn}' is not supported outside stats`);
    }
    case 'list': throw new Error('a list is only allowed after in');
    case 'op': {
      if (e.op === 'and') return truthy(evaluate(e.l, r)) && truthy(evaluate(e.r, r)) ? 1 : 0;
      if (e.op === 'or') return truthy(evaluate(e.l, r)) || truthy(evaluate(e.r, r)) ? 1 : 0;
      const l = evaluate(e.l, r);
      if (e.op === 'in') {
        if (e.r.t !== 'list') throw new Error('in needs a list');
        return l !== null && e.r.items.some(i => evaluate(i, r) === l) ? 1 : 0;
      }
      const rv = evaluate(e.r, r);
      if (['+', '-', '*', '/'].includes(e.op)) return arithmetic(e.op, l, rv);
      if (l === null || rv === null) return 0;
      switch (e.op) {
        case '=': return l === rv ? 1 : 0;
        case '!=': return l !== rv ? 1 : 0;
        case '<': return l < rv ? 1 : 0;
        case '>': return l > rv ? 1 : 0;
        case '<=': return l <= rv ? 1 : 0;
        default: return l >= rv ? 1 : 0;
      }
    }
  }
}

function arithmetic(op: string, l: string | number | null, r: string | number | null): number | null {
  if (typeof l !== 'number' || typeof r !== 'number') return null;
  switch (op) {
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    default: return r === 0 ? null : l / r;
  }
}

function truthy(v: string | number | null): boolean {
  return v !== null && v !== 0 && v !== '';
}

function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function durationMs(text: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(text);
  if (!m) throw new Error(`bin(${text}) is not supported`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

class Parser {
  public pos = 0;
  private readonly tokens: { text: string; at: number }[];

  constructor(private readonly src: string) {
    this.tokens = [...src.matchAll(/"(?:[^"\\]|\\.)*"|\d+(?:\.\d+)?[smh]?|[@A-Za-z_][\w.@]*|!=|<=|>=|[=<>+\-*/()[\],]/g)]
      .map(m => ({ text: m[0], at: m.index! }));
    const covered = this.tokens.reduce((s, t) => s.slice(0, t.at) + ' '.repeat(t.text.length) + s.slice(t.at + t.text.length), src);
    if (covered.trim() !== '') throw new Error(`cannot read '${covered.trim()}' in '${src}'`);
  }

  public next(): string {
    const t = this.tokens[this.pos++];
    if (!t) throw new Error(`unexpected end of '${this.src}'`);
    return t.text;
  }

  public peek(): string | undefined {
    return this.tokens[this.pos]?.text;
  }

  public word(...words: string[]): string | undefined {
    const t = this.peek();
    if (t !== undefined && words.includes(t)) { this.pos++; return t; }
    return undefined;
  }

  public end(): void {
    if (this.pos < this.tokens.length) throw new Error(`unexpected '${this.peek()}' in '${this.src}'`);
  }

  public text(start: number): string {
    const first = this.tokens[start];
    const last = this.tokens[this.pos - 1];
    return this.src.slice(first.at, last.at + last.text.length);
  }

  public fieldName(): string {
    const t = this.next();
    if (!/^[@A-Za-z_]/.test(t)) throw new Error(`expected a field name, got '${t}'`);
    return t;
  }

  public list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.word(',') !== undefined) items.push(item());
    return items;
  }

  public expr(): Expr {
    let l = this.and();
    while (this.word('or') !== undefined) l = { t: 'op', op: 'or', l, r: this.and() };
    return l;
  }

  private and(): Expr {
    let l = this.not();
    while (this.word('and') !== undefined) l = { t: 'op', op: 'and', l, r: this.not() };
    return l;
  }

  private not(): Expr {
    if (this.word('not') !== undefined) return { t: 'not', e: this.not() };
    return this.comparison();
  }

  private comparison(): Expr {
    const l = this.sum();
    const op = this.word('=', '!=', '<', '>', '<=', '>=', 'in');
    if (op === undefined) return l;
    if (op === 'in') {
      if (this.next() !== '[') throw new Error('in needs a [list]');
      const items = this.list(() => this.sum());
      if (this.next() !== ']') throw new Error('unclosed list');
      return { t: 'op', op, l, r: { t: 'list', items } };
    }
    return { t: 'op', op, l, r: this.sum() };
  }

  private sum(): Expr {
    let l = this.product();
    for (let op = this.word('+', '-'); op !== undefined; op = this.word('+', '-')) l = { t: 'op', op, l, r: this.product() };
    return l;
  }

  private product(): Expr {
    let l = this.atom();
    for (let op = this.word('*', '/'); op !== undefined; op = this.word('*', '/')) l = { t: 'op', op, l, r: this.atom() };
    return l;
  }

  private atom(): Expr {
    const t = this.next();
    if (t === '(') {
      const e = this.expr();
      if (this.next() !== ')') throw new Error('unbalanced parentheses');
      return e;
    }
    if (t.startsWith('"')) return { t: 'lit', v: JSON.parse(t) as string };
    if (/^\d+(\.\d+)?$/.test(t)) return { t: 'lit', v: Number(t) };
    if (/^\d+[smh]$/.test(t)) return { t: 'lit', v: t };
    if (this.peek() === '(') {
      this.pos++;
      if (this.peek() === '*' && this.tokens[this.pos + 1]?.text === ')') {
        this.pos += 2;
        return { t: 'call', fn: t, args: '*' };
      }
      const args = this.peek() === ')' ? [] : this.list(() => this.expr());
      if (this.next() !== ')') throw new Error(`unclosed call of ${t}`);
      return { t: 'call', fn: t, args };
    }
    return { t: 'field', name: t };
  }
}
