import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AlarmPlacement, AlarmPlacementMode, ObservedFunction, ObservedQueue } from '../../src';
import { AdoptAlarms } from '../../src/monitoring/adopt-alarms';
import { ObservedDashboard } from '../../src/monitoring/observed-dashboard';
import { ServiceHealth } from '../../src/monitoring/service-health';
import { MINIMAL } from '../helpers';
import { nagFindings } from '../nag';

describe('cdk-nag on what issue 8 adds', () => {
  test('nested alarm stacks, the service-health alarm, the dashboard and adopted alarms add no finding', () => {
    const app = new App();
    const stack = new Stack(app, 'Big', { env: { account: '123456789012', region: 'us-east-1' } });
    AlarmPlacement.configure(stack, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: 2 });
    new ServiceHealth(stack, 'Health');
    new ObservedDashboard(stack, 'Dashboard');
    for (let i = 0; i < 8; i++) {
      const fn = new ObservedFunction(stack, `Fn${i}`, { ...MINIMAL, asyncFailureQueue: false });
      fn.consumeQueue(new ObservedQueue(stack, `Queue${i}`));
    }
    AdoptAlarms.applyTo(app);
    new lambda.Function(stack, 'Plain', MINIMAL);
    new sqs.Queue(stack, 'PlainQueue', { enforceSSL: true });
    app.synth();
    const nested = stack.node.children.filter(c => Stack.isStack(c)) as Stack[];
    expect(nested.length).toBeGreaterThan(0);
    for (const n of nested) expect(nagFindings(n)).toEqual([]);
    // findings on the stack come only from the plain resources the user wrote, not from ours
    expect(nagFindings(stack).filter(f => !/\/Plain/.test(f))).toEqual([]);
  });
});
