import { Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NagPack, ServerlessChecks } from 'cdk-nag';

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
