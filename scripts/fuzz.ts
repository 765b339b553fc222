/**
 * Property tests of bad input at scale: generates cases over every public construct and method
 * (valid, boundary and invalid values, tokens, combinations), synthesizes each with CloudFormation
 * schema validation on, lints it with the ServerlessOps pack, and counts the outcomes: accepted
 * and clean, refused with the library's error, refused unhelpfully, accepted with a wrong template.
 * Exits non-zero on any unhelpful refusal or wrong template.
 *
 *   npx ts-node --transpile-only scripts/fuzz.ts [count=10000] [seed=17] [workers=2]
 */
import { fork } from 'child_process';
import { describe, emptyFigures, Figures, fuzz, merge } from '../test/fuzz/report';

const [count, seed, workers] = [Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? 17), Number(process.argv[4] ?? 2)];

if (process.env.FUZZ_SHARD !== undefined) {
  process.send!(fuzz(count, seed, Number(process.env.FUZZ_SHARD), workers));
} else {
  const started = Date.now();
  const total = emptyFigures();
  const shards = Array.from({ length: workers }, (_, shard) => new Promise<void>((resolve, reject) => {
    const child = fork(__filename, [String(count), String(seed), String(workers)], {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      env: { ...process.env, FUZZ_SHARD: String(shard) },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    child.on('message', part => merge(total, part as Figures));
    child.on('exit', code => code === 0 ? resolve() : reject(new Error(`shard ${shard} exited with ${code}`)));
  }));
  void Promise.all(shards).then(() => {
    for (const line of describe(total)) console.log(line);
    for (const f of total.failures) console.log(`\n${f.outcome} ${f.target}: ${f.detail}\n  input: ${JSON.stringify(f.input).slice(0, 600)}`);
    console.log(`\nseed ${seed}, ${workers} workers, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    process.exit(total.outcomes['refused-unhelpful'] + total.outcomes['accepted-wrong'] > 0 ? 1 : 0);
  }, e => { console.error(e); process.exit(2); });
}
