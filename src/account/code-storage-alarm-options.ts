import { AlarmOptions } from '../core/alarm-options';

/**
 * Changes to the default alarms of a CodeStorageMonitor. Each option's name carries the unit of
 * its `threshold`. The alarms evaluate periods as long as the monitor's `schedule` (one poll per
 * period), so `period` is best left alone.
 */
export interface CodeStorageAlarmOptions {
  /**
   * Code storage in use as a share of the account's limit (GetAccountSettings), in percent.
   *
   * @default - on: >= 80 percent in 1 poll
   */
  readonly codeStorageUsedPercent?: AlarmOptions;

  /**
   * Successful polls per period, as a count (polls that published the storage metric). A poll
   * that keeps failing, a poller that is never invoked and a deleted schedule all leave the
   * metric missing, and missing data breaches.
   *
   * @default - on: < 1 poll in each of 3 consecutive periods
   */
  readonly successfulPolls?: AlarmOptions;

  /**
   * Failed invocations of the poller function, as a count (errors left after the retries: an
   * API call denied or failing, a version cleanup that failed).
   *
   * @default - on: > 0 in 2 of 2 periods
   */
  readonly pollerErrors?: AlarmOptions;
}
