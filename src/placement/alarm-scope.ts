import { NestedStack, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { AlarmPlacementMode, placementOf, ResolvedPlacement } from './alarm-placement';
import { alarmStackOf } from './rendezvous';
import { checkLimitsAtSynth } from './stack-limits';
import { differentEnv, envOf } from '../core/environment';
import { ObservedErrorCode } from '../core/error-codes';
import { invalidProp } from '../core/errors';

/** Where the alarms of one owner are created. */
export interface AlarmHome {
  /** The construct the alarms (and the metric filters that feed them) are created in. */
  readonly scope: Construct;
  /**
   * Where they live when that is not beside their owner (`ObservedAlarms3`, `Monitoring`,
   * `Monitoring/ObservedAlarms2`): part of the alarm names, so that an alarm whose placement was
   * changed on purpose is created under a name that the stack it leaves does not hold.
   */
  readonly livesIn?: string;
}

/** The id of nested alarm stack number `n` in the stack that holds it. */
export function alarmStackId(n: number): string {
  return `ObservedAlarms${n}`;
}

/**
 * Where the alarms of `owner` live: a pure function of the owner's construct path and the
 * placement configured for it. Nothing else in the stack or the app, nor the order constructs
 * were created in, changes the answer.
 */
export function alarmHome(owner: Construct): AlarmHome {
  const placement = placementOf(owner);
  const home = Stack.of(owner);
  const holder = placement.mode === AlarmPlacementMode.MONITORING_STACK ? placement.monitoringStack! : home;
  if (holder !== home && differentEnv(home, holder)) {
    invalidProp(ObservedErrorCode.CROSS_ENVIRONMENT, owner, 'AlarmPlacement monitoringStack', `${holder.node.path} in ${envOf(holder)}`,
      `allowed is a stack in the account and region of ${home.node.path} (${envOf(home)})`,
      'Alarms watch the metrics of their own account and region; configure a monitoring stack per environment.');
  }
  checkLimitsAtSynth(home, placement, false);
  checkLimitsAtSynth(holder, placement, false);
  if (placement.alarmStacks === 0) {
    if (holder === home) return { scope: owner };
    return { scope: container(holder, owner), livesIn: holder.stackName };
  }
  const nested = nestedAlarmStack(holder, alarmStackOf(owner.node.path, placement.alarmStacks), placement);
  return {
    scope: container(nested, owner),
    livesIn: holder === home ? nested.node.id : `${holder.stackName}/${nested.node.id}`,
  };
}

/** Nested alarm stack number `n` of `holder`, created the first time an owner hashes to it. */
function nestedAlarmStack(holder: Stack, n: number, placement: ResolvedPlacement): NestedStack {
  const id = alarmStackId(n);
  const existing = holder.node.tryFindChild(id);
  if (existing) return existing as NestedStack;
  const stack = new NestedStack(holder, id, {
    description: `Alarms of ${holder.node.path}, stack ${n} of ${placement.alarmStacks} (cdk-observed: each observed construct's alarms live in the stack its construct path hashes to)`,
  });
  checkLimitsAtSynth(stack, placement, true);
  return stack;
}

/** One construct per owner in the stack that holds its alarms, named after the owner's path. */
function container(stack: Stack, owner: IConstruct): Construct {
  const home = Stack.of(owner);
  const relative = owner.node.path.slice(home.node.path.length).replace(/^\//, '');
  const inOwnStack = stack === home || stack.nestedStackParent === home;
  const id = (inOwnStack ? relative : `${home.node.path}/${relative}`).replace(/\//g, '.');
  return (stack.node.tryFindChild(id) as Construct | undefined) ?? new Construct(stack, id);
}
