import { CfnResource, Duration, Reference, Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AlarmEntry, LOG_DERIVED, LogQuery } from './alarm-catalog';
import { DescriptionLink } from './alarm-description';
import { BoundedValue, LinkPart, logsInsightsLink, metricsLink, tracesLink } from './console-links';
import { generatedNameChars, givenName } from './generated-names';

/** Where an owner's failures can be investigated, besides its metrics. */
export interface AlarmDiagnosis {
  /** The log group the owner writes JSON logs to, as parts that need no escaping in a URL. */
  readonly logGroupName?: readonly LinkPart[];
  /** The query linked from alarms whose catalog entry names none. */
  readonly defaultQuery?: LogQuery;
  /** The X-Ray service name of the owner's traces (a function's name). */
  readonly traceService?: readonly LinkPart[];
  /** Link the resource's metrics before the traces (when the alarms watch another resource than the traced function). */
  readonly metricsBeforeTraces?: boolean;
  /** The queries the dashboard shows for this owner, in order. */
  readonly dashboardQueries?: readonly LogQuery[];
}

/**
 * The most characters of a dimension value that is a reference, per dimension name (the service
 * limits on the names: Lambda function 64, SQS queue 80, DynamoDB table 255, API Gateway stage
 * 128), and the property that names the resource. A reference in any other dimension has no
 * known bound: its alarm gets no metrics link.
 */
const DIMENSION_NAMES: { readonly [dimension: string]: { readonly maxChars: number; readonly property: string } } = {
  FunctionName: { maxChars: 64, property: 'FunctionName' },
  QueueName: { maxChars: 80, property: 'QueueName' },
  TableName: { maxChars: 255, property: 'TableName' },
  Stage: { maxChars: 128, property: 'StageName' },
};

/**
 * The links at the end of an alarm's description, most useful first: the Logs Insights query for
 * the failure over a range that covers the alarm's window (at least the last hour), the X-Ray
 * traces of the function, the metrics of the resource. The description keeps those that fit.
 */
export function alarmLinks(scope: IConstruct, entry: AlarmEntry, window: { evaluationPeriods: number; period: Duration },
  namespace: string | undefined, dimensions: { readonly [name: string]: string }, diagnosis: AlarmDiagnosis | undefined): DescriptionLink[] {
  const links: DescriptionLink[] = [];
  const periodSeconds = window.period.isUnresolved() ? 60 : window.period.toSeconds();
  const seconds = Math.max(3600, Math.ceil(2 * window.evaluationPeriods * periodSeconds / 3600) * 3600);
  const range = `${seconds / 3600} h`;
  const query = entry.logQuery ?? diagnosis?.defaultQuery;
  if (diagnosis?.logGroupName && query) {
    links.push({ label: `Logs (${query.title}, ${range})`, parts: logsInsightsLink(scope, diagnosis.logGroupName, query.query, seconds) });
  }
  const traces: DescriptionLink[] = [];
  if (diagnosis?.traceService) {
    const hours = Math.min(6, seconds / 3600);
    traces.push({ label: `Traces (${hours} h)`, parts: tracesLink(scope, diagnosis.traceService, hours) });
  }
  if (!diagnosis?.metricsBeforeTraces) links.push(...traces);
  const ownNamespace = metricSources(entry).find(s => s.namespace !== LOG_DERIVED)?.namespace ?? namespace;
  // a value the diagnosis knows (a function's name) may have a tighter bound than its dimension
  const known = new Map<string, LinkPart>();
  for (const part of [...diagnosis?.logGroupName ?? [], ...diagnosis?.traceService ?? []]) {
    if (typeof part !== 'string') known.set(part.value, part);
  }
  const values: { [name: string]: LinkPart[] } = {};
  let bounded = true;
  for (const [name, value] of Object.entries(dimensions)) {
    const bound = !Token.isUnresolved(value) ? value : known.get(value) ?? boundOf(name, value);
    if (bound === undefined) bounded = false;
    else values[name] = [bound];
  }
  if (ownNamespace && bounded) links.push({ label: 'Metrics', parts: metricsLink(scope, ownNamespace, values) });
  if (diagnosis?.metricsBeforeTraces) links.push(...traces);
  return links;
}

/** The first AWS namespace among a catalog's entries (for entries whose own metrics are counted from logs). */
export function catalogNamespace(entries: readonly AlarmEntry[]): string | undefined {
  return entries.flatMap(metricSources).find(s => s.namespace !== LOG_DERIVED)?.namespace;
}

function metricSources(entry: AlarmEntry) {
  return entry.math ? Object.values(entry.math.metrics) : entry.metric ? [entry.metric] : [];
}

/**
 * A dimension value that is a reference to a resource's name, with the most characters it can
 * have: the name the resource gives itself, else the name CloudFormation generates for it, within
 * the service's limit.
 */
function boundOf(dimension: string, value: string): BoundedValue | undefined {
  const known = DIMENSION_NAMES[dimension];
  const fragments = Tokenization.reverseString(value);
  if (known === undefined || fragments.length !== 1 || fragments.firstToken === undefined) return undefined;
  const token = fragments.firstToken;
  if (Reference.isReference(token) && CfnResource.isCfnResource(token.target)) {
    const given = givenName(token.target, known.property);
    if (given === undefined) return { value, maxChars: Math.min(known.maxChars, generatedNameChars(token.target)) };
    if (typeof given === 'string') return { value, maxChars: given.length };
  }
  return { value, maxChars: known.maxChars };
}
