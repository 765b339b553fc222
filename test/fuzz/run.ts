import { readFileSync } from 'fs';
import { App, Errors, Stack } from 'aws-cdk-lib';
import { FuzzCase } from './case';
import { templateProblems } from './oracles';
import { ObservedErrorCode } from '../../src/core/error-codes';
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

/** A problem reported with the app's validation carries the library's code at its end. */
const CODE_AT_END = / \[(CdkObserved[A-Za-z]+)\]$/;

/** One refusal: its message, and the library's code when it is aws-cdk-lib's validation error with one. */
interface Refusal {
  readonly message: string;
  readonly code?: string;
}

/**
 * Builds, synthesizes (CloudFormation schema validation on) and lints one case, and classifies it.
 * A refusal is good when it is aws-cdk-lib's validation error with one of the library's codes
 * (thrown, or a line of the app's validation ending in the code) and its message blames a prop
 * the case set.
 */
export function runCase(c: FuzzCase): Result {
  const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
  const stack = new Stack(app, 'Fuzz', { env: ENV });
  let refused: Refusal[];
  try {
    c.build(stack);
    const assembly = app.synth();
    refused = assembly.stacks.flatMap(s => s.messages.filter(m => m.level === 'error').map(m => fromText(String(m.entry.data))));
  } catch (e) {
    refused = refusals(e as Error);
  }
  if (refused.length > 0) {
    const bad = refused.find(r => r.code === undefined || !helpful(r.message, c.props));
    if (bad === undefined) return { outcome: 'refused-good', detail: refused[0].message };
    return { outcome: 'refused-unhelpful', detail: bad.code ? bad.message : `${bad.message} (not a validation error with an ObservedErrorCode)` };
  }
  const wrong = lintErrors(app) ?? templateProblems(app) ?? c.wrong?.(stack);
  return wrong === undefined ? { outcome: 'accepted-clean' } : { outcome: 'accepted-wrong', detail: wrong };
}

/** The refusals of a thrown error; synth's validation error lists one per line as `[path] message`. */
function refusals(e: Error): Refusal[] {
  const text = String(e?.message ?? e);
  const report = /found in: (\S+validation-report\.json)/.exec(text);
  if (report) return [{ message: `${text}: ${policyViolations(report[1])}` }];
  const header = 'Validation failed with the following errors:';
  if (!text.startsWith(header)) {
    return [{ message: text, code: Errors.isValidationError(e) && ObservedErrorCode.isObservedErrorCode(e.name) ? e.name : undefined }];
  }
  return text.slice(header.length).split('\n').map(l => l.trim()).filter(l => l.length > 0)
    .map(l => fromText(l.replace(/^\[[^\]]*\]\s*/, '')));
}

/** A problem reported as text, with the library's code when its end names one. */
function fromText(line: string): Refusal {
  const m = CODE_AT_END.exec(line);
  return m && ObservedErrorCode.isObservedErrorCode(m[1]) ? { message: line.slice(0, m.index), code: m[1] } : { message: line };
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
