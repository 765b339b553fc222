import { CfnResource, Validations } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { AppIndex } from './app-index';

/** One finding of a rule on one resource. */
export interface Finding {
  /**
   * What is wrong, in the user's terms: the resources involved (by construct path), the values,
   * what happens in production, and the fix. It is shown as is, so it must stand alone.
   */
  readonly message: string;
  /** Where in the resource the finding is, as CloudFormation sees it (`Properties/VisibilityTimeout`). */
  readonly location?: string;
  /**
   * The level of this finding when it differs from the rule's: a rule reports an error only where
   * the template proves the failure, and a warning where it rests on a permission or on traffic.
   */
  readonly level?: NagMessageLevel;
  /**
   * A short description of the finding (`function Orders/Fn (Errors, Throttles)`) for rules whose
   * findings the pack reports once per stack, as a list, unless the user asks for detail.
   */
  readonly summary?: string;
}

/** What a rule says about a resource: compliant, not applicable, or findings. */
export type RuleResult = NagRuleCompliance.COMPLIANT | NagRuleCompliance.NOT_APPLICABLE | readonly Finding[];

/**
 * A rule: a pure function from a resource (and the index of the app, built once per validation)
 * to a result. It is named by its function name, which is also its file name and, after the
 * pack's prefix, its rule ID.
 */
export type Rule = (node: CfnResource, index: AppIndex) => RuleResult;

/** A rule in a pack, with how it is reported. */
export interface PackRule {
  readonly rule: Rule;
  readonly level: NagMessageLevel;
  /** One sentence: what the rule finds. */
  readonly info: string;
  /** Why it matters: the incident it prevents. */
  readonly explanation: string;
  /**
   * For rules reported once per stack: the message of a stack's findings, from their `summary`
   * items. Findings without a summary, acknowledged ones and a stack's single finding keep their own.
   */
  readonly summarize?: (stackPath: string, items: readonly string[]) => string;
}

/** A finding with its rule and resource. */
export interface RawFinding extends Finding {
  readonly ruleId: string;
  readonly rule: PackRule;
  readonly node: CfnResource;
  /** The acknowledgement that covers it (on the resource or a scope above it), if any. */
  readonly acknowledged?: { readonly id: string; readonly reason: string; readonly at: string };
}

/**
 * Runs the rules over every resource under `scope`: one walk to build the index, then each rule
 * on each resource. A rule that throws is reported as a warning on that resource (a bug in a lint
 * rule must not block a deployment), with the error in the message.
 */
export function runRules(prefix: string, namespace: string, rules: readonly PackRule[], scope: IConstruct): RawFinding[] {
  const index = AppIndex.build(scope);
  const ids = rules.map(rule => `${prefix}-${rule.rule.name}`);
  const out: RawFinding[] = [];
  for (const node of index.resources) {
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      const ruleId = ids[i];
      let result: RuleResult;
      let reported = rule;
      try {
        result = rule.rule(node, index);
      } catch (e) {
        result = [{ message: `The rule failed on this resource and could not judge it: ${(e as Error).message}` }];
        reported = { ...rule, level: NagMessageLevel.WARN };
      }
      if (!Array.isArray(result)) continue;
      for (const finding of result as readonly Finding[]) {
        const level = finding.level ?? reported.level;
        out.push({
          ...finding,
          ruleId,
          rule: level === reported.level ? reported : { ...reported, level },
          node,
          acknowledged: acknowledgement(node, ruleId, namespace),
        });
      }
    }
  }
  return out;
}

/**
 * The acknowledgement of `ruleId` on the resource or any scope above it, recorded through
 * `Validations.of(construct).acknowledge({ id, reason })`. Both spellings count: the rule ID alone
 * (`ServerlessOps-SqsVisibilityTimeout`, stored by aws-cdk-lib as `Annotation::...`) and the
 * namespaced one that aws-cdk-lib's report suggests (`ServerlessOps::ServerlessOps-SqsVisibilityTimeout`).
 */
export function acknowledgement(node: IConstruct, ruleId: string, namespace: string): RawFinding['acknowledged'] {
  const accepted = new Set([ruleId, `${namespace}::${ruleId}`]);
  for (let scope: IConstruct | undefined = node; scope; scope = scope.node.scope) {
    for (const entry of scope.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        if (accepted.has(id.replace(/^annotation::/i, ''))) return { id, reason: String(reason), at: scope.node.path };
      }
    }
  }
  return undefined;
}
