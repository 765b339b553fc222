import { CfnParameter, CfnResource, NestedStack, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { AlarmPlacement, AlarmPlacementMode, placementOf } from './alarm-placement';
import { differentEnv, envOf } from '../core/environment';
import { invalidProp } from '../core/errors';

/** What one owner's alarms will add to the stack that holds them (estimated before they exist). */
export interface AlarmPlan {
  /** Alarms plus the metric filters created for them. */
  readonly resources: number;
  /** Distinct values from other stacks the alarms refer to (each is a parameter of a nested stack). */
  readonly references: number;
  /** Template bytes, estimated. */
  readonly bytes: number;
}

/**
 * How full the library fills a nested alarm stack: below CloudFormation's limits (500 resources,
 * 200 parameters, 1 MB), with room for the estimate being off.
 */
export const NESTED_FILL = { resources: 400, parameters: 150, bytes: 700_000 };
/** AUTO keeps alarms local only while the stack, counting them, stays this far below 500. */
export const LOCAL_HEADROOM = 100;

interface NestedAlarmStack {
  readonly stack: NestedStack;
  resources: number;
  parameters: number;
  bytes: number;
}

interface HostState {
  /** Alarm resources placed in the stack itself. */
  local: number;
  /** Once a stack's alarms went to nested stacks, later ones do too (they are kept together). */
  overflowed: boolean;
  readonly nested: NestedAlarmStack[];
}

const HOSTS = new WeakMap<Stack, HostState>();
const CHECKED = new WeakSet<Stack>();

/**
 * The scope the alarms of `owner` are created in: the owner itself when they stay in its stack,
 * else a construct named after the owner in a nested stack or in the monitoring stack. Decided
 * once per owner, when its alarms are built, from the stack's resources so far.
 */
export function alarmScope(owner: Construct, plan: AlarmPlan): Construct {
  const placement = placementOf(owner);
  const home = Stack.of(owner);
  const target = placement.mode === AlarmPlacementMode.MONITORING_STACK ? placement.monitoringStack! : home;
  if (target !== home && differentEnv(home, target)) {
    invalidProp(owner, 'AlarmPlacement monitoringStack', `${target.node.path} in ${envOf(target)}`,
      `allowed is a stack in the account and region of ${home.node.path} (${envOf(home)})`,
      'Alarms watch the metrics of their own account and region; configure a monitoring stack per environment.');
  }
  const state = hostState(target);
  verifyAtSynth(target);

  if (placement.mode === AlarmPlacementMode.SAME_STACK) return local(owner, target, state, plan);
  if (placement.mode !== AlarmPlacementMode.NESTED_STACKS && !state.overflowed) {
    const ownBudget = target === home ? placement.maxAlarmResourcesInStack : AlarmPlacement.STACK_RESOURCE_LIMIT;
    const fits = state.local + plan.resources <= ownBudget
      && resourceCount(target) + plan.resources <= AlarmPlacement.STACK_RESOURCE_LIMIT - LOCAL_HEADROOM;
    if (fits) return local(owner, target, state, plan);
  }
  state.overflowed = true;
  const nested = nestedWithRoom(target, state, plan);
  nested.resources += plan.resources;
  nested.parameters += plan.references;
  nested.bytes += plan.bytes;
  return container(nested.stack, owner, home !== target);
}

function local(owner: Construct, target: Stack, state: HostState, plan: AlarmPlan): Construct {
  state.local += plan.resources;
  return target === Stack.of(owner) ? owner : container(target, owner, true);
}

function hostState(stack: Stack): HostState {
  let state = HOSTS.get(stack);
  if (!state) HOSTS.set(stack, state = { local: 0, overflowed: false, nested: [] });
  return state;
}

/** The last nested alarm stack if the plan fits in it, else a new one. */
function nestedWithRoom(target: Stack, state: HostState, plan: AlarmPlan): NestedAlarmStack {
  const last = state.nested[state.nested.length - 1];
  // the SNS topic of the alarm actions is one more parameter per nested stack
  if (last && last.resources + plan.resources <= NESTED_FILL.resources
    && last.parameters + plan.references <= NESTED_FILL.parameters
    && last.bytes + plan.bytes <= NESTED_FILL.bytes) {
    return last;
  }
  const stack = new NestedStack(target, `ObservedAlarms${state.nested.length + 1}`, {
    description: `Alarms of ${target.node.path} (cdk-observed: nested so that every template stays within CloudFormation's limits)`,
  });
  verifyAtSynth(stack);
  const created = { stack, resources: 0, parameters: 1, bytes: 2_000 };
  state.nested.push(created);
  return created;
}

/** One construct per owner in the stack that holds its alarms, named after the owner's path. */
function container(stack: Stack, owner: IConstruct, withStackName: boolean): Construct {
  const home = Stack.of(owner);
  const relative = owner.node.path.slice(home.node.path.length).replace(/^\//, '');
  const id = (withStackName ? `${home.node.path}/${relative}` : relative).replace(/\//g, '.');
  return (stack.node.tryFindChild(id) as Construct | undefined) ?? new Construct(stack, id);
}

/** Resources in the stack's own template (a nested stack counts as its one AWS::CloudFormation::Stack). */
export function resourceCount(stack: Stack): number {
  let count = 0;
  const visit = (scope: IConstruct): void => {
    for (const child of scope.node.children) {
      if (Stack.isStack(child)) continue;
      if (CfnResource.isCfnResource(child)) count++;
      visit(child);
    }
  };
  visit(stack);
  return count;
}

function parameterCount(stack: Stack): number {
  let count = 0;
  const visit = (scope: IConstruct): void => {
    for (const child of scope.node.children) {
      if (Stack.isStack(child)) continue;
      if (child instanceof CfnParameter) count++;
      visit(child);
    }
  };
  visit(stack);
  return count;
}

/**
 * Checks, after the app is prepared (references have become parameters), that a stack holding
 * the library's alarms is within CloudFormation's resource and parameter limits, and fails the
 * synth with the stack, the counts and the fix otherwise.
 */
function verifyAtSynth(stack: Stack): void {
  if (CHECKED.has(stack)) return;
  CHECKED.add(stack);
  stack.node.addValidation({
    validate: () => {
      const errors: string[] = [];
      const resources = resourceCount(stack);
      if (resources > AlarmPlacement.STACK_RESOURCE_LIMIT) {
        const alarms = HOSTS.get(stack)?.local ?? 0;
        const own = resources - alarms;
        const fix = own <= AlarmPlacement.STACK_RESOURCE_LIMIT - 10
          ? `${alarms} of them are alarms of observed constructs and the metric filters that feed them: call AlarmPlacement.configure(scope, { mode: AlarmPlacementMode.NESTED_STACKS }) (or give a lower maxAlarmResourcesInStack) before creating the constructs.`
          : `${own} of them are not alarms (the alarms went to nested stacks where they could), so moving alarms cannot make room: split the stack, or create fewer resources per construct (e.g. asyncFailureQueue: false for functions that are only invoked synchronously or by event source mappings).`;
        errors.push(`${stack.node.path}: the template has ${resources} resources; CloudFormation allows ${AlarmPlacement.STACK_RESOURCE_LIMIT}. ${fix}`);
      }
      if (stack.nested) {
        const parameters = parameterCount(stack);
        if (parameters > AlarmPlacement.STACK_PARAMETER_LIMIT) {
          errors.push(`${stack.node.path}: the nested stack has ${parameters} parameters (one per value it references in its parent); CloudFormation allows ${AlarmPlacement.STACK_PARAMETER_LIMIT}. Fewer observed constructs per stack, or AlarmPlacementMode.MONITORING_STACK, keep it within the limit.`);
        }
      }
      return errors;
    },
  });
}
