import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmNotifications, AlarmPlacement, AlarmPlacementMode, ObservedDefaults, ObservedFunction } from '../../src';
import { MINIMAL, synth, testStack } from '../helpers';
import { acknowledgements, nagFindings } from '../nag';

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

describe('every alarm has an action (AWS Control Tower CT.CLOUDWATCH.PR.1)', () => {
  test('with no topic anywhere, every alarm notifies the stack\'s default topic, created once: TLS only, acknowledged unencrypted', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'A', MINIMAL);
    new ObservedFunction(stack, 'B', MINIMAL);
    const template = synth(stack);
    const topics = template.findResources('AWS::SNS::Topic');
    expect(Object.keys(topics)).toEqual([expect.stringMatching(/^ObservedAlarmsTopic/)]);
    expect(Object.values(topics)[0].Properties.KmsMasterKeyId).toBeUndefined();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
    const actions = actionsOf(stack) as any[];
    expect(actions.length).toBeGreaterThan(10);
    for (const [alarm, ok] of actions) {
      expect(alarm).toEqual([{ Ref: expect.stringMatching(/^ObservedAlarmsTopic/) }]);
      expect(ok).toEqual(alarm);
    }
    expect(AlarmNotifications.defaultTopic(stack)).toBe(stack.node.findChild('ObservedAlarmsTopic'));
    expect(nagFindings(stack)).toEqual([]);
    expect(acknowledgements(stack, 81, 'TestStack/ObservedAlarmsTopic')).toEqual(['AwsSolutions-SNS2 TestStack/ObservedAlarmsTopic']);
  });

  test('paging and non-paging topics: failures page, warnings of a limit ahead do not', () => {
    const stack = testStack();
    AlarmNotifications.sendTo(stack, new sns.Topic(stack, 'Pager'));
    AlarmNotifications.sendNonPagingTo(stack, new sns.Topic(stack, 'Tickets'));
    new ObservedFunction(stack, 'Fn', MINIMAL);
    const byName = Object.fromEntries(Object.values(synth(stack).findResources('AWS::CloudWatch::Alarm'))
      .map(a => [a.Properties.AlarmName.split('/').pop(), a.Properties.AlarmActions[0].Ref.replace(/[0-9A-F]{8}$/, '')]));
    expect(byName).toEqual({
      ErrorRate: 'Pager',
      Throttles: 'Pager',
      Timeouts: 'Pager',
      RecursiveInvocationsDropped: 'Pager',
      FailureQueueMessages: 'Pager',
      DestinationDeliveryFailures: 'Pager',
      DurationNearTimeout: 'Tickets',
      MemoryNearLimit: 'Tickets',
    });
  });

  test('only a non-paging topic: every alarm notifies it; no default topic is created', () => {
    const stack = testStack();
    AlarmNotifications.sendNonPagingTo(stack, new sns.Topic(stack, 'Tickets'));
    new ObservedFunction(stack, 'Fn', MINIMAL);
    for (const [alarm] of actionsOf(stack) as any[]) expect(alarm).toEqual([{ Ref: expect.stringMatching(/^Tickets/) }]);
    synth(stack).resourceCountIs('AWS::SNS::Topic', 1);
  });

  test('alarms placed in nested stacks notify the one default topic of the top-level stack', () => {
    const app = new App();
    AlarmPlacement.configure(app, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 2 });
    const stack = new Stack(app, 'Svc', { env: { account: '123456789012', region: 'us-east-1' } });
    new ObservedFunction(stack, 'Fn', MINIMAL);
    const nested = stack.node.findAll().filter(NestedStack.isNestedStack);
    expect(nested.length).toBeGreaterThan(0);
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Topic', 1);
    for (const n of nested) {
      const template = Template.fromStack(n);
      template.resourceCountIs('AWS::SNS::Topic', 0);
      for (const a of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
        expect(a.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/ObservedAlarmsTopic/) }]);
      }
    }
  });

  test('the default topic is encrypted with the ObservedDefaults key, whose policy lets CloudWatch alarms use it in this account', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    ObservedDefaults.configure(stack, { encryptionKey: key });
    new ObservedFunction(stack, 'Fn', MINIMAL);
    const template = synth(stack);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
        })]),
      },
    });
    expect(acknowledgements(stack, 81, 'TestStack/ObservedAlarmsTopic')).toEqual([]);
  });
});
