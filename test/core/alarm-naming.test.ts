import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { alarmName } from '../../src/core/alarm-naming';

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
