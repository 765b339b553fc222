import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { LinkPart, maxChars, renderParts } from './console-links';
import { ObservedErrorCode } from './error-codes';
import { invalidProp } from './errors';

/** CloudWatch allows alarm descriptions of up to 1,024 characters. */
export const MAX_DESCRIPTION = 1024;

/** The longest runbook URL accepted: it always fits beside the alarm's own text. */
export const MAX_RUNBOOK_URL = 300;

/** The most characters of the construct path in a description (a longer one keeps its tail). */
const MAX_SOURCE_PATH = 200;

/** A labelled console link at the end of a description. */
export interface DescriptionLink {
  readonly label: string;
  readonly parts: readonly LinkPart[];
}

/**
 * The alarm's description: what it catches and when it fires, where it comes from (a path over
 * 200 characters keeps its tail), the team's runbook, then the links in the order given, each one only if the
 * description still fits CloudWatch's 1,024 characters with every deploy-time value at its
 * longest. A link that does not fit is left out; a shorter one after it may still fit.
 */
export function composeDescription(text: string, path: string, runbookUrl: string | undefined, links: readonly DescriptionLink[]): string {
  const runbook = runbookUrl ? `\nRunbook: ${runbookUrl}` : '';
  const head = `${text} Source: `;
  // a deep path keeps its last 200 characters, so that it leaves room for the links
  const room = Math.min(MAX_SOURCE_PATH, MAX_DESCRIPTION - head.length - 1 - runbook.length);
  const source = path.length <= room ? path : `...${path.slice(path.length - room + 3)}`;
  const parts: LinkPart[] = [`${head}${source}.${runbook}`];
  for (const link of links) {
    const candidate = [`\n${link.label}: `, ...link.parts];
    if (maxChars(parts) + maxChars(candidate) <= MAX_DESCRIPTION) parts.push(...candidate);
  }
  return renderParts(parts);
}

/** Checks a runbook URL: known at synth (its length counts toward the description), one line, at most 300 characters. */
export function checkRunbookUrl(scope: IConstruct | string, prop: string, url: string | undefined): void {
  if (url === undefined) return;
  if (Token.isUnresolved(url)) {
    invalidProp(ObservedErrorCode.TOKEN_NOT_SUPPORTED, scope, prop, 'a token', 'it must be known at synth time: its length counts toward the alarm description\'s 1,024 characters');
  }
  if (url.length === 0 || url.length > MAX_RUNBOOK_URL || /\s/.test(url)) {
    invalidProp(ObservedErrorCode.INVALID_FORMAT, scope, prop, `'${url.length > 60 ? url.slice(0, 57) + '...' : url}' (${url.length} characters)`,
      `allowed is a URL of 1-${MAX_RUNBOOK_URL} characters without spaces`);
  }
}
