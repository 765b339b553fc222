import * as fs from 'fs';
import * as path from 'path';

/**
 * The layering of DESIGN.md, checked on the sources: no import circle between files or folders,
 * and no folder importing one above it: core at the bottom (catalog types, naming, actions, errors,
 * limits); placement (where alarms live); alarms (the builder, which asks placement); the services,
 * each source's consumer wiring below the function that calls it; monitoring on top. lint and the
 * simulator read templates and import only core.
 */
const SRC = path.join(__dirname, '..', '..', 'src');

/** Allowed imports between folders of src/ (a folder may always import itself). */
const MAY_IMPORT: Record<string, string[]> = {
  core: [],
  placement: ['core'],
  alarms: ['core', 'placement'],
  // the consumer wiring of each source (the function's consume* methods call it)
  queue: ['core', 'alarms'],
  table: ['core', 'alarms', 'queue'],
  bucket: ['core', 'alarms'],
  function: ['core', 'alarms', 'queue', 'table', 'bucket'],
  api: ['core', 'alarms', 'function'],
  account: ['core', 'alarms', 'function'],
  monitoring: ['core', 'alarms', 'placement', 'function', 'queue', 'table', 'bucket', 'api', 'account'],
  lint: ['core'],
  simulator: ['core'],
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative imports of a file (type-only imports included: they are dependencies of the design too). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:import|export)[^'";]*?from\s+'(\.[^']+)'/g)].map(m => m[1]);
  return found.map(spec => {
    const base = path.resolve(path.dirname(file), spec);
    return [`${base}.ts`, path.join(base, 'index.ts')].find(f => fs.existsSync(f)) ?? `${base}.ts`;
  });
}

const files = sources(SRC).filter(f => path.dirname(f) !== SRC); // index.ts only re-exports
const graph = new Map(files.map(f => [f, importsOf(f).filter(i => i !== f)]));
const folderOf = (f: string) => path.relative(SRC, f).split(path.sep)[0];

function cycles(nodes: string[], edges: (n: string) => string[]): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of edges(n)) {
      if (state.get(m) === 'open') found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of nodes) if (!state.has(n)) visit(n);
  return found;
}

test('every folder of src/ is in the layering', () => {
  expect([...new Set(files.map(folderOf))].filter(f => !(f in MAY_IMPORT))).toEqual([]);
});

test('no import circle between files', () => {
  const found = cycles(files, f => (graph.get(f) ?? []).filter(i => graph.has(i)));
  expect(found.map(c => c.map(f => path.relative(SRC, f)).join(' -> '))).toEqual([]);
});

test('no folder imports one above it in the layering, so no circle between folders', () => {
  const wrong: string[] = [];
  for (const [file, deps] of graph) {
    for (const dep of deps) {
      const from = folderOf(file);
      const to = folderOf(dep);
      if (from !== to && !MAY_IMPORT[from]?.includes(to)) wrong.push(`${path.relative(SRC, file)} imports ${path.relative(SRC, dep)}`);
    }
  }
  expect(wrong).toEqual([]);
});

test('the check sees a circle when there is one', () => {
  expect(cycles(['a', 'b', 'c'], n => ({ a: ['b'], b: ['c'], c: ['a'] } as Record<string, string[]>)[n])).toEqual([['a', 'b', 'c', 'a']]);
});
