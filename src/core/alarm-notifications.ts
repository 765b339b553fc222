import { Aspects, Resource, Stack, Token } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { differentEnv, envOf } from './environment';
import { invalidProp } from './errors';

const TOPICS = new WeakMap<IConstruct, ITopic>();

/**
 * Where the alarms of observed constructs send their notifications.
 *
 * Call it once for an app or a stack; the nearest scope wins, and a construct's own
 * `alarmTopic` prop wins over both. It may be called before or after the constructs are
 * created. Alarms notify on ALARM and on the return to OK.
 */
export class AlarmNotifications {
  /**
   * Send the alarms of every observed construct under `scope` to `topic`.
   */
  public static sendTo(scope: IConstruct, topic: ITopic): void {
    TOPICS.set(scope, topic);
  }

  private constructor() {}
}

/** The topic the nearest scope was given, if any. */
export function nearestTopic(construct: IConstruct): ITopic | undefined {
  for (let scope: IConstruct | undefined = construct; scope; scope = scope.node.scope) {
    const topic = TOPICS.get(scope);
    if (topic) return topic;
  }
  return undefined;
}

/**
 * The one place alarm actions come from: the construct's own topic if it has one, else the
 * nearest `AlarmNotifications.sendTo` scope (resolved at synth, so call order does not matter).
 */
export function attachNotifications(alarm: Alarm, ownTopic: ITopic | undefined, owner: IConstruct = alarm): void {
  if (ownTopic) {
    checkTopicEnvironment(alarm, ownTopic, owner, 'alarmTopic');
    addTopic(alarm, ownTopic);
    return;
  }
  Aspects.of(alarm).add({
    visit(node: IConstruct) {
      if (node !== alarm) return;
      // looked up from the owner: the alarm itself may live in a nested or a monitoring stack
      const topic = nearestTopic(owner);
      const throughHealth = (NOTIFIES_THROUGH_HEALTH.get(owner.node.root) ?? []).some(covers => covers(owner));
      if (topic && !throughHealth) {
        checkTopicEnvironment(alarm, topic, owner, 'AlarmNotifications.sendTo topic');
        addTopic(alarm, topic);
      }
    },
  });
}

/**
 * Scopes whose alarms notify through a service-health alarm instead of one by one (their
 * `sendTo` topic goes to the composite alarm). Registered by the service-health construct.
 */
const NOTIFIES_THROUGH_HEALTH = new WeakMap<IConstruct, Array<(owner: IConstruct) => boolean>>();

/** Alarms of owners (in the app of `scope`) for which `covers` is true get no `sendTo` actions of their own. */
export function notifyThroughHealth(scope: IConstruct, covers: (owner: IConstruct) => boolean): void {
  const root = scope.node.root;
  const list = NOTIFIES_THROUGH_HEALTH.get(root) ?? [];
  list.push(covers);
  NOTIFIES_THROUGH_HEALTH.set(root, list);
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
  invalidProp(owner, prop, `${topic.node.path} in ${topic.env.account}/${topic.env.region}`,
    `allowed is a topic in the account and region of the alarm (${envOf(alarm)})`,
    'CloudWatch alarms notify topics of their own region, and a topic created in another environment cannot be referenced. Create the topic there, or import it with sns.Topic.fromTopicArn.');
}

function addTopic(alarm: Alarm, topic: ITopic): void {
  const action = new SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
}
