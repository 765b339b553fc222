import { readFileSync } from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import { FuzzCase } from './case';
import { templateProblems } from './oracles';
import { ServerlessOpsChecks } from '../../src/lint/pack';

export type Outcome = 'accepted-clean' | 'refused-good' | 'refused-unhelpful' | 'accepted-wrong';

export interface Result {
  readonly outcome: Outcome;
  /** The refusal's messages, or what is wrong with the accepted template. */
  readonly detail?: string;
}

export const ENV = { account: '123456789012', region: 'us-east-1' };

/** The library's validation message: `<construct path>: <prop> is <value>; <what is allowed>`. */
const OURS = /^(\S.*?): (.+?) is (.+?); (.+)/s;

/** Builds, synthesizes (CloudFormation schema validation on) and lints one case, and classifies it. */
export function runCase(c: FuzzCase): Result {
  const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
  const stack = new Stack(app, 'Fuzz', { env: ENV });
  let messages: string[];
  try {
    c.build(stack);
    const assembly = app.synth();
    messages = assembly.stacks.flatMap(s => s.messages.filter(m => m.level === 'error').map(m => String(m.entry.data)));
  } catch (e) {
    messages = errorMessages(e as Error);
  }
  if (messages.length > 0) {
    const bad = messages.find(m => !helpful(m, c.props));
    return bad === undefined ? { outcome: 'refused-good', detail: messages[0] } : { outcome: 'refused-unhelpful', detail: bad };
  }
  const wrong = lintErrors(app) ?? templateProblems(app) ?? c.wrong?.(stack);
  return wrong === undefined ? { outcome: 'accepted-clean' } : { outcome: 'accepted-wrong', detail: wrong };
}

/** The messages of a thrown error; synth's validation error lists one per line as `[path] message`. */
function errorMessages(e: Error): string[] {
  const text = String(e?.message ?? e);
  const report = /found in: (\S+validation-report\.json)/.exec(text);
  if (report) return [`${text}: ${policyViolations(report[1])}`];
  const header = 'Validation failed with the following errors:';
  if (!text.startsWith(header)) return [text];
  return text.slice(header.length).split('\n').map(l => l.trim()).filter(l => l.length > 0)
    .map(l => l.replace(/^\[[^\]]*\]\s*/, ''));
}

/** What CloudFormation's schema validation (a policy validation plugin) reported. */
function policyViolations(file: string): string {
  try {
    const json = JSON.parse(readFileSync(file, 'utf-8'));
    return JSON.stringify(json).slice(0, 600);
  } catch {
    return '(no report)';
  }
}

/** In the library's format, blaming a prop the case set. */
export function helpful(message: string, props: readonly string[]): boolean {
  const m = OURS.exec(message);
  if (!m) return false;
  const blamed = m[2];
  const last = blamed.split(' ').pop()!;
  return props.some(p => blamed === p || blamed.startsWith(`${p}(`) || blamed.endsWith(` ${p}`) || blamed.endsWith(`.${p}`) || last === p
    || p.startsWith(`${last}.`) || last.startsWith(`${p}.`));
}

function lintErrors(app: App): string | undefined {
  const stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c) && !c.nested);
  for (const stack of stacks) {
    for (const v of new ServerlessOpsChecks().validateScope(stack).violations) {
      if (v.severity !== 'error') continue;
      return `${v.ruleName}: ${v.violatingResources.map(r => r.constructPath).join(', ')}: ${v.description}`;
    }
  }
  return undefined;
}
