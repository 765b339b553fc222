import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { AlarmEntry } from './alarm-catalog';
import { AlarmDiagnosis } from './alarm-links';
import { peekState, setState, stateOf } from './tree-state';

/** Whether alarms of this catalog entry page through the service-health alarm. */
export function isCritical(entry: AlarmEntry): boolean {
  return entry.critical === true;
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
  /** Where the owner's failures can be investigated (its log group and queries), if known. */
  readonly diagnosis?: AlarmDiagnosis;
}

/**
 * Records per app, in creation order, on the root of the construct tree; each alarm knows its
 * record and each owner that it has alarms (state on the constructs: see tree-state.ts).
 */
const RECORDS = 'alarmRegistry.records';
const RECORD = 'alarmRegistry.record';
const OWNER = 'alarmRegistry.owner';

/** Called by the alarm builder for every alarm it makes (and by nothing else). */
export function registerAlarm(record: AlarmRecord): void {
  stateOf<AlarmRecord[]>(record.owner.node.root, RECORDS, () => []).push(record);
  setState(record.alarm, RECORD, record);
  setState(record.owner, OWNER, true);
  if (record.subject) setState(record.subject, OWNER, true);
}

/** Whether the builder made alarms for this construct (as their owner or their subject). */
export function hasOwnAlarms(construct: IConstruct): boolean {
  return peekState<boolean>(construct, OWNER) === true;
}

/** Every alarm made under `scope` (by owner: an alarm placed in another stack still counts for its owner's scope). */
export function alarmsUnder(scope: IConstruct): AlarmRecord[] {
  const all = peekState<AlarmRecord[]>(scope.node.root, RECORDS) ?? [];
  if (scope === scope.node.root) return [...all];
  const prefix = `${scope.node.path}/`;
  return all.filter(r => r.owner.node.path === scope.node.path || r.owner.node.path.startsWith(prefix));
}

/** The record of one alarm, if the builder made it. */
export function recordOf(alarm: Alarm): AlarmRecord | undefined {
  return peekState<AlarmRecord>(alarm, RECORD);
}
