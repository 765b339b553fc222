import { Aws, CfnCondition, Fn, Stack, Token, Tokenization } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';
import { stateOf } from './tree-state';

/**
 * A value known only at deploy time (a reference), with the most characters it can resolve to.
 * Only values whose characters need no escaping in a URL are used (names of functions, queues,
 * tables, generated log group names, regions).
 */
export interface BoundedValue {
  /** The value (a token), or a key standing for a value that `produce` makes when the text is rendered. */
  readonly value: string;
  readonly maxChars: number;
  /** Makes the value on first render (so what it needs in the stack exists only when a rendered text uses it). */
  readonly produce?: () => string;
}

/** Text as literal pieces and deploy-time values: its length is known at synth as an upper bound. */
export type LinkPart = string | BoundedValue;

/**
 * The longest region code a description allows for. Today's longest are 15 characters
 * (e.g. `us-isof-south-1`); the margin keeps the bound safe for regions to come.
 */
export const MAX_REGION_CHARS = 20;

/** Console domains per partition (the sign-in domains of the commercial, China and GovCloud partitions). */
export const CONSOLE_DOMAINS: { readonly [partition: string]: string } = {
  'aws': 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};
const MAX_DOMAIN_CHARS = Math.max(...Object.values(CONSOLE_DOMAINS).map(d => d.length));

/** The most characters the parts resolve to. */
export function maxChars(parts: readonly LinkPart[]): number {
  return parts.reduce((n, p) => n + (typeof p === 'string' ? p.length : p.maxChars), 0);
}

/**
 * The parts as one string: plain when every part is known at synth, else an `Fn::Sub` whose
 * variables are the deploy-time values (one variable per distinct value).
 */
export function renderParts(parts: readonly LinkPart[]): string {
  if (parts.every(p => typeof p === 'string')) return parts.join('');
  const names = new Map<string, { name: string; part: BoundedValue }>();
  // text with a token in it (a threshold from a parameter) has the token as a variable too: the
  // template of an Fn::Sub must be a plain string
  const body = parts.flatMap(p => typeof p === 'string' ? splitTokens(p) : [p]).map(p => {
    if (typeof p === 'string') return p.replace(/\$\{/g, '${!');
    let variable = names.get(p.value);
    if (!variable) names.set(p.value, variable = { name: `v${names.size}`, part: p });
    return `\${${variable.name}}`;
  }).join('');
  const variables: { [name: string]: string } = {};
  for (const { name, part } of names.values()) variables[name] = part.produce ? part.produce() : part.value;
  return Fn.sub(body, variables);
}

/** Literal text and the tokens in it, in order (a token's length counts as its placeholder's). */
function splitTokens(text: string): LinkPart[] {
  // (a number token in a string is not `Token.isUnresolved`, but it is a fragment)
  const fragments = Tokenization.reverseString(text);
  if (fragments.tokens.length === 0) return [text];
  const piece = (v: unknown): LinkPart[] => v instanceof Pieces ? v.items
    : typeof v === 'string' && !Token.isUnresolved(v) ? [v] : [{ value: Token.asString(v), maxChars: 0 }];
  if (fragments.length === 1) return piece(fragments.firstValue);
  const joined: unknown = fragments.join({ join: (left: unknown, right: unknown) => new Pieces([...piece(left), ...piece(right)]) });
  return piece(joined);
}

class Pieces {
  constructor(readonly items: LinkPart[]) {}
}

/**
 * The region and console domain of the stack that holds `scope`: literals when the stack's region
 * is known, else `AWS::Region` and the domain chosen by partition at deploy time (two conditions
 * in the stack; an unknown partition falls back to the commercial domain).
 */
export function consoleOf(scope: IConstruct): { region: LinkPart; domain: LinkPart } {
  const stack = Stack.of(scope);
  if (!Token.isUnresolved(stack.region)) {
    const partition = RegionInfo.get(stack.region).partition ?? 'aws';
    return { region: stack.region, domain: CONSOLE_DOMAINS[partition] ?? CONSOLE_DOMAINS.aws };
  }
  const domain: BoundedValue = { value: `console domain of ${stack.node.path}`, maxChars: MAX_DOMAIN_CHARS, produce: () => partitionDomain(stack) };
  return { region: { value: Aws.REGION, maxChars: MAX_REGION_CHARS }, domain };
}

/** The console domain of a stack whose partition is known only at deploy time (one token per stack, kept on the stack). */
function partitionDomain(stack: Stack): string {
  return stateOf(stack, 'consoleLinks.partitionDomain', () => partitionCondition(stack));
}

function partitionCondition(stack: Stack): string {
  const isPartition = (id: string, partition: string) => (stack.node.tryFindChild(id) as CfnCondition | undefined)
    ?? new CfnCondition(stack, id, { expression: Fn.conditionEquals(Aws.PARTITION, partition) });
  const cn = isPartition('CdkObservedPartitionIsAwsCn', 'aws-cn');
  const gov = isPartition('CdkObservedPartitionIsAwsUsGov', 'aws-us-gov');
  return Token.asString(Fn.conditionIf(cn.logicalId, CONSOLE_DOMAINS['aws-cn'],
    Fn.conditionIf(gov.logicalId, CONSOLE_DOMAINS['aws-us-gov'], CONSOLE_DOMAINS.aws)));
}

/**
 * A string escaped the way the CloudWatch console's URL state is (JSURL): every character other
 * than letters, digits, `_`, `-` and `.` becomes `*` and two hex digits, `$` becomes `!`.
 */
export function consoleEscape(text: string): string {
  return text.replace(/[^\w.-]/g, ch => ch === '$' ? '!'
    : ch.charCodeAt(0) < 0x100 ? `*${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : `**${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Literal pieces escaped with `escape`, deploy-time values as they are (they need no escaping). */
function escaped(parts: readonly LinkPart[], escape: (s: string) => string): LinkPart[] {
  return parts.map(p => typeof p === 'string' ? escape(p) : p);
}

/** The query without the spaces around pipes and after commas (outside string literals): the same query, shorter in a URL. */
export function compactQuery(query: string): string {
  return query.split(/("(?:[^"\\]|\\.)*")/).map((piece, i) => i % 2 === 1 ? piece
    : piece.replace(/\s*\|\s*/g, '|').replace(/,\s+/g, ',')).join('');
}

/** A CloudWatch Logs Insights link: `query` on one log group over the last `seconds`. */
export function logsInsightsLink(scope: IConstruct, logGroupName: readonly LinkPart[], query: string, seconds: number): LinkPart[] {
  const { region, domain } = consoleOf(scope);
  return [
    'https://', domain, '/cloudwatch/home?region=', region,
    `#logsV2:logs-insights$3FqueryDetail$3D~(end~0~start~-${seconds}~timeType~'RELATIVE~unit~'seconds~editorString~'`,
    consoleEscape(compactQuery(query)), '~source~(~\'', ...escaped(logGroupName, consoleEscape), '))',
  ];
}

/** An X-Ray link: the traces of one service (a function's name) over the last `hours` (at most 6). */
export function tracesLink(scope: IConstruct, service: readonly LinkPart[], hours: number): LinkPart[] {
  const { region, domain } = consoleOf(scope);
  return [
    'https://', domain, '/xray/home?region=', region, '#/traces?filter=service(%22',
    ...escaped(service, encodeURIComponent), `%22)&timeRange=PT${Math.min(6, Math.max(1, hours))}H`,
  ];
}

/** A CloudWatch metrics link: a search for the metrics of one resource, `{namespace,dimension names} values`. */
export function metricsLink(scope: IConstruct, namespace: string, dimensions: { readonly [name: string]: readonly LinkPart[] }): LinkPart[] {
  const { region, domain } = consoleOf(scope);
  const names = Object.keys(dimensions);
  const values = names.flatMap(n => [consoleEscape(' '), ...escaped(dimensions[n], consoleEscape)]);
  return [
    'https://', domain, '/cloudwatch/home?region=', region, '#metricsV2:graph=~();query=~\'',
    consoleEscape(`{${[namespace, ...names].join(',')}}`), ...values,
  ];
}
