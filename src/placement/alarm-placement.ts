import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { alarmsUnder } from '../core/alarm-registry';
import { differentEnv, envOf } from '../core/environment';
import { ObservedErrorCode } from '../core/error-codes';
import { checkInteger, checkRange, codedError, invalidProp } from '../core/errors';
import { nearestState, setState } from '../core/tree-state';

/** Where the alarms of observed constructs live. */
export enum AlarmPlacementMode {
  /**
   * Beside the resource they watch, in the owner's stack. When that stack passes CloudFormation's
   * limits (500 resources, 1 MB) the synth fails, naming the stack, the counts and the fix; alarms
   * are never moved to make room.
   */
  SAME_STACK = 'SAME_STACK',
  /**
   * In `alarmStacks` nested stacks of the owner's stack (`ObservedAlarms1` ...): each owner's
   * alarms go to the one its construct path hashes to, whatever else is in the stack.
   */
  NESTED_STACKS = 'NESTED_STACKS',
  /**
   * In `monitoringStack`; with `alarmStacks`, in that many nested stacks of it, by the same hash.
   */
  MONITORING_STACK = 'MONITORING_STACK',
}

/** Options of `AlarmPlacement.configure`. */
export interface AlarmPlacementOptions {
  /**
   * Where alarms live.
   *
   * @default AlarmPlacementMode.SAME_STACK
   */
  readonly mode?: AlarmPlacementMode;

  /**
   * The stack that holds the alarms with `AlarmPlacementMode.MONITORING_STACK`. It must be in the
   * same account and region as the observed constructs (its alarms reference them).
   *
   * @default - required with MONITORING_STACK, ignored otherwise
   */
  readonly monitoringStack?: Stack;

  /**
   * How many nested alarm stacks share the alarms (1-100). An owner's alarms go to the nested
   * stack its construct path hashes to (rendezvous hashing), so adding, removing or reordering
   * other constructs never moves them. Changing this number moves only the owners whose hash
   * picks another stack (about 1 in N+1 when raising N to N+1), under new alarm names, so the
   * change deploys. Give it room: a nested stack holds at most 500 resources and 200 parameters.
   *
   * @default - required with NESTED_STACKS; with MONITORING_STACK the alarms live in the monitoring stack itself
   */
  readonly alarmStacks?: number;
}

/** The placement that applies to a construct, resolved. */
export interface ResolvedPlacement {
  readonly mode: AlarmPlacementMode;
  readonly monitoringStack?: Stack;
  /** Nested alarm stacks; 0: none, the alarms live in the holding stack itself. */
  readonly alarmStacks: number;
  /** The scope `configure` was called on (for error messages). */
  readonly configuredOn?: IConstruct;
}

/** The placement `configure` set on a scope (state on the construct: see core/tree-state.ts). */
const CONFIGURED = 'alarmPlacement';

/**
 * The one place where an app says where the alarms of observed constructs live. Without a call,
 * alarms live beside the resources they watch (SAME_STACK), and a stack that would pass
 * CloudFormation's limits fails the synth with the fix.
 *
 * Where an owner's alarms live is a pure function of the owner's construct path and of this
 * configuration: never of construction order or of what else is in the stack. The nearest
 * configured scope (an app, a stack, a construct) wins. Configure a scope before creating
 * observed constructs in it.
 */
export class AlarmPlacement {
  /** CloudFormation's maximum number of resources in one stack. */
  public static readonly STACK_RESOURCE_LIMIT = 500;

  /** CloudFormation's maximum template size in bytes (uploaded through S3). */
  public static readonly TEMPLATE_BYTES_LIMIT = 1_000_000;

  /** CloudFormation's maximum number of parameters in one stack (each reference from a nested stack to its parent is one). */
  public static readonly STACK_PARAMETER_LIMIT = 200;

  /** The largest `alarmStacks`. */
  public static readonly MAX_ALARM_STACKS = 100;

  /**
   * Say where the alarms of the observed constructs under `scope` live.
   */
  public static configure(scope: IConstruct, options: AlarmPlacementOptions): void {
    const mode = options.mode ?? AlarmPlacementMode.SAME_STACK;
    const where = `AlarmPlacement.configure(${scope.node.path || 'app'})`;
    if (!Object.values(AlarmPlacementMode).includes(mode)) {
      invalidProp(ObservedErrorCode.UNSUPPORTED_VALUE, where, 'mode', `'${mode}'`, `allowed are ${Object.values(AlarmPlacementMode).join(', ')} (AlarmPlacementMode)`);
    }
    if (mode === AlarmPlacementMode.MONITORING_STACK && !options.monitoringStack) {
      invalidProp(ObservedErrorCode.MISSING_PROP, where, 'mode', 'MONITORING_STACK', 'allowed only with monitoringStack set (the stack the alarms live in)');
    }
    const stacks = options.alarmStacks;
    if (stacks === undefined && mode === AlarmPlacementMode.NESTED_STACKS) {
      invalidProp(ObservedErrorCode.MISSING_PROP, where, 'mode', 'NESTED_STACKS', `allowed only with alarmStacks set (how many nested stacks share the alarms, 1-${AlarmPlacement.MAX_ALARM_STACKS})`);
    }
    if (stacks !== undefined) {
      if (mode === AlarmPlacementMode.SAME_STACK) {
        invalidProp(ObservedErrorCode.CONFLICTING_PROPS, where, 'alarmStacks', stacks, 'it applies to NESTED_STACKS and MONITORING_STACK only', 'Set mode: AlarmPlacementMode.NESTED_STACKS to use nested alarm stacks.');
      }
      checkInteger(where, 'alarmStacks', stacks);
      checkRange(where, 'alarmStacks', stacks, 1, AlarmPlacement.MAX_ALARM_STACKS);
    }
    const home = Stack.isStack(scope) ? scope : scope.node.scopes.find(s => Stack.isStack(s)) as Stack | undefined;
    if (mode === AlarmPlacementMode.MONITORING_STACK && home && differentEnv(home, options.monitoringStack!)) {
      invalidProp(ObservedErrorCode.CROSS_ENVIRONMENT, where, 'monitoringStack', `${options.monitoringStack!.node.path} in ${envOf(options.monitoringStack!)}`,
        `allowed is a stack in the account and region of ${home.node.path} (${envOf(home)}): alarms watch the metrics of their own account and region`);
    }
    const existing = alarmsUnder(scope);
    if (existing.length > 0) {
      throw codedError(ObservedErrorCode.PLACEMENT_AFTER_ALARMS, `${where}: ${existing.length} alarms under this scope already exist (the first is ${existing[0].alarm.node.path}). Alarms are placed when they are created; call AlarmPlacement.configure before creating observed constructs.`, scope);
    }
    setState<ResolvedPlacement>(scope, CONFIGURED, { mode, monitoringStack: options.monitoringStack, alarmStacks: stacks ?? 0, configuredOn: scope });
  }

  private constructor() {}
}

/** The placement of the nearest configured scope, else SAME_STACK. */
export function placementOf(construct: IConstruct): ResolvedPlacement {
  return nearestState<ResolvedPlacement>(construct, CONFIGURED) ?? { mode: AlarmPlacementMode.SAME_STACK, alarmStacks: 0 };
}
