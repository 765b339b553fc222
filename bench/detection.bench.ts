/**
 * Detection benchmark: our default alarms against the documented defaults of
 * serverless-plugin-aws-alerts and cdk-watchful (as alarm definitions, src/simulator/peers.ts) on
 * the same generated incidents and healthy weeks of the reference app (test/simulator/reference-app.ts).
 *
 * For each incident: minutes from onset to the first ALARM of an alarm on the affected resources
 * (negative: a warning before the failure). For each healthy week: changes to ALARM, per week.
 * Measurement only: it exits 0 unless something throws.
 *
 * Run: `ts-node --transpile-only bench/detection.bench.ts`. Output: a markdown table on stdout and
 * bench/results/detection.json.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AlarmSimulator, ScenarioResult } from '../src/simulator/alarm-simulator';
import { PEER_TOOLS, withPeerAlarms } from '../src/simulator/peers';
import { healthyBaseline, INCIDENTS } from '../src/simulator/scenarios/reference-scenarios';
import { referenceApp } from '../test/simulator/reference-app';

const SEEDS = [1, 2, 3];

const app = referenceApp();
const tools: Array<[string, AlarmSimulator]> = [
  ['cdk-observed', new AlarmSimulator(app.template)],
  ...PEER_TOOLS.map(t => [t, new AlarmSimulator(withPeerAlarms(app.template, t, app.functions))] as [string, AlarmSimulator]),
];

const rows: Array<{ scenario: string; kind: 'incident' | 'baseline'; results: { [tool: string]: { detection?: number; falseAlarms: number; perWeek: number; fired: string[] } } }> = [];
const summarize = (r: ScenarioResult) => ({
  detection: r.detectionMinutes,
  falseAlarms: r.falseAlarms,
  perWeek: Math.round(r.falseAlarmsPerWeek * 10) / 10,
  fired: r.alarms.filter(a => a.firstAlarmMinute !== undefined && (r.onsetMinute === undefined || a.changes.some(c => c.toState === 'ALARM' && c.minute >= (r.earlyWarningFromMinute ?? r.onsetMinute!))))
    .map(a => a.alarmName.replace(/^Orders\//, '')),
});

const start = Date.now();
for (const [, generate] of INCIDENTS) {
  const scenario = generate(app.refs);
  const results: typeof rows[number]['results'] = {};
  for (const [tool, sim] of tools) results[tool] = summarize(sim.simulate(scenario));
  rows.push({ scenario: scenario.name!, kind: 'incident', results });
}
for (const seed of SEEDS) {
  const scenario = healthyBaseline(app.refs, { seed });
  const results: typeof rows[number]['results'] = {};
  for (const [tool, sim] of tools) results[tool] = summarize(sim.simulate(scenario));
  rows.push({ scenario: `healthy week, seed ${seed}`, kind: 'baseline', results });
}

const names = tools.map(([t]) => t);
const cell = (r: { detection?: number; perWeek: number }, kind: string) => kind === 'baseline'
  ? `${r.perWeek} false alarms/week`
  : r.detection === undefined ? 'not detected' : `${r.detection > 0 ? '+' : ''}${r.detection} min`;
console.log(`| scenario | ${names.join(' | ')} |`);
console.log(`|---|${names.map(() => '---').join('|')}|`);
for (const row of rows) console.log(`| ${row.scenario} | ${names.map(n => cell(row.results[n], row.kind)).join(' | ')} |`);
console.log(`\n(${rows.length} scenarios x ${names.length} alarm sets in ${((Date.now() - start) / 1000).toFixed(1)} s)`);
for (const row of rows.filter(r => r.kind === 'incident')) console.log(`${row.scenario}: ${row.results['cdk-observed'].fired.join(', ')}`);

const out = path.join(__dirname, 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'detection.json'), JSON.stringify(rows, null, 2));
