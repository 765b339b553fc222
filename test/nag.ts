import { Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NagPack, ServerlessChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** One line per unacknowledged finding: `<severity> <rule> <construct path>`. */
export function nagFindings(stack: Stack, ...packs: NagPack[]): string[] {
  const used = packs.length > 0 ? packs : [new AwsSolutionsChecks(), new ServerlessChecks()];
  const lines: string[] = [];
  for (const pack of used) {
    for (const v of pack.validateScope(stack).violations) {
      for (const r of v.violatingResources) lines.push(`${v.severity} ${v.ruleName} ${r.constructPath}`);
    }
  }
  return lines.sort();
}

/**
 * `<rule id> <construct path>` for every acknowledgement recorded under `scope` (optionally only
 * under the path `under`), sorted; every reason must be at least `minReasonLength` characters.
 */
export function acknowledgements(scope: IConstruct, minReasonLength: number, under = ''): string[] {
  const found: string[] = [];
  for (const c of scope.node.findAll()) {
    if (!c.node.path.startsWith(under)) continue;
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, string>)) {
        if (String(reason).length < minReasonLength) throw new Error(`acknowledgement ${id} on ${c.node.path} has a reason shorter than ${minReasonLength}: '${reason}'`);
        found.push(`${id.replace(/^annotation::/i, '')} ${c.node.path}`);
      }
    }
  }
  return found.sort();
}
