import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { AlarmEntry } from './alarm-catalog';

/**
 * Alarm kinds that say "users are failing now" (lost work, rejected or erroring requests, a loop
 * or a blocked consumer). Every other kind warns that a limit is near (duration against the
 * timeout, memory, capacity, quotas) or reports cost; those stay visible but do not page through
 * the service-health alarm. Keyed by the catalog entry's id.
 */
const CRITICAL_IDS = new Set([
  // function
  'ErrorRate', 'Throttles', 'Timeouts', 'RecursiveInvocationsDropped', 'AsyncEventsDropped', 'FailureQueueMessages',
  'DestinationDeliveryFailures', 'DeadLetterErrors',
  // queue
  'Backpressure', 'BacklogGrowing', 'StuckConsumer', 'DeadLetterQueueMessages',
  // table and its stream consumers
  'ReadThrottleEvents', 'WriteThrottleEvents', 'ThrottledRequests', 'SystemErrors', 'OnDemandMaxThroughputThrottleEvents',
  'IteratorAge', 'FailedRecords',
  // APIs (and functions with an availability objective): the slow burn is a ticket, not a page
  'ServerErrorRate', 'ErrorBudgetFastBurn',
]);

/** Whether alarms of this catalog entry page through the service-health alarm. */
export function isCritical(entry: AlarmEntry): boolean {
  return CRITICAL_IDS.has(entry.id);
}

/** One alarm `buildAlarms` made: which construct owns it, from which catalog entry. */
export interface AlarmRecord {
  readonly alarm: Alarm;
  /** The construct whose alarm it is (the alarm itself may live in another stack). */
  readonly owner: IConstruct;
  /** The resource the alarms watch, when it is not the owner. */
  readonly subject?: IConstruct;
  /** The option name of the entry in its catalog (e.g. `errorRatePercent`). */
  readonly key: string;
  readonly entry: AlarmEntry;
  readonly critical: boolean;
  /** Whether the owner was given its own alarm topic (its alarms keep their actions). */
  readonly ownTopic: boolean;
}

/** Records per app (the root of the construct tree), in creation order. */
const RECORDS = new WeakMap<IConstruct, AlarmRecord[]>();
const BY_ALARM = new WeakMap<Alarm, AlarmRecord>();
const OWNERS = new WeakSet<IConstruct>();

/** Called by the alarm builder for every alarm it makes (and by nothing else). */
export function registerAlarm(record: AlarmRecord): void {
  const root = record.owner.node.root;
  let list = RECORDS.get(root);
  if (!list) RECORDS.set(root, list = []);
  list.push(record);
  BY_ALARM.set(record.alarm, record);
  OWNERS.add(record.owner);
  if (record.subject) OWNERS.add(record.subject);
}

/** Whether the builder made alarms for this construct (as their owner or their subject). */
export function hasOwnAlarms(construct: IConstruct): boolean {
  return OWNERS.has(construct);
}

/** Every alarm made under `scope` (by owner: an alarm placed in another stack still counts for its owner's scope). */
export function alarmsUnder(scope: IConstruct): AlarmRecord[] {
  const all = RECORDS.get(scope.node.root) ?? [];
  if (scope === scope.node.root) return [...all];
  const prefix = `${scope.node.path}/`;
  return all.filter(r => r.owner.node.path === scope.node.path || r.owner.node.path.startsWith(prefix));
}

/** The record of one alarm, if the builder made it. */
export function recordOf(alarm: Alarm): AlarmRecord | undefined {
  return BY_ALARM.get(alarm);
}
