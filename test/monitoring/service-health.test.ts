import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmNotifications, AlarmPlacement, AlarmPlacementMode, ObservedFunction, ObservedQueue } from '../../src';
import { packTerms, ServiceHealth } from '../../src/monitoring/service-health';
import { alarmStackOf } from '../../src/placement/rendezvous';

const COMPOSITE_MAX_CHILDREN = ServiceHealth.MAX_ALARMS_PER_RULE;
const COMPOSITE_MAX_RULE_LENGTH = ServiceHealth.MAX_RULE_LENGTH;
import { MINIMAL } from '../helpers';

const ENV = { account: '123456789012', region: 'us-east-1' };

function composites(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::CompositeAlarm'));
}

describe('ServiceHealth', () => {
  test('its rule is OR over exactly the critical alarms; warnings stay out', () => {
    const app = new App();
    const stack = new Stack(app, 'Orders', { env: ENV });
    const health = new ServiceHealth(stack, 'Health');
    const fn = new ObservedFunction(stack, 'Handler', { ...MINIMAL, asyncFailureQueue: false });
    fn.consumeQueue(new ObservedQueue(stack, 'Jobs'));
    const [top] = composites(stack);
    expect(top.Properties.AlarmName).toBe('Orders/Health/ServiceHealth');
    expect(top.Properties.AlarmRule).toBe([
      'Orders/Handler/ErrorRate', 'Orders/Handler/Throttles', 'Orders/Handler/Timeouts', 'Orders/Handler/RecursiveInvocationsDropped',
      'Orders/Jobs/Backpressure', 'Orders/Jobs/BacklogGrowing', 'Orders/Jobs/StuckConsumer', 'Orders/Jobs/DeadLetterQueueMessages',
    ].map(n => `ALARM("${n}")`).join(' OR '));
    expect(top.Properties.AlarmRule).not.toMatch(/DurationNearTimeout|MemoryNearLimit/);
    expect(health.criticalAlarmCount).toBe(8);
    expect(top.DependsOn.length).toBeGreaterThan(0);
  });

  test('the sendTo topic pages through the service-health alarm; watched alarms notify the non-paging topic (else the default one) unless their construct has its own topic', () => {
    const app = new App();
    const stack = new Stack(app, 'Svc', { env: ENV });
    const alerts = new sns.Topic(stack, 'Alerts');
    const own = new sns.Topic(stack, 'Own');
    new ServiceHealth(stack, 'Health');
    AlarmNotifications.sendTo(app, alerts); // after the health alarm: resolved at synth
    new ObservedFunction(stack, 'Plain', MINIMAL);
    new ObservedFunction(stack, 'Paged', { ...MINIMAL, alarmTopic: own });
    const template = Template.fromStack(stack);
    const [top] = composites(stack);
    expect(top.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
    expect(top.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[];
    const plain = alarms.filter(a => a.Properties.AlarmName.startsWith('Svc/Plain/'));
    const paged = alarms.filter(a => a.Properties.AlarmName.startsWith('Svc/Paged/'));
    expect(plain.length).toBeGreaterThan(0);
    for (const a of plain) expect(a.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^ObservedAlarmsTopic/) }]);
    for (const a of paged) expect(a.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Own/) }]);
  });

  test('with a non-paging topic, the watched alarms notify it, and only the service-health alarm pages', () => {
    const app = new App();
    const stack = new Stack(app, 'Svc', { env: ENV });
    AlarmNotifications.sendTo(stack, new sns.Topic(stack, 'Pager'));
    AlarmNotifications.sendNonPagingTo(stack, new sns.Topic(stack, 'Tickets'));
    new ServiceHealth(stack, 'Health');
    new ObservedFunction(stack, 'Fn', MINIMAL);
    const template = Template.fromStack(stack);
    const [top] = composites(stack);
    expect(top.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Pager/) }]);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[];
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Tickets/) }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^Tickets/) }]);
    }
    template.resourceCountIs('AWS::SNS::Topic', 2);
  });

  test('a watch scope limits it to the constructs under that scope', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: ENV });
    const b = new Stack(app, 'B', { env: ENV });
    new ObservedFunction(a, 'Fn', MINIMAL);
    new ObservedFunction(b, 'Fn', MINIMAL);
    new ServiceHealth(a, 'Health', { watch: a });
    const [top] = composites(a);
    expect(top.Properties.AlarmRule).toContain('ALARM("A/Fn/ErrorRate")');
    expect(top.Properties.AlarmRule).not.toContain('B/');
  });

  test('with more critical alarms than one rule may name, they are grouped into composite alarms within the limits', () => {
    const app = new App();
    const monitoring = new Stack(app, 'Monitoring', { env: ENV });
    new ServiceHealth(monitoring, 'Health');
    for (let s = 0; s < 2; s++) {
      const stack = new Stack(app, `Service${s}`, { env: ENV });
      for (let i = 0; i < 20; i++) {
        const fn = new ObservedFunction(stack, `Function${i}`, { ...MINIMAL, asyncFailureQueue: false });
        fn.consumeQueue(new ObservedQueue(stack, `Queue${i}`));
      }
    }
    // 40 pairs x 8 critical alarms = 320 children: 4 groups under the top alarm
    const all = composites(monitoring);
    const top = all.find(c => c.Properties.AlarmName === 'Monitoring/Health/ServiceHealth');
    const groups = all.filter(c => c !== top);
    expect(groups).toHaveLength(4);
    expect(top.Properties.AlarmRule).toBe(groups.map(g => `ALARM("${g.Properties.AlarmName}")`).join(' OR '));
    let children = 0;
    for (const g of groups) {
      const n = g.Properties.AlarmRule.split(' OR ').length;
      expect(n).toBeLessThanOrEqual(COMPOSITE_MAX_CHILDREN);
      expect(g.Properties.AlarmRule.length).toBeLessThanOrEqual(COMPOSITE_MAX_RULE_LENGTH);
      children += n;
    }
    expect(children).toBe(320);
    // alarms in other stacks are named, not referenced: no imports, and the stacks are ordered
    expect(JSON.stringify(top)).not.toContain('Fn::ImportValue');
    expect(monitoring.dependencies.map(d => d.stackName).sort()).toEqual(['Service0', 'Service1']);
  });

  test('alarms in nested alarm stacks of its own stack are named, and the composite waits for those stacks', () => {
    const app = new App();
    const stack = new Stack(app, 'Big', { env: ENV });
    AlarmPlacement.configure(stack, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 2 });
    new ServiceHealth(stack, 'Health');
    for (let i = 0; i < 8; i++) {
      const fn = new ObservedFunction(stack, `Fn${i}`, { ...MINIMAL, asyncFailureQueue: false });
      fn.consumeQueue(new ObservedQueue(stack, `Queue${i}`));
    }
    const template = Template.fromStack(stack);
    const [top] = composites(stack);
    expect(top.Properties.AlarmRule).toContain(`ALARM("Big/Fn7/ErrorRate@ObservedAlarms${alarmStackOf('Big/Fn7', 2)}")`);
    expect(top.Properties.AlarmRule.split(' OR ')).toHaveLength(8 * 8);
    const nestedIds = Object.keys(template.findResources('AWS::CloudFormation::Stack'));
    expect(nestedIds.length).toBeGreaterThan(0);
    expect(top.DependsOn).toEqual(expect.arrayContaining(nestedIds));
  });

  test('groups respect the rule length for long alarm names', () => {
    const terms = Array.from({ length: 90 }, (_, i) => `ALARM("${'x'.repeat(240)}${i}")`);
    const groups = packTerms(terms);
    expect(groups.length).toBeGreaterThan(1);
    for (const g of groups) expect(g.join(' OR ').length).toBeLessThanOrEqual(COMPOSITE_MAX_RULE_LENGTH);
    expect(groups.flat()).toEqual(terms);
  });

  test('with no critical alarm the rule is FALSE (a valid rule that never fires)', () => {
    const app = new App();
    const stack = new Stack(app, 'Empty', { env: ENV });
    new ServiceHealth(stack, 'Health');
    expect(composites(stack)[0].Properties.AlarmRule).toBe('FALSE');
  });
});
