import { AlarmOptions } from '../core/alarm-options';

/**
 * Changes to the default alarms of an ObservedRestApi or ObservedHttpApi. Each option's name
 * carries the unit of its `threshold`. The error-rate and latency alarms evaluate 1-minute periods;
 * the error-budget alarms longer windows.
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

  /**
   * Latency objective: p99 latency above the target you state, in milliseconds, over 5-minute
   * windows in 2 of 2 (a p99 that climbs from 300 ms to 3 s fires it; `latencyP99PercentOfTimeout`
   * only near the integration timeout).
   *
   * @default - on: > 2500 milliseconds in 2 of 2 periods of 5 minutes
   */
  readonly latencyP99Milliseconds?: AlarmOptions;

  /**
   * Traffic stopped: fewer requests in a period than the API always receives (opt-in: state the
   * expectation with `threshold`, requests per `period`). Periods without requests count as 0.
   *
   * @default - off; when on: < 1 requests per period of 10 minutes
   */
  readonly minimumRequests?: AlarmOptions;

  /**
   * Fast error-budget burn: 5XX spend the budget of `availabilityObjectivePercent` at this many
   * times the rate the objective allows, in 3 of the last 15 two-minute windows. Catches a low
   * failure rate that lasts (2 % at 99.9 % is a burn rate of 20); a blip of 3 minutes or less
   * never fires it.
   *
   * @default - on: >= 10 x the error budget rate in 3 of 15 periods of 2 minutes
   */
  readonly errorBudgetFastBurn?: AlarmOptions;

  /**
   * Slow error-budget burn: 5XX spend the budget at this many times the allowed rate in 6 of the
   * last 12 half-hour windows.
   *
   * @default - on: >= 2 x the error budget rate in 6 of 12 periods of 30 minutes
   */
  readonly errorBudgetSlowBurn?: AlarmOptions;
}
