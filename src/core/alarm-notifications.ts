import { Aspects } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';

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
function nearestTopic(construct: IConstruct): ITopic | undefined {
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
export function attachNotifications(alarm: Alarm, ownTopic: ITopic | undefined): void {
  if (ownTopic) {
    addTopic(alarm, ownTopic);
    return;
  }
  Aspects.of(alarm).add({
    visit(node: IConstruct) {
      if (node !== alarm) return;
      const topic = nearestTopic(alarm);
      if (topic) addTopic(alarm, topic);
    },
  });
}

function addTopic(alarm: Alarm, topic: ITopic): void {
  const action = new SnsAction(topic);
  alarm.addAlarmAction(action);
  alarm.addOkAction(action);
}
