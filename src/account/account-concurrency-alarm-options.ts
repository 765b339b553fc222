import { AlarmOptions } from '../core/alarm-options';

/**
 * Changes to the default alarm of an AccountConcurrencyMonitor. The option's name carries the
 * unit of its `threshold`.
 */
export interface AccountConcurrencyAlarmOptions {
  /**
   * ClaimedAccountConcurrency (unreserved concurrent executions plus all reserved and provisioned
   * concurrency) as a share of the account's concurrent executions quota, in percent.
   *
   * @default - on: >= 80 percent in 2 of 3 minutes
   */
  readonly claimedConcurrencyPercentOfQuota?: AlarmOptions;
}
