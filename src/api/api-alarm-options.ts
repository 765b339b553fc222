import { AlarmOptions } from '../core/alarm-options';

/**
 * Changes to the default alarms of an ObservedRestApi or ObservedHttpApi. Each option's name
 * carries the unit of its `threshold`. All alarms evaluate 1-minute periods.
 */
export interface ApiAlarmOptions {
  /**
   * Server-side errors (5XX) as a share of requests, in percent: integration timeouts (504),
   * malformed or failed Lambda responses (502), throttled or failing backends (500, 503).
   *
   * @default - on: > 5 percent in 2 of 3 minutes
   */
  readonly serverErrorRatePercent?: AlarmOptions;

  /**
   * p99 latency as a share of the integration timeout, in percent: the slowest requests are about
   * to be cut off with a 504. With several integration timeouts on one API the largest counts.
   *
   * @default - on: > 80 percent of the integration timeout in 2 of 3 minutes
   */
  readonly latencyP99PercentOfTimeout?: AlarmOptions;

  /**
   * p99 integration latency (the time the backend takes), in milliseconds.
   *
   * @default - on: > 5000 milliseconds in 2 of 3 minutes
   */
  readonly integrationLatencyP99Milliseconds?: AlarmOptions;

  /**
   * Client-side errors (4XX) as a share of requests, in percent: a broken client release, an
   * authorizer rejecting valid callers, or throttling (429). Off by default because many APIs
   * answer a steady share of 4XX (404, 401) by design; set `enabled: true` and a threshold above
   * your baseline.
   *
   * @default - off; when enabled: > 10 percent in 2 of 3 minutes
   */
  readonly clientErrorRatePercent?: AlarmOptions;
}
