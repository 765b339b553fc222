import { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { AppIndex, memo, relation } from '../app-index';
import { DYNAMODB_READ_ACTIONS, DYNAMODB_WRITE_ACTIONS } from '../dynamodb-actions';
import { RuleResult } from '../engine';
import { coveredAction, grantsOn, Statement } from '../iam';
import { apiIntegrationsOf } from '../index/apis';
import { bucketNotificationsOf } from '../index/buckets';
import { eventSourcesOf } from '../index/event-sources';
import { functionOfParts, roleOf } from '../index/functions';
import { literalArn } from '../index/names';
import { roleStatements } from '../index/roles';
import { subscriptionsOf } from '../index/topics';
import { T } from '../resource-types';
import { listOf } from '../text';
import { asArray, isRef, member, numberValue, partsIn, prop, readJson, stringValue } from '../values';

/** The item reads and writes that consume a table's capacity. */
const DATA_ACTIONS = [...DYNAMODB_READ_ACTIONS, ...DYNAMODB_WRITE_ACTIONS];

/** One provisioned capacity of a table: the table's or an index's, read or write. */
interface Capacity {
  /** `undefined` for the table itself. */
  readonly index?: string;
  readonly kind: 'Read' | 'Write';
  readonly units: number;
}

/**
 * A DynamoDB table in provisioned mode whose read or write capacity, or a global secondary
 * index's, is fixed: no Application Auto Scaling target scales it. Requests beyond the provisioned
 * units a second (after burst capacity, at most 300 seconds of unused capacity) are throttled. aws-cdk-lib's `dynamodb.Table` is provisioned at 5 read and 5 write
 * units unless `billingMode` says otherwise, so this is the default of every table that states no
 * billing mode. Judged only when something whose rate follows outside traffic may read or write
 * the table (a function fed by an event source mapping, an API, an SNS topic or S3 notifications,
 * or a role API Gateway assumes): a table only a schedule writes is left alone. Global tables
 * (AWS::DynamoDB::GlobalTable, `TableV2`, `ObservedTable`) always scale their writes; their fixed
 * read capacities are judged. A warning: the traffic is not in the template. Capacities that are
 * tokens are not judged. Reported on the table.
 */
export function FixedTableCapacity(node: CfnResource, index: AppIndex): RuleResult {
  const global = node.cfnResourceType === T.globalTable;
  if ((node.cfnResourceType !== T.table && !global) || index.isCdkInternal(node)) return NagRuleCompliance.NOT_APPLICABLE;
  if (stringValue(node, prop(node, 'BillingMode')) === 'PAY_PER_REQUEST') return NagRuleCompliance.NOT_APPLICABLE;
  const capacities = global ? fixedReplicaReads(node) : capacitiesOf(node);
  if (capacities.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  // a global table scales inline (ReadCapacityAutoScalingSettings), never by a scalable target
  const scaled = global ? new Set<string>() : scaledDimensions(index, node);
  const fixed = capacities.filter(c => !scaled.has(dimension(c)));
  if (fixed.length === 0) return NagRuleCompliance.COMPLIANT;
  const drivers = trafficDrivers(index, node);
  if (drivers.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const described = fixed.map(c => `${c.index ? `index ${c.index} ` : ''}${c.kind.toLowerCase()} ${c.units} ${c.kind === 'Read' ? 'RCU' : 'WCU'}`);
  return [{
    location: global ? 'Properties/Replicas' : 'Properties/ProvisionedThroughput',
    message: `Table ${index.name(node)} is provisioned with fixed capacity (${listOf(described, 6)}) and no auto scaling, `
      + `and ${listOf(drivers, 3)} may read or write it at the rate of their traffic. `
      + 'Requests beyond the provisioned units a second are throttled once burst capacity (at most 5 minutes of unused capacity) is spent: '
      + 'a traffic peak, a backfill or a consumer scaling out fails with ProvisionedThroughputExceededException, and the SDK\'s retries add to the load. '
      + 'Use on-demand capacity (billingMode: PAY_PER_REQUEST), or scale the capacity (autoScaleReadCapacity / autoScaleWriteCapacity with scaleOnUtilization) '
      + 'and alarm on throttles; acknowledge this rule where the load is known to stay within the fixed capacity.',
  }];
}

/** The key of a capacity: which index (none for the table) and which kind. */
function dimension(c: Pick<Capacity, 'index' | 'kind'>): string {
  return `${c.index ?? ''}|${c.kind}`;
}

/**
 * A global table's fixed read capacities (`ReadCapacityUnits` of a replica or of a replica's index;
 * its writes always scale): one per table or index, the largest of its replicas'.
 */
function fixedReplicaReads(node: CfnResource): Capacity[] {
  const byIndex = new Map<string | undefined, number>();
  const add = (settings: unknown, indexName?: string) => {
    const units = numberValue(node, member(settings, 'ReadCapacityUnits'));
    if (units !== undefined) byIndex.set(indexName, Math.max(units, byIndex.get(indexName) ?? 0));
  };
  for (const replica of asArray(readJson(node, prop(node, 'Replicas')))) {
    add(member(replica, 'ReadProvisionedThroughputSettings'));
    for (const gsi of asArray(member(replica, 'GlobalSecondaryIndexes'))) {
      const name = member(gsi, 'IndexName');
      if (typeof name === 'string') add(member(gsi, 'ReadProvisionedThroughputSettings'), name);
    }
  }
  return [...byIndex].map(([indexName, units]) => ({ index: indexName, kind: 'Read' as const, units }));
}

function capacitiesOf(node: CfnResource): Capacity[] {
  const out: Capacity[] = [];
  const add = (throughput: unknown, indexName?: string) => {
    for (const kind of ['Read', 'Write'] as const) {
      const units = numberValue(node, member(throughput, `${kind}CapacityUnits`));
      if (units !== undefined) out.push({ index: indexName, kind, units });
    }
  };
  add(readJson(node, prop(node, 'ProvisionedThroughput')));
  for (const gsi of asArray(readJson(node, prop(node, 'GlobalSecondaryIndexes')))) {
    const name = member(gsi, 'IndexName');
    if (typeof name === 'string') add(member(gsi, 'ProvisionedThroughput'), name);
  }
  return out;
}

/**
 * The capacities of `table` that a scalable target scales: its ResourceId is `table/<table>` or
 * `table/<table>/index/<index>` (the table by reference, or by its literal name).
 */
function scaledDimensions(index: AppIndex, table: CfnResource): Set<string> {
  const tableName = stringValue(table, prop(table, 'TableName'));
  const out = new Set<string>();
  for (const target of index.ofType(T.scalableTarget)) {
    if (stringValue(target, prop(target, 'ServiceNamespace')) !== 'dynamodb') continue;
    const m = /^dynamodb:(table|index):(Read|Write)CapacityUnits$/.exec(stringValue(target, prop(target, 'ScalableDimension')) ?? '');
    if (!m) continue;
    const id = partsIn(readJson(target, prop(target, 'ResourceId')));
    const rest = resourceIdRest(id, table, tableName);
    if (rest === undefined) continue;
    const indexName = /^\/index\/(.+)$/.exec(rest)?.[1];
    const kind = m[2] as Capacity['kind'];
    if (m[1] === 'table' && rest === '') out.add(dimension({ kind }));
    if (m[1] === 'index' && indexName) out.add(dimension({ index: indexName, kind }));
  }
  return out;
}

/** What follows `table/<table>` in a ResourceId naming `table`; undefined when it names another. */
function resourceIdRest(id: ReturnType<typeof partsIn>, table: CfnResource, tableName: string | undefined): string | undefined {
  const [head, ref, ...tail] = id;
  if (head === 'table/' && isRef(ref) && ref.resource === table && tail.every(p => typeof p === 'string')) return tail.join('');
  if (id.length === 1 && typeof head === 'string' && tableName && head.startsWith(`table/${tableName}`)) {
    const rest = head.slice(`table/${tableName}`.length);
    return rest === '' || rest.startsWith('/') ? rest : undefined;
  }
  return undefined;
}

/** A role whose use follows outside traffic, with its statements about DynamoDB item actions. */
interface Driver {
  /** For messages: `function <path> (invoked by ...)`, `API Gateway (role <path>)`. */
  readonly label: string;
  readonly statements: readonly Statement[];
}

/**
 * Who may read or write DynamoDB items at the rate of outside traffic, once per app: functions
 * with an event source mapping, an EventBridge event pattern, an API integration, an SNS
 * subscription or S3 notifications, and roles that API Gateway assumes (service integrations),
 * each with the statements of its role that name an item action (Allow and Deny).
 */
const trafficDriversOfApp = memo((index: AppIndex, _: void): Driver[] => {
  const out: Driver[] = [];
  const add = (role: CfnResource | undefined, label: string) => {
    const statements = role ? roleStatements(index, role).filter(st => coveredAction(st, DATA_ACTIONS) !== undefined) : [];
    if (statements.length > 0) out.push({ label, statements });
  };
  for (const fn of index.ofType(T.function)) {
    const fedBy = index.isCdkInternal(fn) ? undefined : invokedBy(index, fn);
    if (fedBy) add(roleOf(index, fn), `function ${index.name(fn)} (invoked by ${fedBy})`);
  }
  for (const role of index.ofType(T.role)) {
    if (assumedByApiGateway(role)) add(role, `API Gateway (role ${index.name(role)})`);
  }
  return out;
});

/**
 * The traffic drivers that may concern each table, once per app, as `matchResource` can match
 * them: those with a statement resource that starts with a reference to the table, and (under
 * `undefined`) those with `*` or a literal ARN, which may cover any table. `grantsOn` judges them.
 */
const candidatesByTable = memo((index: AppIndex, _: void): Map<CfnResource | undefined, Driver[]> => {
  const out = new Map<CfnResource | undefined, Driver[]>();
  for (const driver of trafficDriversOfApp(index)) {
    const keys = new Set<CfnResource | undefined>();
    for (const [first, ...rest] of driver.statements.flatMap(st => st.resources)) {
      if (isRef(first)) keys.add(first.resource);
      else if (rest.length === 0 && typeof first === 'string' && (first === '*' || first.startsWith('arn:'))) keys.add(undefined);
    }
    for (const key of keys) out.set(key, [...(out.get(key) ?? []), driver]);
  }
  return out;
});

/** The traffic drivers of the app (see above) allowed an item action on `table`. */
function trafficDrivers(index: AppIndex, table: CfnResource): string[] {
  const literal = literalArn(table);
  const candidates = candidatesByTable(index);
  return [...new Set([...candidates.get(table) ?? [], ...candidates.get(undefined) ?? []])]
    .filter(d => grantsOn(d.statements, DATA_ACTIONS, table, literal).length > 0)
    .map(d => d.label);
}

/** The EventBridge rules with an event pattern that invoke a function (scheduled rules are left out: their rate is fixed). */
const patternRulesOf = relation<CfnResource>((index, add) => {
  for (const rule of index.ofType(T.eventRule)) {
    if (prop(rule, 'ScheduleExpression') !== undefined || prop(rule, 'EventPattern') === undefined) continue;
    for (const target of asArray(readJson(rule, prop(rule, 'Targets')))) add(functionOfParts(index, partsIn(member(target, 'Arn'))), rule);
  }
});

/** What invokes a function at the rate of outside traffic, for messages; undefined when nothing in the app does. */
function invokedBy(index: AppIndex, fn: CfnResource): string | undefined {
  if (eventSourcesOf(index, fn).length > 0) return 'an event source';
  if (patternRulesOf(index, fn).length > 0) return 'EventBridge events';
  if (apiIntegrationsOf(index, fn).length > 0) return 'an API';
  if (subscriptionsOf(index, fn).length > 0) return 'an SNS topic';
  if (bucketNotificationsOf(index, fn).length > 0) return 'S3 notifications';
  return undefined;
}

function assumedByApiGateway(role: CfnResource): boolean {
  const statements = asArray(member(readJson(role, prop(role, 'AssumeRolePolicyDocument')), 'Statement'));
  return statements.some(st => {
    const service = member(member(st, 'Principal'), 'Service');
    return (Array.isArray(service) ? service : [service]).some(p => typeof p === 'string' && p.startsWith('apigateway.'));
  });
}
