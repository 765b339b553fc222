#!/usr/bin/env node
/**
 * cdk-observed-sarif: the validation report of a synthesized cloud assembly as SARIF 2.1.0.
 *
 *   cdk synth                                   # writes cdk.out/validation-report.json (also when it fails)
 *   npx cdk-observed-sarif cdk.out -o lint.sarif
 *
 * Options:
 *   -o, --output <file>     write the SARIF there (default: stdout)
 *   --fail-on <level>       exit 1 when an unacknowledged finding is at least this level: error | warning (default: never)
 *   -h, --help              print this usage
 *   -v, --version           print the version
 *
 * Exit codes: 0 written (and nothing at --fail-on), 1 findings at --fail-on, 2 usage or input error.
 */
import * as fs from 'fs';
import { SarifReport } from './sarif';
import { answerStandardFlags } from '../core/cli-flags';

const USAGE = `usage: cdk-observed-sarif [cloud-assembly-dir (default cdk.out)] [-o, --output file] [--fail-on error|warning]

Writes the validation report of a synthesized cloud assembly (cdk synth writes
cdk.out/validation-report.json) as SARIF 2.1.0.

  -o, --output <file>   write the SARIF there (default: stdout)
  --fail-on <level>     exit 1 when an unacknowledged finding is at least this level
  -h, --help            print this usage
  -v, --version         print the version

Exit codes: 0 written, 1 findings at --fail-on, 2 usage or input error.`;

/** Runs the CLI; returns the exit code. Exported for tests. */
export function main(argv: readonly string[],
  out: (text: string) => void = t => process.stdout.write(t),
  err: (text: string) => void = t => process.stderr.write(t)): number {
  const answered = answerStandardFlags(argv, USAGE, out);
  if (answered !== undefined) return answered;
  let directory = 'cdk.out';
  let output: string | undefined;
  let failOn: 'error' | 'warning' | undefined;
  const args = [...argv];
  while (args.length > 0) {
    const a = args.shift()!;
    if (a === '-o' || a === '--output') {
      output = args.shift();
      if (!output) { err(`${a} needs a file\n${USAGE}\n`); return 2; }
    } else if (a === '--fail-on') {
      const level = args.shift();
      if (level !== 'error' && level !== 'warning') { err(`--fail-on is ${level ?? 'missing'}; allowed are error and warning\n${USAGE}\n`); return 2; }
      failOn = level;
    } else if (a.startsWith('-')) {
      err(`unknown option ${a}\n${USAGE}\n`);
      return 2;
    } else {
      directory = a;
    }
  }

  let text: string;
  try {
    text = SarifReport.fromCloudAssembly(directory);
  } catch (e) {
    err(`cdk-observed-sarif: ${(e as Error).message}\n`);
    return 2;
  }
  if (output) fs.writeFileSync(output, text);
  else out(text);

  const results = (JSON.parse(text) as { runs: { results?: { level?: string; suppressions?: unknown[] }[] }[] }).runs.flatMap(r => r.results ?? []);
  const open = results.filter(r => !r.suppressions);
  const count = (level: string) => open.filter(r => r.level === level).length;
  err(`cdk-observed-sarif: ${count('error')} errors, ${count('warning')} warnings, ${results.length - open.length} acknowledged${output ? ` -> ${output}` : ''}\n`);
  if (failOn === 'error' && count('error') > 0) return 1;
  if (failOn === 'warning' && count('error') + count('warning') > 0) return 1;
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
