#!/usr/bin/env node
import * as fs from 'fs';
import { AlarmSimulator, ScenarioResult, SimulatedAlarmState } from './alarm-simulator';
import { loadAssembly, loadTemplateFile } from './assembly';
import { answerStandardFlags } from '../core/cli-flags';

const USAGE = `Usage: cdk-observed simulate (--assembly <cdk.out> | --template <template.json>) --scenario <scenario.json> [--scenario <more.json>] [--json]

Evaluates the CloudWatch alarms of a synthesized app against scenarios of metric data and prints,
per scenario, which alarms fired and how many minutes after the onset, and false alarms (ALARMs
before the onset; on a baseline, every ALARM) per week. --assembly reads every stack of a cloud
assembly; --template one template (a directory is read as an assembly). Nested stacks are
followed either way.

Options:
  --assembly <dir>      a cloud assembly (cdk.out)
  --template <file>     one template
  --scenario <file>     a scenario file (repeatable)
  --json                results as JSON
  -h, --help            print this usage
  -v, --version         print the version

Exit codes: 0 evaluated, 1 input error, 2 usage error, 3 an alarm of the app could not be
evaluated (the detections and false alarms printed do not include it).`;

/** Text report of one scenario's result. */
export function formatResult(r: ScenarioResult): string {
  const lines: string[] = [];
  const onset = r.onsetMinute;
  lines.push(`Scenario: ${r.scenarioName} (${r.minutes} minutes${onset === undefined ? ', baseline' : `, onset at minute ${onset}`})`);
  const fired = r.alarms.filter(a => a.firstAlarmMinute !== undefined);
  for (const a of fired) {
    const at = a.changes.filter(c => c.toState === SimulatedAlarmState.ALARM).map(c => onset === undefined ? `minute ${c.minute}` : signed(c.minute - onset));
    lines.push(`  ALARM  ${a.alarmName}: ${at.join(', ')}`);
  }
  if (fired.length === 0) lines.push('  no alarm fired');
  if (onset !== undefined) lines.push(`  detected: ${r.detectionMinutes === undefined ? 'no' : `${signed(r.detectionMinutes)} after onset`}`);
  lines.push(`  false alarms: ${r.falseAlarms} (${round(r.falseAlarmsPerWeek)} per week)`);
  for (const a of r.alarms.filter(x => !x.evaluable)) lines.push(`  NOT EVALUATED ${a.alarmName}: ${a.unevaluableReason}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

function signed(minutes: number): string {
  return `${minutes >= 0 ? '+' : ''}${minutes} min`;
}

function round(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

/** Runs the CLI; returns the exit code. */
export function main(argv: string[], out: (s: string) => void = s => process.stdout.write(s + '\n')): number {
  const answered = answerStandardFlags(argv, USAGE, t => out(t.replace(/\n$/, '')));
  if (answered !== undefined) return answered;
  const [command, ...rest] = argv;
  if (command !== 'simulate') {
    out(command === undefined ? USAGE : `unknown command: ${command}\n\n${USAGE}`);
    return 2;
  }
  let input: string | undefined;
  let inputs = 0;
  const scenarios: string[] = [];
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--template' || arg === '--assembly') {input = rest[++i]; inputs++;} else if (arg === '--scenario') {scenarios.push(rest[++i]);} else if (arg === '--json') {json = true;} else { out(`unknown argument: ${arg}\n\n${USAGE}`); return 2; }
  }
  if (!input || inputs !== 1 || scenarios.length === 0 || scenarios.some(s => s === undefined)) {
    out(USAGE);
    return 2;
  }
  const loaded = fs.statSync(input).isDirectory() ? loadAssembly(input) : loadTemplateFile(input);
  const simulator = new AlarmSimulator(loaded.template);
  const results = scenarios.flatMap(file => AlarmSimulator.readScenarioFile(file)).map(s => simulator.simulate(s));
  const withLoadWarnings = results.map(r => ({ ...r, warnings: [...loaded.warnings, ...r.warnings] }));
  out(json ? JSON.stringify(withLoadWarnings, null, 2) : withLoadWarnings.map(formatResult).join('\n\n'));
  // a run that could not evaluate an alarm proves nothing about it: say so and fail
  const unevaluable = new Set(results.flatMap(r => r.alarms.filter(a => !a.evaluable).map(a => a.alarmName)));
  if (unevaluable.size > 0) {
    const alarms = results[0]?.alarms.length ?? 0;
    out(`${json ? '' : '\n'}NOT EVALUATED: ${unevaluable.size} of ${alarms} alarms could not be evaluated; the detections and false alarms above do not include them.`);
    return 3;
  }
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`cdk-observed: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
