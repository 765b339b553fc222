import { App, CfnWaitConditionHandle, Stack, Token } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as fc from 'fast-check';
import { functionProps, functionSpec, FunctionSpec, makeFunction } from './function';
import { AlarmNotifications, AlarmPlacement, AlarmPlacementMode, ObservedDashboard, ObservedQueue, ServiceHealth } from '../../../src';
import { FuzzCase } from '../case';
import { ENV } from '../run';
import { constructId, maybe, num, Num, numberIn } from '../values';

/** Where a topic or a monitoring stack lives, relative to the observed constructs. */
type Where = 'same' | 'otherStack' | 'otherRegion' | 'otherAccount';
const where = fc.constantFrom<Where>('same', 'otherStack', 'otherRegion', 'otherAccount');

function stackAt(stack: Stack, w: Where, id: string): Stack {
  if (w === 'same') return stack;
  const app = stack.node.root as App;
  const env = w === 'otherRegion' ? { ...ENV, region: 'eu-west-1' } : w === 'otherAccount' ? { ...ENV, account: '210987654321' } : ENV;
  const existing = app.node.tryFindChild(id) as Stack | undefined;
  if (existing) return existing;
  const created = new Stack(app, id, { env });
  // a stack without resources is not a template CloudFormation accepts
  new CfnWaitConditionHandle(created, 'Placeholder');
  return created;
}

interface NotificationSpec {
  readonly topicAt: Where;
  readonly via: 'sendToApp' | 'sendToStack' | 'alarmTopic';
  readonly fn: FunctionSpec;
}

export const notificationCase: fc.Arbitrary<FuzzCase> = fc.record({
  topicAt: where,
  via: fc.constantFrom<NotificationSpec['via']>('sendToApp', 'sendToStack', 'alarmTopic'),
  fn: fc.record({ id: constructId, asyncFailureQueue: fc.constant(false) }),
}).map(spec => ({
  target: 'AlarmNotifications',
  input: spec,
  props: ['topic', 'alarmTopic', 'sendTo'],
  build: (stack: Stack) => {
    const topic = new sns.Topic(stackAt(stack, spec.topicAt, 'TopicStack'), 'Alerts');
    if (spec.via === 'alarmTopic') {
      new ObservedQueue(stack, spec.fn.id, { alarmTopic: topic });
      return;
    }
    AlarmNotifications.sendTo(spec.via === 'sendToApp' ? stack.node.root : stack, topic);
    makeFunction(stack, spec.fn);
  },
}));

interface HealthSpec {
  readonly ids: string[];
  readonly healthId: string;
  readonly healthAt: Where;
  readonly watchStack: boolean;
}

export const serviceHealthCase: fc.Arbitrary<FuzzCase> = fc.record({
  ids: fc.uniqueArray(constructId, { minLength: 1, maxLength: 3 }),
  healthId: constructId,
  healthAt: fc.constantFrom<Where>('same', 'otherStack', 'otherRegion'),
  watchStack: fc.boolean(),
}).map((spec: HealthSpec) => ({
  target: 'ServiceHealth',
  input: spec,
  props: ['watch'],
  build: (stack: Stack) => {
    spec.ids.forEach(id => makeFunction(stack, { id, asyncFailureQueue: false }));
    new ServiceHealth(stackAt(stack, spec.healthAt, 'Monitoring'), `Health${spec.healthId}`, { watch: spec.watchStack ? stack : undefined });
  },
}));

export const dashboardCase: fc.Arbitrary<FuzzCase> = fc.record({
  id: constructId,
  dashboardName: maybe(fc.oneof(
    fc.constantFrom('Orders', 'orders_dash-1', '', 'with space', 'dots.in.name', 'TOKEN'),
    fc.integer({ min: 240, max: 320 }).map(n => 'd'.repeat(n)),
  )),
}).map(spec => ({
  target: 'ObservedDashboard',
  input: spec,
  props: ['dashboardName'],
  build: (stack: Stack) => {
    makeFunction(stack, { id: 'Fn', asyncFailureQueue: false });
    const name = spec.dashboardName === 'TOKEN' ? Token.asString(stack.stackName) : spec.dashboardName;
    new ObservedDashboard(stack, spec.id, { dashboardName: name });
  },
}));

interface PlacementSpec {
  readonly mode?: string;
  readonly monitoringAt?: Where;
  readonly alarmStacks?: Num;
  readonly onStack: boolean;
  readonly fn: FunctionSpec;
}

export const placementCase: fc.Arbitrary<FuzzCase> = fc.record({
  mode: maybe(fc.constantFrom('SAME_STACK', 'NESTED_STACKS', 'MONITORING_STACK', 'bogus')),
  monitoringAt: maybe(where),
  alarmStacks: maybe(numberIn(0, 120)),
  onStack: fc.boolean(),
  fn: functionSpec.map(f => ({ ...f, provisionedConcurrency: undefined })),
}).map((spec: PlacementSpec) => {
  const props = [...functionProps(spec.fn), 'mode'];
  if (spec.monitoringAt !== undefined || spec.mode === 'MONITORING_STACK') props.push('monitoringStack');
  if (spec.alarmStacks !== undefined) props.push('alarmStacks');
  return {
    target: 'AlarmPlacement',
    input: spec,
    props,
    build: (stack: Stack) => {
      AlarmPlacement.configure(spec.onStack ? stack : stack.node.root, {
        mode: spec.mode as AlarmPlacementMode | undefined,
        monitoringStack: spec.monitoringAt && stackAt(stack, spec.monitoringAt, 'Monitoring'),
        alarmStacks: num(stack, spec.alarmStacks),
      });
      makeFunction(stack, spec.fn);
    },
  };
});
