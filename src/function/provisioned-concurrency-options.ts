/**
 * Provisioned concurrency for an ObservedFunction: the construct publishes a version, points an
 * alias at it with this many pre-initialized environments, and makes the alias what its wiring
 * (`consumeQueue`, `consumeTableStream`, `consumeBucket`, API routes) invokes.
 */
export interface ProvisionedConcurrencyOptions {
  /**
   * Pre-initialized execution environments (the minimum, when `maxExecutions` is set).
   */
  readonly executions: number;

  /**
   * Scale provisioned concurrency with Application Auto Scaling between `executions` and this,
   * tracking `utilizationTargetPercent`.
   *
   * @default - fixed at `executions`
   */
  readonly maxExecutions?: number;

  /**
   * The utilization that auto scaling keeps, in percent (10-90).
   *
   * @default 70
   */
  readonly utilizationTargetPercent?: number;

  /**
   * The name of the alias.
   *
   * @default 'live'
   */
  readonly aliasName?: string;
}
