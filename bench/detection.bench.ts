/**
 * Detection benchmark: our default alarms against the documented defaults of
 * serverless-plugin-aws-alerts and cdk-watchful (as alarm definitions, test/simulator/peers.ts) on
 * the same generated incidents and healthy weeks of the reference app (test/simulator/reference-app.ts),
 * with the simulator's default ingestion delays (1 minute for AWS metrics, 2 for metrics from logs).
 *
 * For each incident, over SEEDS seeds: the scenario starts at 07:00 plus a random number of
 * minutes (so the onset falls at a random minute of the hour) with the seed's noise; the cell is
 * the median and the worst of the minutes from onset to the first ALARM of an alarm on the
 * affected resources (negative: a warning before the failure), and how many seeds were not
 * detected. For each healthy workload (diurnal, steady, low traffic, batch bursts), over 3 seeds:
 * changes to ALARM per week (median and worst). The plugin is counted twice: with all four alarms
 * of its README's default set, and without its traffic alarm (invocations >= 100), which fires on
 * traffic rather than on failures. Measurement only: it exits 0 unless something throws.
 *
 * Run: `npm run bench:detection` (`BENCH_SEEDS=3` for a quick run). Output: a markdown table on
 * stdout and bench/results/detection.json.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AlarmSimulator, ScenarioResult } from '../src/simulator/alarm-simulator';
import { PEER_TOOLS, withPeerAlarms } from '../test/simulator/peers';
import { referenceApp } from '../test/simulator/reference-app';
import { Random } from '../test/simulator/scenarios/builder';
import { HealthyWorkload, healthyWorkload, INCIDENTS } from '../test/simulator/scenarios/reference-scenarios';

const SEEDS = Number(process.env.BENCH_SEEDS ?? 10);
const HEALTHY_SEEDS = Math.min(3, SEEDS);
const WORKLOADS: HealthyWorkload[] = ['diurnal', 'steady', 'low traffic', 'batch bursts'];
const PLUGIN_WITHOUT_TRAFFIC = 'serverless-plugin-aws-alerts without functionInvocations';

const app = referenceApp();
const tools: Array<[string, AlarmSimulator]> = [
  ['cdk-observed', new AlarmSimulator(app.template)],
  ...PEER_TOOLS.map(t => [t, new AlarmSimulator(withPeerAlarms(app.template, t, app.functions))] as [string, AlarmSimulator]),
];
const names = [...tools.map(([t]) => t), PLUGIN_WITHOUT_TRAFFIC];

/** Per tool: the detection minutes (undefined: not detected) or false alarms per week of one run. */
type Runs = { [tool: string]: Array<number | undefined> };

function measure(r: ScenarioResult, exclude?: RegExp): { detection?: number; perWeek: number } {
  if (!exclude) return { detection: r.detectionMinutes, perWeek: r.falseAlarmsPerWeek };
  const alarms = r.alarms.filter(a => !exclude.test(a.alarmName));
  const toAlarm = alarms.flatMap(a => a.changes.filter(c => c.toState === 'ALARM'));
  const from = r.earlyWarningFromMinute ?? r.onsetMinute;
  const falseAlarms = toAlarm.filter(c => from === undefined || c.minute < from).length;
  return { perWeek: falseAlarms * 7 * 1440 / Math.max(1, from ?? r.minutes) };
}

const start = Date.now();
const incidentRows: Array<{ scenario: string; runs: Runs; falseAlarms: Runs }> = [];
for (const [, generate] of INCIDENTS) {
  const runs: Runs = {};
  const falseAlarms: Runs = {};
  let name = '';
  for (let seed = 1; seed <= SEEDS; seed++) {
    const offset = Math.floor(new Random(1000 + seed).next() * 60);
    const scenario = generate(app.refs, { seed, start: new Date(Date.parse('2024-01-01T07:00:00Z') + offset * 60_000).toISOString() });
    name = scenario.name!;
    for (const [tool, sim] of tools) {
      const r = sim.simulate(scenario);
      (runs[tool] ??= []).push(r.detectionMinutes);
      (falseAlarms[tool] ??= []).push(r.falseAlarms);
      if (tool === 'serverless-plugin-aws-alerts') {
        (runs[PLUGIN_WITHOUT_TRAFFIC] ??= []).push(r.detectionMinutes);
        (falseAlarms[PLUGIN_WITHOUT_TRAFFIC] ??= []).push(measure(r, /functionInvocations$/).perWeek);
      }
    }
  }
  incidentRows.push({ scenario: name, runs, falseAlarms });
}
const healthyRows: Array<{ workload: string; runs: Runs }> = [];
for (const workload of WORKLOADS) {
  const runs: Runs = {};
  for (let seed = 1; seed <= HEALTHY_SEEDS; seed++) {
    const scenario = healthyWorkload(app.refs, workload, { seed });
    for (const [tool, sim] of tools) {
      const r = sim.simulate(scenario);
      (runs[tool] ??= []).push(r.falseAlarmsPerWeek);
      if (tool === 'serverless-plugin-aws-alerts') (runs[PLUGIN_WITHOUT_TRAFFIC] ??= []).push(measure(r, /functionInvocations$/).perWeek);
    }
  }
  healthyRows.push({ workload, runs });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (v: number) => Math.round(v * 10) / 10;
const signed = (v: number) => `${v > 0 ? '+' : ''}${round(v)}`;
const detectionCell = (xs: Array<number | undefined>) => {
  const found = xs.filter((x): x is number => x !== undefined);
  const missed = xs.length - found.length;
  if (found.length === 0) return 'not detected';
  const worst = missed > 0 ? 'missed' : signed(Math.max(...found));
  return `${signed(median(found))} / ${worst}${missed > 0 ? ` (${missed} of ${xs.length} missed)` : ''}`;
};
const falseCell = (xs: Array<number | undefined>) => {
  const v = xs.map(x => x ?? 0);
  return `${round(median(v))} / ${round(Math.max(...v))}`;
};

console.log(`Detection: minutes from onset to the first ALARM on the affected resources, median / worst over ${SEEDS} seeds with random onset minutes.`);
console.log(`| scenario | ${names.join(' | ')} |`);
console.log(`|---|${names.map(() => '---').join('|')}|`);
for (const row of incidentRows) console.log(`| ${row.scenario} | ${names.map(n => detectionCell(row.runs[n])).join(' | ')} |`);
console.log(`\nFalse alarms per week on healthy workloads, median / worst over ${HEALTHY_SEEDS} seeds.`);
console.log(`| workload | ${names.join(' | ')} |`);
console.log(`|---|${names.map(() => '---').join('|')}|`);
for (const row of healthyRows) console.log(`| healthy week, ${row.workload} | ${names.map(n => falseCell(row.runs[n])).join(' | ')} |`);
const preOnset = incidentRows.filter(r => r.falseAlarms['cdk-observed'].some(x => (x ?? 0) > 0)).map(r => r.scenario);
console.log(`\nincidents with an ALARM before their onset (cdk-observed): ${preOnset.length ? preOnset.join(', ') : 'none'}`);
console.log(`(${incidentRows.length} incidents x ${SEEDS} seeds and ${WORKLOADS.length} workloads x ${HEALTHY_SEEDS} seeds, ${tools.length} alarm sets, in ${((Date.now() - start) / 1000).toFixed(0)} s)`);

const out = path.join(__dirname, 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'detection.json'), JSON.stringify({ seeds: SEEDS, incidentRows, healthyRows }, null, 2));
