import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ObservedQueue } from '../../src';
import { alarmName } from '../../src/core/alarm-naming';
import { synth, testStack } from '../helpers';
import { resolveValue } from '../support/cfn-values';

describe('alarm names', () => {
  test('stack name, path in the stack, alarm id', () => {
    const stack = new Stack(new App(), 'Orders', { stackName: 'orders-prod' });
    const api = new Construct(new Construct(stack, 'Api'), 'Handler');
    expect(alarmName(api, 'ErrorRate')).toBe('orders-prod/Api/Handler/ErrorRate');
  });

  test('names over 255 characters keep their tail and a hash, and stay unique', () => {
    const stack = new Stack(new App(), 'S');
    let scope: Construct = stack;
    for (let i = 0; i < 30; i++) scope = new Construct(scope, `Level${i}WithALongName`);
    const a = alarmName(scope, 'ErrorRate');
    const b = alarmName(scope, 'Throttles');
    expect(a.length).toBe(255);
    expect(a.endsWith('Level29WithALongName/ErrorRate')).toBe(true);
    expect(a.slice(0, 8)).not.toBe(b.slice(0, 8));
  });
});

describe('alarm descriptions', () => {
  test('stay within CloudWatch\'s 1024 characters under a very deep path, keeping the tail of the path', () => {
    const stack = testStack();
    let scope: Construct = stack;
    for (let i = 0; i < 60; i++) scope = new Construct(scope, `Level${i}WithAVeryLongConstructName`);
    new ObservedQueue(scope, 'Jobs');
    const template = synth(stack).toJSON();
    const alarms = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::CloudWatch::Alarm');
    const refs = Object.fromEntries(Object.keys(template.Resources).map(id => [id, 'q'.repeat(80)]));
    for (const alarm of alarms) {
      const text = resolveValue(alarm.Properties.AlarmDescription, template.Conditions ?? {}, { region: 'us-east-1', partition: 'aws', refs });
      expect(text.length).toBeLessThanOrEqual(1024);
      // the path keeps its tail and leaves room for the metrics link
      expect(text).toMatch(/ Source: \.\.\.[^ ]*Level59WithAVeryLongConstructName\/Jobs\.\nMetrics: https:/);
    }
  });
});
