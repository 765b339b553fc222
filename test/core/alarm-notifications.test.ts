import { App, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmNotifications, ObservedFunction } from '../../src';
import { MINIMAL, synth, testStack } from '../helpers';

function actionsOf(stack: Stack): unknown[] {
  return Object.values(synth(stack).findResources('AWS::CloudWatch::Alarm')).map(a => [a.Properties.AlarmActions, a.Properties.OKActions]);
}

describe('alarm actions come from one place', () => {
  test("the construct's alarmTopic gets ALARM and OK notifications of every alarm", () => {
    const stack = testStack();
    const topic = new sns.Topic(stack, 'Own');
    new ObservedFunction(stack, 'Fn', { ...MINIMAL, alarmTopic: topic });
    for (const [alarm, ok] of actionsOf(stack) as any[]) {
      expect(alarm).toEqual([{ Ref: expect.stringMatching(/^Own/) }]);
      expect(ok).toEqual(alarm);
    }
  });

  test('AlarmNotifications.sendTo applies to constructs created before and after it; the nearest scope wins', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const appTopic = new sns.Topic(stack, 'AppTopic');
    const before = new ObservedFunction(stack, 'Before', MINIMAL);
    AlarmNotifications.sendTo(app, appTopic);
    const nested = new Stack(app, 'Other');
    const nearTopic = new sns.Topic(nested, 'NearTopic');
    AlarmNotifications.sendTo(nested, nearTopic);
    new ObservedFunction(nested, 'After', MINIMAL);
    const inS = Object.values(synth(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(inS).toHaveLength(before.alarms.length);
    for (const a of inS) expect(a.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AppTopic/) }]);
    for (const a of Object.values(synth(nested).findResources('AWS::CloudWatch::Alarm'))) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^NearTopic/) }]);
    }
  });

  test("the construct's own topic wins over the scope's", () => {
    const stack = testStack();
    AlarmNotifications.sendTo(stack, new sns.Topic(stack, 'StackTopic'));
    new ObservedFunction(stack, 'Fn', { ...MINIMAL, alarmTopic: new sns.Topic(stack, 'Own') });
    for (const [alarm] of actionsOf(stack) as any[]) expect(alarm).toEqual([{ Ref: expect.stringMatching(/^Own/) }]);
  });
});
