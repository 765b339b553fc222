/**
 * The ServerlessOps pack on a corpus of public serverless CDK apps (test/corpus/<app>/stack.ts,
 * each with a SOURCE.md naming repository, path and commit, and what was changed).
 *
 * Builds every app, runs the pack's validateScope and cdk-nag's ServerlessChecks on each (after a
 * warm-up pass of both packs over all apps, the median of 9 runs, each pack alone), and compares every finding with the recorded
 * verdicts (test/corpus/verdicts.json: app -> "<level> <rule> <construct path>" -> TP or FP, with
 * a reason). Exits 1 when a finding appears or disappears without a recorded verdict, when a rule
 * crashes on an app, or when a verdict is not TP or FP.
 *
 *   npx ts-node --transpile-only scripts/corpus.ts            # check
 *   npx ts-node --transpile-only scripts/corpus.ts --table    # and print the README's corpus table
 *   npx ts-node --transpile-only scripts/corpus.ts --skeleton # print the findings as a verdicts.json skeleton
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagPack, ServerlessChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ServerlessOpsChecks } from '../src/lint/pack';

const CORPUS = path.join(__dirname, '..', 'test', 'corpus');
const VERDICTS = path.join(CORPUS, 'verdicts.json');
const RUNS = 9;

interface Verdict { readonly verdict: string; readonly reason: string }
type Verdicts = Record<string, Record<string, Verdict>>;

interface AppResult {
  readonly app: string;
  readonly resources: number;
  /** Findings as reported (a MissingAlarms summary counts once). */
  readonly findings: number;
  /** One line per violating resource: `<level> <rule> <construct path>`. */
  readonly lines: string[];
  readonly oursMs: number;
  readonly nagMs: number;
  readonly nagFindings: number;
  readonly crashes: string[];
}

function apps(): string[] {
  return fs.readdirSync(CORPUS).filter(d => fs.existsSync(path.join(CORPUS, d, 'stack.ts'))).sort();
}

function build(app: string): App {
  const root = new App();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require(path.join(CORPUS, app, 'stack')) as { build(app: App): void }).build(root);
  return root;
}

function countResources(scope: IConstruct): number {
  return scope.node.findAll().filter(c => CfnResource.isCfnResource(c)).length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timed(pack: () => NagPack, scope: IConstruct): { report: PolicyValidationPluginReport; ms: number } {
  let report = pack().validateScope(scope);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const p = pack();
    const start = process.hrtime.bigint();
    report = p.validateScope(scope);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { report, ms: median(times) };
}

function run(app: string, root: App): AppResult {
  const ours = timed(() => new ServerlessOpsChecks(), root);
  const nag = timed(() => new ServerlessChecks(), root);
  const lines: string[] = [];
  const crashes: string[] = [];
  for (const v of ours.report.violations) {
    if (v.description.startsWith('The rule failed on this resource')) crashes.push(`${v.ruleName}: ${v.description}`);
    for (const r of v.violatingResources) lines.push(`${v.severity} ${v.ruleName.replace(/^ServerlessOps-/, '')} ${r.constructPath}`);
  }
  return {
    app,
    resources: countResources(root),
    findings: ours.report.violations.length,
    lines: lines.sort(),
    oursMs: ours.ms,
    nagMs: nag.ms,
    nagFindings: nag.report.violations.reduce((n, v) => n + v.violatingResources.length, 0),
    crashes,
  };
}

function compare(results: AppResult[], verdicts: Verdicts): string[] {
  const problems: string[] = [];
  for (const r of results) {
    const recorded = verdicts[r.app] ?? {};
    for (const line of r.lines) {
      if (!recorded[line]) problems.push(`${r.app}: new finding without a recorded verdict: ${line}`);
    }
    for (const [line, v] of Object.entries(recorded)) {
      if (!r.lines.includes(line)) problems.push(`${r.app}: recorded finding no longer reported: ${line}`);
      if (v.verdict !== 'TP' && v.verdict !== 'FP') problems.push(`${r.app}: verdict of "${line}" is neither TP nor FP: ${v.verdict}`);
      if (!v.reason || v.reason.length < 20) problems.push(`${r.app}: verdict of "${line}" has no reason`);
    }
    for (const c of r.crashes) problems.push(`${r.app}: a rule crashed: ${c}`);
  }
  for (const app of Object.keys(verdicts)) {
    if (!results.some(r => r.app === app)) problems.push(`verdicts.json names an app the corpus does not hold: ${app}`);
  }
  return problems;
}

function table(results: AppResult[], verdicts: Verdicts): string {
  const rows = results.map(r => {
    const byRule = new Map<string, number>();
    for (const line of r.lines) {
      const [level, rule] = line.split(' ');
      const key = `${rule} (${level === 'error' ? 'E' : 'W'})`;
      byRule.set(key, (byRule.get(key) ?? 0) + 1);
    }
    const recorded = Object.values(verdicts[r.app] ?? {});
    const tp = recorded.filter(v => v.verdict === 'TP').length;
    const fp = recorded.filter(v => v.verdict === 'FP').length;
    const rules = [...byRule.entries()].sort().map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
    return `| ${r.app} | ${r.resources} | ${r.findings} | ${rules} | ${tp} / ${fp} | ${r.oursMs.toFixed(1)} ms | ${r.nagMs.toFixed(1)} ms (${r.nagFindings}) |`;
  });
  const summary = (label: string, group: AppResult[]) => {
    const total = (f: (r: AppResult) => number) => group.reduce((n, r) => n + f(r), 0);
    const all = group.flatMap(r => Object.values(verdicts[r.app] ?? {}));
    const tp = all.filter(v => v.verdict === 'TP').length;
    const fp = all.filter(v => v.verdict === 'FP').length;
    const byLevel = (level: string) => group.reduce((n, r) => n + r.lines.filter(l => l.startsWith(`${level} `)).length, 0);
    return `| **${group.length} ${label}** | **${total(r => r.resources)}** | **${total(r => r.findings)}** | ${byLevel('error')} errors, ${byLevel('warning')} warnings `
      + `| **${tp} / ${fp}** (precision ${(100 * tp / Math.max(1, tp + fp)).toFixed(0)} %) | ${total(r => r.oursMs).toFixed(1)} ms | ${total(r => r.nagMs).toFixed(1)} ms (${total(r => r.nagFindings)}) |`;
  };
  const isRepro = (r: AppResult) => r.app.startsWith('repro-');
  return [
    '| app | resources | findings | by rule and level (E error, W warning; per resource) | TP / FP | ServerlessOps | cdk-nag ServerlessChecks (findings) |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    summary('apps', results.filter(r => !isRepro(r))),
    summary('incident reproductions', results.filter(isRepro)),
  ].join('\n');
}

function main(): void {
  const started = Date.now();
  process.env.JSII_DEPRECATED ??= 'quiet'; // the apps use deprecated props (logRetention, old runtimes) as their authors did
  const built = apps().map(app => ({ app, root: build(app) }));
  for (const { root } of built) { // warm-up: both packs over every app once, so that no app pays for the JIT
    new ServerlessOpsChecks().validateScope(root);
    new ServerlessChecks().validateScope(root);
  }
  const results = built.map(({ app, root }) => run(app, root));
  const verdicts: Verdicts = JSON.parse(fs.readFileSync(VERDICTS, 'utf8'));
  if (process.argv.includes('--skeleton')) {
    const skeleton: Verdicts = {};
    for (const r of results) {
      skeleton[r.app] = Object.fromEntries(r.lines.map(l => [l, verdicts[r.app]?.[l] ?? { verdict: '?', reason: '' }]));
    }
    console.log(JSON.stringify(skeleton, null, 2));
    return;
  }
  if (process.argv.includes('--table')) console.log(table(results, verdicts));
  const problems = compare(results, verdicts);
  const lines = results.reduce((n, r) => n + r.lines.length, 0);
  for (const p of problems) console.error(p);
  console.log(`corpus: ${results.length} apps, ${results.reduce((n, r) => n + r.resources, 0)} resources, ${lines} findings (per resource), `
    + `${problems.length} without a matching verdict, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${lines - problems.filter(p => p.includes('new finding')).length} passed, ${problems.length} failed`);
  if (problems.length > 0) process.exit(1);
}

main();
