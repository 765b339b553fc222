import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { alarmsUnder } from '../core/alarm-registry';
import { differentEnv, envOf } from '../core/environment';

/** Where the alarms of observed constructs live. */
export enum AlarmPlacementMode {
  /**
   * In the owner's stack while the stack is small; once its alarms would pass
   * `maxAlarmResourcesInStack` (or the stack would come near 500 resources), every further alarm
   * of that stack goes to nested stacks that stay within CloudFormation's limits.
   */
  AUTO = 'AUTO',
  /** Always in the owner's stack (checked at synth against the 500-resource limit). */
  SAME_STACK = 'SAME_STACK',
  /** Always in nested stacks of the owner's stack. */
  NESTED_STACKS = 'NESTED_STACKS',
  /** In `monitoringStack` (and its nested stacks once it fills up). */
  MONITORING_STACK = 'MONITORING_STACK',
}

/** Options of `AlarmPlacement.configure`. */
export interface AlarmPlacementOptions {
  /**
   * Where alarms live.
   *
   * @default AlarmPlacementMode.AUTO
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
   * With AUTO: how many alarm resources (alarms and the metric filters that feed them) a stack
   * keeps itself before further alarms go to nested stacks. The rest of the 500 resources stays
   * free for the stack's own resources, including those created after the alarms. 0 sends every
   * alarm to nested stacks.
   *
   * @default 50
   */
  readonly maxAlarmResourcesInStack?: number;
}

/** The placement that applies to a construct, resolved. */
export interface ResolvedPlacement {
  readonly mode: AlarmPlacementMode;
  readonly monitoringStack?: Stack;
  readonly maxAlarmResourcesInStack: number;
}

const CONFIGURED = new WeakMap<IConstruct, ResolvedPlacement>();

/**
 * The one place where an app says where the alarms of observed constructs live. Without a call,
 * every scope uses AUTO: alarms stay in small stacks and go to nested stacks in large ones, so
 * that every stack stays within CloudFormation's 500 resources, 200 parameters and 1 MB.
 *
 * The nearest configured scope (an app, a stack, a construct) wins. Alarms are placed when they
 * are created (constructs cannot move later), so configure a scope before creating observed
 * constructs in it.
 */
export class AlarmPlacement {
  /** CloudFormation's maximum number of resources in one stack. */
  public static readonly STACK_RESOURCE_LIMIT = 500;

  /** CloudFormation's maximum template size in bytes (uploaded through S3). */
  public static readonly TEMPLATE_BYTES_LIMIT = 1_000_000;

  /** CloudFormation's maximum number of parameters in one stack (each reference from a nested stack to its parent is one). */
  public static readonly STACK_PARAMETER_LIMIT = 200;

  /** The default of `maxAlarmResourcesInStack`. */
  public static readonly DEFAULT_MAX_ALARM_RESOURCES_IN_STACK = 50;

  /**
   * Say where the alarms of the observed constructs under `scope` live.
   */
  public static configure(scope: IConstruct, options: AlarmPlacementOptions): void {
    const mode = options.mode ?? AlarmPlacementMode.AUTO;
    const max = options.maxAlarmResourcesInStack ?? AlarmPlacement.DEFAULT_MAX_ALARM_RESOURCES_IN_STACK;
    const where = `AlarmPlacement.configure(${scope.node.path || 'app'})`;
    if (!Object.values(AlarmPlacementMode).includes(mode)) {
      throw new Error(`${where}: mode is '${mode}'; allowed are ${Object.values(AlarmPlacementMode).join(', ')} (AlarmPlacementMode).`);
    }
    if (mode === AlarmPlacementMode.MONITORING_STACK && !options.monitoringStack) {
      throw new Error(`${where}: monitoringStack is not set; it is required with mode MONITORING_STACK.`);
    }
    if (!Number.isInteger(max) || max < 0 || max > AlarmPlacement.STACK_RESOURCE_LIMIT) {
      throw new Error(`${where}: maxAlarmResourcesInStack is ${max}; allowed range is 0-${AlarmPlacement.STACK_RESOURCE_LIMIT} (whole number).`);
    }
    const home = Stack.isStack(scope) ? scope : scope.node.scopes.find(s => Stack.isStack(s)) as Stack | undefined;
    if (mode === AlarmPlacementMode.MONITORING_STACK && home && differentEnv(home, options.monitoringStack!)) {
      throw new Error(`${where}: monitoringStack is ${options.monitoringStack!.node.path} in ${envOf(options.monitoringStack!)}; allowed is a stack in the account and region of ${home.node.path} (${envOf(home)}): alarms watch the metrics of their own account and region.`);
    }
    const existing = alarmsUnder(scope);
    if (existing.length > 0) {
      throw new Error(`${where}: ${existing.length} alarms under this scope already exist (the first is ${existing[0].alarm.node.path}). Alarms are placed when they are created; call AlarmPlacement.configure before creating observed constructs.`);
    }
    CONFIGURED.set(scope, { mode, monitoringStack: options.monitoringStack, maxAlarmResourcesInStack: max });
  }

  private constructor() {}
}

/** The placement of the nearest configured scope, else AUTO with the defaults. */
export function placementOf(construct: IConstruct): ResolvedPlacement {
  for (let scope: IConstruct | undefined = construct; scope; scope = scope.node.scope) {
    const configured = CONFIGURED.get(scope);
    if (configured) return configured;
  }
  return { mode: AlarmPlacementMode.AUTO, maxAlarmResourcesInStack: AlarmPlacement.DEFAULT_MAX_ALARM_RESOURCES_IN_STACK };
}
