import { CfnResource } from 'aws-cdk-lib';
import { relation } from '../app-index';
import { T } from '../resource-types';
import { asArray, member, partsIn, prop, readJson, stringValue } from '../values';
import { functionOf, functionOfParts } from './functions';
import { targetOf } from './names';

/** An SNS subscription of a function. */
export interface TopicSubscription {
  readonly topic: CfnResource;
  /** The subscription resource (or the topic, for inline subscriptions). */
  readonly via: CfnResource;
}

/** The SNS topics a function is subscribed to. */
export const subscriptionsOf = relation<TopicSubscription>((index, add) => {
  for (const sub of index.ofType(T.subscription)) {
    if (stringValue(sub, prop(sub, 'Protocol')) !== 'lambda') continue;
    const topic = targetOf(index, sub, prop(sub, 'TopicArn'), T.topic, /^arn:[^:]*:sns:[^:]*:[^:]*:(.+)$/);
    if (topic) add(functionOf(index, sub, prop(sub, 'Endpoint')), { topic, via: sub });
  }
  for (const topic of index.ofType(T.topic)) {
    for (const s of asArray(readJson(topic, prop(topic, 'Subscription')))) {
      if (member(s, 'Protocol') !== 'lambda') continue;
      add(functionOfParts(index, partsIn(member(s, 'Endpoint'))), { topic, via: topic });
    }
  }
});
