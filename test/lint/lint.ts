import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { ServerlessOpsChecks } from '../../src/lint/pack';
import { MINIMAL } from '../helpers';

/** One unacknowledged finding of the ServerlessOps pack. */
export interface LintFinding {
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
  readonly message: string;
}

/** The pack's unacknowledged findings under `scope`, optionally of one rule (`SqsVisibilityTimeout`), sorted by path. */
export function lint(scope: IConstruct, rule?: string): LintFinding[] {
  const out: LintFinding[] = [];
  for (const v of new ServerlessOpsChecks().validateScope(scope).violations) {
    for (const r of v.violatingResources) {
      out.push({ rule: v.ruleName, severity: v.severity ?? '', path: r.constructPath ?? '', message: v.description });
    }
  }
  return out
    .filter(f => rule === undefined || f.rule === `ServerlessOps-${rule}`)
    .sort((a, b) => a.path.localeCompare(b.path) || a.rule.localeCompare(b.rule));
}

/** `<severity> <rule> <path>` lines, like test/nag.ts. */
export function lines(findings: readonly LintFinding[]): string[] {
  return findings.map(f => `${f.severity} ${f.rule} ${f.path}`);
}

const ENV = { account: '123456789012', region: 'us-east-1' };

/** An app with two stacks in the same environment, for cross-stack references. */
export function twoStacks(): { app: App; a: Stack; b: Stack } {
  const app = new App();
  return { app, a: new Stack(app, 'A', { env: ENV }), b: new Stack(app, 'B', { env: ENV }) };
}

/** A plain aws-cdk-lib function with a timeout in seconds. */
export function fn(scope: IConstruct, id: string, timeoutSeconds = 10, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(scope as Stack, id, { ...MINIMAL, timeout: Duration.seconds(timeoutSeconds), ...props });
}
