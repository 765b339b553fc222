/**
 * Synth benchmark: ObservedFunction vs bare aws-cdk-lib `lambda.Function`.
 *
 * For N = 10, 100, 400 functions (at most 20 per stack, same layout for both variants) it builds
 * and fully synthesizes (`app.synth()`) an app of bare functions and an app of ObservedFunctions
 * with the default alarms, interleaved in one run: 1 warm-up round (discarded), then the median
 * of the measured rounds. From the cloud assembly it counts resources, alarms and template bytes
 * per function and checks the largest template against CloudFormation's limits (500 resources,
 * 1,000,000 bytes). Measurement only: it exits 0 unless something throws.
 *
 * Run: `npm run bench` (ts-node --transpile-only bench/synth.bench.ts).
 * Output: a table on stdout and bench/results/synth.json.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { ObservedFunction } from '../src';

type Variant = 'bare' | 'observed';
const SIZES = [10, 100, 400];
const PER_STACK = 20;
const ROUNDS = 3; // measured rounds per N and variant (N=400 takes ~12 s per round on 2 cores)
const ENV = { account: '123456789012', region: 'us-east-1' };
const MAX_RESOURCES = 500;
const MAX_BYTES = 1_000_000;

const fnProps: lambda.FunctionProps = {
  runtime: lambda.Runtime.NODEJS_24_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => 1;'),
};

interface Stats { resources: number; alarms: number; bytes: number; maxStackResources: number; maxStackBytes: number }

/** Builds and synthesizes one app; returns wall time (ms) and template stats. */
function run(variant: Variant, n: number): { ms: number; stats: Stats } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `synth-bench-${variant}-`));
  try {
    const start = process.hrtime.bigint();
    // as `cdk synth` does without --debug: no creation stack traces in the metadata
    const app = new App({ outdir, context: { [cxapi.DISABLE_METADATA_STACK_TRACE]: true } });
    let stack: Stack | undefined;
    for (let i = 0; i < n; i++) {
      if (i % PER_STACK === 0) stack = new Stack(app, `Stack${i / PER_STACK}`, { env: ENV });
      if (variant === 'bare') {
        new lambda.Function(stack!, `Fn${i}`, { ...fnProps, timeout: Duration.seconds(10), memorySize: 1024 });
      } else {
        new ObservedFunction(stack!, `Fn${i}`, fnProps);
      }
    }
    app.synth();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { ms, stats: templateStats(outdir) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function templateStats(outdir: string): Stats {
  const stats: Stats = { resources: 0, alarms: 0, bytes: 0, maxStackResources: 0, maxStackBytes: 0 };
  for (const file of fs.readdirSync(outdir).filter(f => f.endsWith('.template.json'))) {
    const text = fs.readFileSync(path.join(outdir, file), 'utf8');
    const resources = Object.values(JSON.parse(text).Resources ?? {}) as { Type: string }[];
    const bytes = Buffer.byteLength(text);
    stats.resources += resources.length;
    stats.alarms += resources.filter(r => r.Type === 'AWS::CloudWatch::Alarm').length;
    stats.bytes += bytes;
    stats.maxStackResources = Math.max(stats.maxStackResources, resources.length);
    stats.maxStackBytes = Math.max(stats.maxStackBytes, bytes);
  }
  return stats;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const results = SIZES.map(n => {
  const times: Record<Variant, number[]> = { bare: [], observed: [] };
  const stats = {} as Record<Variant, Stats>;
  for (let round = 0; round <= ROUNDS; round++) { // round 0 is the warm-up
    for (const variant of ['bare', 'observed'] as Variant[]) {
      const r = run(variant, n);
      if (round > 0) times[variant].push(r.ms);
      stats[variant] = r.stats;
    }
  }
  const summary = (v: Variant) => ({
    ms: median(times[v]),
    roundsMs: times[v].map(t => Math.round(t)),
    resourcesPerFn: stats[v].resources / n,
    alarmsPerFn: stats[v].alarms / n,
    bytesPerFn: Math.round(stats[v].bytes / n),
    maxStackResources: stats[v].maxStackResources,
    maxStackBytes: stats[v].maxStackBytes,
    withinLimits: stats[v].maxStackResources <= MAX_RESOURCES && stats[v].maxStackBytes <= MAX_BYTES,
  });
  const bare = summary('bare');
  const observed = summary('observed');
  return { n, rounds: ROUNDS, bare, observed, ratio: observed.ms / bare.ms };
});

// One row per N; per-function and per-stack columns show "bare / observed".
const both = (r: typeof results[number], f: (s: typeof r.bare) => string) => `${f(r.bare)} / ${f(r.observed)}`;
const header = ['N', 'bare ms', 'observed ms', 'ratio', 'resources/fn', 'alarms/fn', 'bytes/fn', 'max res/stack', 'max bytes'];
const rows = results.map(r => [String(r.n), r.bare.ms.toFixed(0), r.observed.ms.toFixed(0), r.ratio.toFixed(2),
  both(r, s => s.resourcesPerFn.toFixed(1)), both(r, s => s.alarmsPerFn.toFixed(1)), both(r, s => String(s.bytesPerFn)),
  both(r, s => String(s.maxStackResources)), both(r, s => String(s.maxStackBytes))
    + (r.bare.withinLimits && r.observed.withinLimits ? '' : ' OVER LIMIT')]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map(row => row[i].length)));
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
console.log(`synth benchmark: ${PER_STACK} functions per stack, median of ${ROUNDS} rounds after 1 warm-up; columns "bare / observed"`);
console.log(line(header));
console.log(widths.map(w => '-'.repeat(w)).join('  '));
rows.forEach(row => console.log(line(row)));
console.log();
for (const r of results) console.log(`synth ratio N=${r.n}: ${r.ratio.toFixed(2)}x (target <= 2.0x)`);

const resultsDir = path.join(__dirname, 'results');
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(path.join(resultsDir, 'synth.json'), JSON.stringify({
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  perStack: PER_STACK,
  limits: { resourcesPerStack: MAX_RESOURCES, templateBytes: MAX_BYTES },
  results,
}, null, 2) + '\n');
