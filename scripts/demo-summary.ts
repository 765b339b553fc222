/**
 * The end of `npm run demo`: what the synth made, in a few lines. Reads the cloud assembly that
 * `cdk synth` wrote (default cdk.out): each stack with its nested stacks, its resources and alarms
 * (with their monthly cost at CloudWatch's list prices, scripts/alarm-cost.ts),
 * and the lint findings of the validation report by level, with the report's path.
 *
 *   ts-node --transpile-only scripts/demo-summary.ts [cdk.out]
 */
import * as fs from 'fs';
import * as path from 'path';
import { alarmCost } from './alarm-cost';

interface Template { Resources?: Record<string, { Type: string; Metadata?: Record<string, unknown> }> }
interface Violation { ruleName: string; severity?: string; violatingConstructs: unknown[] }
interface Report { pluginReports?: { pluginName: string; violations?: Violation[] }[] }

const ALARM_TYPES = new Set(['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm']);

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** One line per template: the stack itself, then each nested stack indented under it. */
function describe(dir: string, name: string, templateFile: string, depth: number, lines: string[]): void {
  const all = readJson<Template>(path.join(dir, templateFile)).Resources ?? {};
  const resources = Object.values(all);
  const alarms = resources.filter(r => ALARM_TYPES.has(r.Type)).length;
  const cost = alarmCost(all).dollars;
  const bytes = fs.statSync(path.join(dir, templateFile)).size;
  lines.push(`${'  '.repeat(depth + 1)}${name}: ${resources.length} resources, ${alarms} alarms ($${cost.toFixed(2)} a month), ${(bytes / 1024).toFixed(0)} KB (${templateFile})`);
  for (const [id, r] of Object.entries(readJson<Template>(path.join(dir, templateFile)).Resources ?? {})) {
    const nested = r.Type === 'AWS::CloudFormation::Stack' ? r.Metadata?.['aws:asset:path'] : undefined;
    if (typeof nested === 'string' && fs.existsSync(path.join(dir, nested))) describe(dir, `nested ${id}`, nested, depth + 1, lines);
  }
}

export function summarize(dir: string): string {
  const manifest = readJson<{ artifacts?: Record<string, { type: string; properties?: { templateFile?: string } }> }>(path.join(dir, 'manifest.json'));
  const stacks = Object.entries(manifest.artifacts ?? {}).filter(([, a]) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile);
  const lines = [`Synthesized ${stacks.length} stack${stacks.length === 1 ? '' : 's'} into ${dir}/:`];
  for (const [name, a] of stacks) describe(dir, name, a.properties!.templateFile!, 0, lines);

  const reportFile = path.join(dir, 'validation-report.json');
  if (!fs.existsSync(reportFile)) {
    lines.push('Lint: no validation report (no policy-validation plugin registered on the app).');
    return lines.join('\n');
  }
  const levels = new Map<string, number>();
  const rules = new Map<string, number>();
  for (const plugin of readJson<Report>(reportFile).pluginReports ?? []) {
    for (const v of plugin.violations ?? []) {
      const n = v.violatingConstructs.length;
      const level = v.severity ?? 'error';
      levels.set(level, (levels.get(level) ?? 0) + n);
      rules.set(`${v.ruleName} (${level})`, (rules.get(`${v.ruleName} (${level})`) ?? 0) + n);
    }
  }
  const byLevel = ['error', 'warning', 'info'].map(l => `${levels.get(l) ?? 0} ${l}${(levels.get(l) ?? 0) === 1 ? '' : 's'}`).join(', ');
  lines.push(`Lint findings: ${byLevel}${[...rules].map(([r, n]) => `\n  ${n} x ${r}`).join('')}`);
  lines.push(`Lint report: ${reportFile} (as SARIF: npx cdk-observed-sarif ${dir} -o lint.sarif)`);
  return lines.join('\n');
}

if (require.main === module) {
  console.log(`\n${summarize(process.argv[2] ?? 'cdk.out')}`);
}
