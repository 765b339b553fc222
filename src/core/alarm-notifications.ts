import { AspectPriority, Aspects, NestedStack, Resource, Stack, Token, Validations } from 'aws-cdk-lib';
import { Alarm, CompositeAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { checkRunbookUrl } from './alarm-description';
import { differentEnv, envOf } from './environment';
import { ObservedErrorCode } from './error-codes';
import { invalidProp } from './errors';
import { grantToAlarms, keyOfSameRegion, nearestDefaults } from './observed-defaults';
import { nearestState, setState, stateOf } from './tree-state';

/** Per-scope state on the construct tree (see tree-state.ts: two copies of the library share it). */
const PAGING = 'AlarmNotifications.paging';
const NON_PAGING = 'AlarmNotifications.nonPaging';
const WATCHED = 'AlarmNotifications.watchedByServiceHealth';

/** The id of the topic the library creates in a stack whose alarms were given no topic. */
const DEFAULT_TOPIC_ID = 'ObservedAlarmsTopic';
const RUNBOOK = 'AlarmNotifications.runbook';

/**
 * Where the alarms of observed constructs send their notifications, on ALARM and on the return
 * to OK. Every alarm has an action (AWS Control Tower's CT.CLOUDWATCH.PR.1), chosen in this order:
 *
 * 1. the construct's own `alarmTopic` prop;
 * 2. an alarm of a construct a `ServiceHealth` watches: the non-paging topic (the service-health
 *    alarm pages for it);
 * 3. an alarm that says users are failing now (errors, throttles, lost messages, 5XX): the paging
 *    topic, else the non-paging one;
 * 4. an alarm that warns of a limit ahead (duration near the timeout, memory, quotas): the
 *    non-paging topic, else the paging one;
 * 5. with no topic at all: the stack's default topic (`defaultTopic`), which the library creates.
 *
 * The service-health alarm itself notifies its `topic` prop, else the paging topic, else the
 * non-paging one, else the default topic. Topics are looked up from the nearest scope that was
 * given one, when the app is synthesized: call these before or after the constructs are created.
 */
export class AlarmNotifications {
  /**
   * The topic that pages (on-call): alarms that say users are failing now, or the service-health
   * alarm of the constructs a `ServiceHealth` watches.
   */
  public static sendTo(scope: IConstruct, topic: ITopic): void {
    setState(scope, PAGING, topic);
  }

  /**
   * The topic that does not page (a ticket queue, a chat channel): alarms that warn of a limit
   * ahead, and, under a `ServiceHealth`, every alarm it combines (so the responder sees which one
   * fired).
   */
  public static sendNonPagingTo(scope: IConstruct, topic: ITopic): void {
    setState(scope, NON_PAGING, topic);
  }

  /**
   * The topic the library creates in the top-level stack of `scope` for the alarms that were
   * given no topic (created on first use, id `ObservedAlarmsTopic`): TLS only, encrypted with the
   * `ObservedDefaults` key when there is one. Subscribe to it, or give the alarms a topic.
   */
  public static defaultTopic(scope: IConstruct): ITopic {
    const stack = topLevelStack(scope);
    const existing = stack.node.tryFindChild(DEFAULT_TOPIC_ID) as ITopic | undefined;
    if (existing) return existing;
    const defaults = nearestDefaults(stack);
    const key = defaults?.encryptionKey;
    if (key && !defaults?.encryptionKeyPolicyGranted && !grantToAlarms(key)) {
      // ObservedDefaults.configure refuses an imported key unless its policy is stated granted
      throw new Error(`internal: the key policy of ${key.node.path} could not be changed`);
    }
    const topic = new Topic(stack, DEFAULT_TOPIC_ID, {
      displayName: 'cdk-observed alarms',
      enforceSSL: true,
      masterKey: key,
    });
    keyOfSameRegion(topic, 'SNS can encrypt the alarm topic');
    if (!key) {
      Validations.of(topic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason: 'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key (aws/sns): encryption needs a customer managed key, which ObservedDefaults.encryptionKey gives. The notifications carry alarm names, states and metric values, not application data.',
      });
    }
    return topic;
  }

  /**
   * Add the team's runbook URL to the description of every alarm of the observed constructs
   * under `scope` (an app, a stack, or one construct); the nearest scope wins, and an alarm's own
   * `runbookUrl` option wins over both. It may be called before or after the constructs are
   * created.
   *
   * @param url known at synth time, at most 300 characters, no spaces
   */
  public static runbook(scope: IConstruct, url: string): void {
    checkRunbookUrl(scope, 'AlarmNotifications.runbook url', url);
    setState(scope, RUNBOOK, url);
  }

  private constructor() {}
}

/** The runbook URL the nearest scope was given, if any. */
export function nearestRunbook(construct: IConstruct): string | undefined {
  return nearestState<string>(construct, RUNBOOK);
}

/**
 * Gives a builder-made alarm its actions: the owner's own topic now, else the topic its kind and
 * place call for, resolved when the app is synthesized (so call order does not matter).
 */
export function attachNotifications(alarm: Alarm, ownTopic: ITopic | undefined, owner: IConstruct, critical: boolean): void {
  // looked up from the owner: the alarm itself may live in a nested or a monitoring stack
  notify(alarm, ownTopic, owner, 'alarmTopic', owner, (paging, nonPaging) => {
    const watched = watchers(owner.node.root).some(covers => covers(owner));
    return watched ? nonPaging : critical ? paging ?? nonPaging : nonPaging ?? paging;
  });
}

/** Gives a service-health alarm its actions when the app is synthesized (see `AlarmNotifications`). */
export function attachHealthNotifications(alarm: CompositeAlarm, topic: ITopic | undefined, owner: IConstruct = alarm): void {
  notify(alarm, topic, owner, 'topic', alarm, (paging, nonPaging) => paging ?? nonPaging);
}

/**
 * The one way an alarm gets its action: the given topic now; else, at synth, the topic `choose`
 * picks from the paging and non-paging topics nearest `from`, else the stack's default topic.
 * Every topic is checked to be in the alarm's account and region.
 */
function notify(alarm: Alarm | CompositeAlarm, given: ITopic | undefined, owner: IConstruct, givenProp: string, from: IConstruct,
  choose: (paging: ITopic | undefined, nonPaging: ITopic | undefined) => ITopic | undefined): void {
  if (given) {
    checkTopicEnvironment(alarm, given, owner, givenProp);
    addTopic(alarm, given);
    return;
  }
  Aspects.of(alarm).add({
    visit(node: IConstruct) {
      if (node !== alarm) return;
      const paging = nearest(from, PAGING);
      const topic = choose(paging, nearest(from, NON_PAGING));
      if (topic) {
        checkTopicEnvironment(alarm, topic, owner, topic === paging ? 'AlarmNotifications.sendTo topic' : 'AlarmNotifications.sendNonPagingTo topic');
      }
      addTopic(alarm, topic ?? AlarmNotifications.defaultTopic(alarm));
    },
  }, { priority: AspectPriority.MUTATING });
}

/**
 * Owners (in the app of `scope`) for which `covers` is true are watched by a service-health
 * alarm: it pages for them. Registered by the service-health construct.
 */
export function notifyThroughHealth(scope: IConstruct, covers: (owner: IConstruct) => boolean): void {
  watchers(scope.node.root).push(covers);
}

function watchers(root: IConstruct): Array<(owner: IConstruct) => boolean> {
  return stateOf<Array<(owner: IConstruct) => boolean>>(root, WATCHED, () => []);
}

function nearest(construct: IConstruct, key: string): ITopic | undefined {
  return nearestState<ITopic>(construct, key);
}

function topLevelStack(scope: IConstruct): Stack {
  let stack = Stack.of(scope);
  while (NestedStack.isNestedStack(stack) && stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
}

/**
 * An alarm notifies a topic in its own region, and CDK cannot reference a topic created in
 * another account or region: say so before the cross-environment reference fails.
 */
export function checkTopicEnvironment(alarm: IConstruct, topic: ITopic, owner: IConstruct, prop: string): void {
  const alarmStack = Stack.of(alarm);
  const known = (v: string) => !Token.isUnresolved(v);
  const regionDiffers = known(topic.env.region) && known(alarmStack.region) && topic.env.region !== alarmStack.region;
  const ownedElsewhere = Resource.isOwnedResource(topic) && differentEnv(topic, alarm);
  if (!regionDiffers && !ownedElsewhere) return;
  invalidProp(ObservedErrorCode.CROSS_ENVIRONMENT, owner, prop, `${topic.node.path} in ${topic.env.account}/${topic.env.region}`,
    `allowed is a topic in the account and region of the alarm (${envOf(alarm)})`,
    'CloudWatch alarms notify topics of their own region, and a topic created in another environment cannot be referenced. Create the topic there, or import it with sns.Topic.fromTopicArn.');
}

function addTopic(alarm: Alarm | CompositeAlarm, topic: ITopic): void {
  const action = new SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
}
