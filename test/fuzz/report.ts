import * as fc from 'fast-check';
import { anyCase } from './cases';
import { Outcome, runCase } from './run';

export interface Figures {
  cases: number;
  readonly outcomes: Record<Outcome, number>;
  /** Per construct or method: cases and outcomes. */
  readonly byTarget: Record<string, Record<Outcome | 'cases', number>>;
  /** The first few unhelpful refusals and wrong templates, with their input. */
  readonly failures: Array<{ target: string; outcome: Outcome; detail?: string; input: unknown }>;
}

const OUTCOMES: Outcome[] = ['accepted-clean', 'refused-good', 'refused-unhelpful', 'accepted-wrong'];

export function emptyFigures(): Figures {
  return { cases: 0, outcomes: Object.fromEntries(OUTCOMES.map(o => [o, 0])) as Record<Outcome, number>, byTarget: {}, failures: [] };
}

/**
 * Generates `count` cases from `seed`, runs those of this shard (every `shards`-th, from `shard`)
 * and counts the outcomes.
 */
export function fuzz(count: number, seed: number, shard = 0, shards = 1, maxFailures = 50): Figures {
  const f = emptyFigures();
  fc.sample(anyCase, { seed, numRuns: count }).forEach((c, i) => {
    if (i % shards !== shard) return;
    const result = runCase(c);
    f.cases++;
    f.outcomes[result.outcome]++;
    const t = f.byTarget[c.target] ??= { 'cases': 0, 'accepted-clean': 0, 'refused-good': 0, 'refused-unhelpful': 0, 'accepted-wrong': 0 };
    t.cases++;
    t[result.outcome]++;
    if ((result.outcome === 'refused-unhelpful' || result.outcome === 'accepted-wrong') && f.failures.length < maxFailures) {
      f.failures.push({ target: c.target, outcome: result.outcome, detail: result.detail?.slice(0, 400), input: c.input });
    }
  });
  return f;
}

/** Adds the figures of one shard to the total. */
export function merge(total: Figures, part: Figures): void {
  total.cases += part.cases;
  for (const o of OUTCOMES) total.outcomes[o] += part.outcomes[o];
  for (const [t, n] of Object.entries(part.byTarget)) {
    const into = total.byTarget[t] ??= { 'cases': 0, 'accepted-clean': 0, 'refused-good': 0, 'refused-unhelpful': 0, 'accepted-wrong': 0 };
    for (const k of Object.keys(n) as Array<keyof typeof n>) into[k] += n[k];
  }
  total.failures.push(...part.failures);
}

/** The figures as lines of text. */
export function describe(f: Figures): string[] {
  const pct = (n: number) => `${(100 * n / Math.max(f.cases, 1)).toFixed(1)} %`;
  const o = f.outcomes;
  return [
    `cases ${f.cases}: accepted ${o['accepted-clean'] + o['accepted-wrong']} (clean ${o['accepted-clean']}, wrong ${o['accepted-wrong']}), `
    + `refused ${o['refused-good'] + o['refused-unhelpful']} (good ${o['refused-good']}, unhelpful ${o['refused-unhelpful']})`,
    ...OUTCOMES.map(k => `  ${k}: ${o[k]} (${pct(o[k])})`),
    'by target (cases / clean / good / unhelpful / wrong):',
    ...Object.entries(f.byTarget).sort().map(([t, n]) => `  ${t}: ${n.cases} / ${n['accepted-clean']} / ${n['refused-good']} / ${n['refused-unhelpful']} / ${n['accepted-wrong']}`),
  ];
}
