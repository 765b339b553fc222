/**
 * Scale benchmark (issue 8).
 *
 * Part 1: 20 stacks of 50 ObservedFunctions, each consuming its own ObservedQueue, default alarms,
 * alarms in 3 nested alarm stacks per stack (`AlarmPlacementMode.NESTED_STACKS`, as the synth
 * error of a stack this size advises): the app must synthesize and every template (nested ones
 * too) must stay within 500 resources, 200 parameters and 1,000,000 bytes. The functions are queue consumers, so
 * they are created with `asyncFailureQueue: false` as the README advises (with the failure queue
 * a function brings 12 resources of its own besides its alarms, and 50 of them with their queues
 * are over 500 before any alarm: no placement of alarms can make such a stack deployable).
 *
 * Part 2: per-alarm cost against cdk-monitoring-constructs, in the same run: N = 100 and 400
 * default ObservedFunctions (20 per stack, as bench/synth.bench.ts) and N plain functions with
 * 3 alarms each (fault count, throttles, p99 latency) from cdk-monitoring-constructs' facade, in
 * one stack as its users write it (the resource limit check is switched off so that its template
 * can be measured). Prints synth ms per alarm, template bytes per alarm, and ours / peer.
 * cdk-monitoring-constructs is needed only here (a devDependency, `cdk-monitoring-constructs@^10`);
 * without it Part 2 prints why and measures only our side.
 *
 * Run: `npx ts-node --transpile-only bench/scale.bench.ts` (a warm-up round, then one measured
 * round per variant; Part 1 takes a few minutes on 2 cores). Output: stdout and
 * bench/results/scale.json. Exits 1 if Part 1 passes a limit.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AlarmPlacement, AlarmPlacementMode, ObservedFunction, ObservedQueue } from '../src';

const ENV = { account: '123456789012', region: 'us-east-1' };
const LIMITS = { resources: 500, parameters: 200, bytes: 1_000_000 };
const fnProps: lambda.FunctionProps = {
  runtime: lambda.Runtime.NODEJS_24_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => 1;'),
};

interface Templates {
  count: number;
  resources: number;
  alarms: number;
  bytes: number;
  maxResources: number;
  maxParameters: number;
  maxBytes: number;
  over: string[];
}

function newApp(context: Record<string, unknown> = {}): { app: App; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'scale-bench-'));
  return { app: new App({ outdir, context: { [cxapi.DISABLE_METADATA_STACK_TRACE]: true, ...context } }), outdir };
}

function readTemplates(outdir: string, limits = true): Templates {
  const t: Templates = { count: 0, resources: 0, alarms: 0, bytes: 0, maxResources: 0, maxParameters: 0, maxBytes: 0, over: [] };
  for (const file of fs.readdirSync(outdir).filter(f => f.endsWith('.template.json'))) {
    const text = fs.readFileSync(path.join(outdir, file), 'utf8');
    const json = JSON.parse(text);
    const resources = Object.values(json.Resources ?? {}) as { Type: string }[];
    const parameters = Object.keys(json.Parameters ?? {}).length;
    const bytes = Buffer.byteLength(text);
    t.count++;
    t.resources += resources.length;
    t.alarms += resources.filter(r => r.Type === 'AWS::CloudWatch::Alarm').length;
    t.bytes += bytes;
    t.maxResources = Math.max(t.maxResources, resources.length);
    t.maxParameters = Math.max(t.maxParameters, parameters);
    t.maxBytes = Math.max(t.maxBytes, bytes);
    if (limits && (resources.length > LIMITS.resources || parameters > LIMITS.parameters || bytes > LIMITS.bytes)) {
      t.over.push(`${file}: ${resources.length} resources, ${parameters} parameters, ${bytes} bytes`);
    }
  }
  return t;
}

function timed(build: (app: App) => void, context?: Record<string, unknown>): { ms: number; templates: Templates } {
  const { app, outdir } = newApp(context);
  try {
    const start = process.hrtime.bigint();
    build(app);
    app.synth();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { ms, templates: readTemplates(outdir) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

// ---- Part 1: 1,000 functions with queue consumers ---------------------------------------------

/** Nested alarm stacks per stack in Part 1: 50 pairs bring about 600 alarm resources and 200 references. */
const ALARM_STACKS = 3;

function scaleApp(stacks: number, perStack: number) {
  return (app: App) => {
    AlarmPlacement.configure(app, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: ALARM_STACKS });
    for (let s = 0; s < stacks; s++) {
      const stack = new Stack(app, `Service${s}`, { env: ENV });
      for (let i = 0; i < perStack; i++) {
        const fn = new ObservedFunction(stack, `Fn${i}`, { ...fnProps, asyncFailureQueue: false });
        fn.consumeQueue(new ObservedQueue(stack, `Queue${i}`));
      }
    }
  };
}

// ---- Part 2: per alarm, against cdk-monitoring-constructs ------------------------------------

function ours(n: number) {
  return (app: App) => {
    let stack: Stack | undefined;
    for (let i = 0; i < n; i++) {
      if (i % 20 === 0) stack = new Stack(app, `Stack${i / 20}`, { env: ENV });
      new ObservedFunction(stack!, `Fn${i}`, fnProps);
    }
  };
}

function loadPeer(): any | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('cdk-monitoring-constructs');
  } catch {
    return undefined;
  }
}

function peer(cmc: any, n: number) {
  return (app: App) => {
    const stack = new Stack(app, 'Peer', { env: ENV });
    const facade = new cmc.MonitoringFacade(stack, 'Monitoring', {
      alarmFactoryDefaults: { alarmNamePrefix: 'Peer', actionsEnabled: true },
      metricFactoryDefaults: {},
    });
    for (let i = 0; i < n; i++) {
      const fn = new lambda.Function(stack, `Fn${i}`, { ...fnProps, timeout: Duration.seconds(10), memorySize: 1024 });
      facade.monitorLambdaFunction({
        lambdaFunction: fn,
        alarmFriendlyName: `Fn${i}`,
        addFaultCountAlarm: { Warning: { maxErrorCount: 0 } },
        addThrottlesCountAlarm: { Warning: { maxErrorCount: 0 } },
        addLatencyP99Alarm: { Warning: { maxLatency: Duration.seconds(8) } },
      });
    }
  };
}

function perAlarm(ms: number, t: Templates) {
  return {
    ms,
    alarms: t.alarms,
    bytes: t.bytes,
    msPerAlarm: ms / t.alarms,
    bytesPerAlarm: t.bytes / t.alarms,
    maxResources: t.maxResources,
    maxBytes: t.maxBytes,
  };
}

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function main(): void {
  timed(ours(10)); // warm-up: module loading and JIT

  console.log(`Part 1: 20 stacks x 50 ObservedFunctions, each consuming its own ObservedQueue (default alarms, ${ALARM_STACKS} nested alarm stacks per stack)`);
  const scale = timed(scaleApp(20, 50));
  const t = scale.templates;
  console.log(`  synth ${fmt(scale.ms)} ms; ${t.count} templates (${t.count - 20} nested); ${fmt(t.resources)} resources, ${fmt(t.alarms)} alarms`);
  console.log(`  largest template: ${t.maxResources} resources (limit 500), ${t.maxParameters} parameters (limit 200), ${fmt(t.maxBytes)} bytes (limit 1,000,000)`);
  console.log(`  ${t.over.length === 0 ? 'every template is within the limits' : `OVER THE LIMITS:\n    ${t.over.join('\n    ')}`}`);

  console.log('\nPart 2: synth time and template bytes per alarm');
  const cmc = loadPeer();
  if (!cmc) {
    console.log('  cdk-monitoring-constructs is not installed: the peer side is skipped. Add it as a devDependency');
    console.log('  (`cdk-monitoring-constructs@^10` in .projenrc.ts devDeps, then `npx projen`) to measure it in this run.');
  }
  const rows: any[] = [];
  for (const n of [100, 400]) {
    const o = timed(ours(n));
    const row: any = {
      n,
      ours: perAlarm(o.ms, o.templates),
    };
    if (cmc) {
      // its single stack passes 500 resources at 100 functions: measured with the check off
      const p = timed(peer(cmc, n), { '@aws-cdk/core:stackResourceLimit': 0 });
      row.peer = perAlarm(p.ms, p.templates);
      row.ratio = { msPerAlarm: row.ours.msPerAlarm / row.peer.msPerAlarm, bytesPerAlarm: row.ours.bytesPerAlarm / row.peer.bytesPerAlarm };
    }
    rows.push(row);
    const line = `  N=${n}: ours ${fmt(o.ms)} ms / ${o.templates.alarms} alarms = ${fmt(row.ours.msPerAlarm, 2)} ms/alarm, ${fmt(row.ours.bytesPerAlarm)} bytes/alarm`;
    console.log(line);
    if (row.peer) {
      console.log(`         peer ${fmt(row.peer.ms)} ms / ${row.peer.alarms} alarms = ${fmt(row.peer.msPerAlarm, 2)} ms/alarm, `
        + `${fmt(row.peer.bytesPerAlarm)} bytes/alarm (largest template ${row.peer.maxResources} resources, ${fmt(row.peer.maxBytes)} bytes)`);
      console.log(`         ours / peer: ${fmt(row.ratio.msPerAlarm, 2)}x synth time per alarm, ${fmt(row.ratio.bytesPerAlarm, 2)}x template bytes per alarm`);
    }
  }

  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'scale.json'), JSON.stringify({
    machine: { cpus: os.cpus().length, node: process.version },
    scale: { stacks: 20, functionsPerStack: 50, alarmStacksPerStack: ALARM_STACKS, ms: scale.ms, ...t },
    perAlarm: rows,
    peerInstalled: cmc !== undefined,
  }, undefined, 2));
  if (t.over.length > 0) process.exitCode = 1;
}

main();
