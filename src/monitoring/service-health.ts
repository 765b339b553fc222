import { AspectPriority, Aspects, Lazy, Stack } from 'aws-cdk-lib';
import { AlarmRule, CfnAlarm, CompositeAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { adoptPending } from './adopt-alarms';
import { alarmName } from '../core/alarm-naming';
import { attachHealthNotifications, notifyThroughHealth } from '../core/alarm-notifications';
import { AlarmRecord, alarmsUnder } from '../core/alarm-registry';
import { differentEnv, envOf } from '../core/environment';
import { ObservedErrorCode } from '../core/error-codes';
import { invalidProp } from '../core/errors';

/** CloudWatch: the rule of a composite alarm may name at most 100 alarms ... */
const COMPOSITE_MAX_CHILDREN = 100;
/** ... and be at most 10,240 characters long. */
const COMPOSITE_MAX_RULE_LENGTH = 10_240;

/** Props of a ServiceHealth alarm. */
export interface ServiceHealthProps {
  /**
   * Whose critical alarms it combines (every observed construct under this scope).
   *
   * @default - the whole app
   */
  readonly watch?: IConstruct;

  /**
   * Where the service-health alarm notifies, on ALARM and on OK.
   *
   * @default - the topic given to `AlarmNotifications.sendTo()` for the nearest enclosing scope of this construct, else the `sendNonPagingTo()` one, else the stack's `AlarmNotifications.defaultTopic()`
   */
  readonly topic?: ITopic;
}

/**
 * One alarm for a whole service: a composite alarm that is in ALARM while any critical alarm of
 * the observed constructs it watches is (errors, throttles, timeouts, lost messages and events,
 * blocked consumers, 5XX). It pages: the `AlarmNotifications.sendTo()` topic goes here instead of
 * to each watched alarm, and the watched alarms notify the non-paging topic
 * (`AlarmNotifications.sendNonPagingTo()`, else the stack's default topic), so the responder sees
 * which one fired (an alarm whose construct was given its own `alarmTopic` keeps it).
 *
 * CloudWatch allows 100 alarms and 10,240 characters in a composite rule; beyond that the alarms
 * are grouped into composite alarms under this one. Alarms are named in the rule (not referenced),
 * so alarms in other stacks cost no exports or parameters; the stack of this construct depends on
 * theirs so that they exist first.
 */
export class ServiceHealth extends Construct {
  /** CloudWatch's maximum number of alarms named in one composite alarm rule. */
  public static readonly MAX_ALARMS_PER_RULE = COMPOSITE_MAX_CHILDREN;

  /** CloudWatch's maximum length of a composite alarm rule, in characters. */
  public static readonly MAX_RULE_LENGTH = COMPOSITE_MAX_RULE_LENGTH;

  /** The service-health alarm: add actions here. */
  public readonly alarm: CompositeAlarm;

  private readonly watched: IConstruct;
  private rule = 'FALSE';
  private children: AlarmRecord[] = [];

  constructor(scope: Construct, id: string, props: ServiceHealthProps = {}) {
    super(scope, id);
    this.watched = props.watch ?? this.node.root;
    const watchedPath = this.watched.node.path;
    const covers = (owner: IConstruct) => watchedPath === '' || owner.node.path === watchedPath || owner.node.path.startsWith(`${watchedPath}/`);
    notifyThroughHealth(this, covers);

    this.alarm = new CompositeAlarm(this, 'Alarm', {
      compositeAlarmName: alarmName(this, 'ServiceHealth'),
      alarmDescription: Lazy.string({ produce: () => `Service health of ${watchedPath || 'the app'}: in ALARM while any of its ${this.children.length} critical alarms is (cdk-observed).` }),
      alarmRule: AlarmRule.fromString(Lazy.string({ produce: () => this.rule })),
    });
    attachHealthNotifications(this.alarm, props.topic, this);

    // the critical alarms are known once every construct exists, including alarms that
    // aspects (AdoptAlarms) add: collect them late
    Aspects.of(this).add({ visit: node => { if (node === this) this.combine(); } }, { priority: AspectPriority.DEFAULT + 100 });
  }

  /** The critical alarms this service-health alarm combines (known when the app is synthesized). */
  public get criticalAlarmCount(): number {
    return this.children.length;
  }

  private combine(): void {
    if (this.children.length > 0) return;
    adoptPending(this.watched);
    this.children = alarmsUnder(this.watched).filter(r => r.critical);
    if (this.children.length === 0) return;
    const elsewhere = this.children.find(r => differentEnv(r.alarm, this));
    if (elsewhere) {
      invalidProp(ObservedErrorCode.CROSS_ENVIRONMENT, this, 'watch', `${this.watched.node.path || 'the app'}, with alarms in ${envOf(elsewhere.alarm)} (${elsewhere.alarm.node.path})`,
        `allowed are constructs whose alarms are in the account and region of the service-health alarm (${envOf(this)})`,
        'A composite alarm can only name alarms of its own account and region: create one ServiceHealth per environment, each watching its own stacks.');
    }
    const terms = this.children.map(r => `ALARM("${nameOf(r)}")`);
    this.rule = groupRule(this, terms, 0);
    // the children must exist before a rule names them: one dependency per stack that holds
    // some (CDK turns it into a stack or nested-stack dependency)
    const seen = new Set<Stack>();
    for (const r of this.children) {
      const stack = Stack.of(r.alarm);
      if (seen.has(stack)) continue;
      seen.add(stack);
      this.node.addDependency(r.alarm);
    }
  }
}

function nameOf(record: AlarmRecord): string {
  const name = (record.alarm.node.defaultChild as CfnAlarm).alarmName;
  return name ?? alarmName(record.owner, record.entry.id);
}

/**
 * `a OR b OR ...` when it fits CloudWatch's limits; else the terms are split into groups, each a
 * composite alarm of its own, and the rule names the groups (recursively).
 */
export function groupRule(health: ServiceHealth, terms: string[], level: number): string {
  const groups = packTerms(terms);
  if (groups.length === 1) return groups[0].join(' OR ');
  const groupTerms = groups.map((members, i) => {
    const id = `Group${level + 1}.${i + 1}`;
    const name = alarmName(health, `ServiceHealth/${id}`);
    const group = new CompositeAlarm(health, id, {
      compositeAlarmName: name,
      alarmDescription: `Part ${i + 1} of ${groups.length} of the service-health alarm ${health.alarm.node.path} (CloudWatch allows ${COMPOSITE_MAX_CHILDREN} alarms per rule).`,
      alarmRule: AlarmRule.fromString(members.join(' OR ')),
    });
    health.alarm.node.addDependency(group);
    return `ALARM("${name}")`;
  });
  return groupRule(health, groupTerms, level + 1);
}

/** Consecutive groups of terms, each within the child-count and rule-length limits. */
export function packTerms(terms: string[]): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const term of terms) {
    const added = (current.length > 0 ? 4 : 0) + term.length;
    if (current.length > 0 && (current.length + 1 > COMPOSITE_MAX_CHILDREN || length + added > COMPOSITE_MAX_RULE_LENGTH)) {
      groups.push(current);
      current = [];
      length = 0;
    }
    current.push(term);
    length += current.length > 1 ? added : term.length;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
