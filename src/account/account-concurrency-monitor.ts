import { Duration } from 'aws-cdk-lib';
import { Alarm, IMetric, MathExpression, Metric, MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ACCOUNT_CONCURRENCY_ALARMS } from './account-concurrency-alarm-catalog';
import { AccountConcurrencyAlarmOptions } from './account-concurrency-alarm-options';
import { buildAlarms } from '../alarms/alarm-builder';
import { ObservedErrorCode } from '../core/error-codes';
import { invalidProp } from '../core/errors';

/**
 * Props of an AccountConcurrencyMonitor.
 */
export interface AccountConcurrencyMonitorProps {
  /**
   * Changes to the default alarm: switch it off, or give it another threshold.
   *
   * @default - the default alarm, with the catalog threshold
   */
  readonly alarms?: AccountConcurrencyAlarmOptions;

  /**
   * Where the monitor's alarm notifies (on ALARM and on OK).
   *
   * @default - chosen by `AlarmNotifications`: the paging or the non-paging topic of the nearest enclosing scope, else the stack's default topic
   */
  readonly alarmTopic?: ITopic;
}

/**
 * Lambda concurrency claimed in an account and region against its quota (create one per account
 * and region).
 *
 * When the region's concurrency is exhausted, every function without reserved concurrency is
 * throttled at once. Lambda decides availability by `ClaimedAccountConcurrency` (unreserved
 * concurrent executions plus all reserved and provisioned concurrency), so that is what is alarmed,
 * as a share of `SERVICE_QUOTA(ConcurrentExecutions)`: the applied quota, so a raised quota needs
 * no change. One alarm on AWS metrics; nothing is deployed besides it.
 */
export class AccountConcurrencyMonitor extends Construct {
  /** The alarms this monitor created. */
  public readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: AccountConcurrencyMonitorProps = {}) {
    super(scope, id);
    this.alarms = buildAlarms(ACCOUNT_CONCURRENCY_ALARMS, {
      owner: this,
      // account-level metrics of AWS/Lambda have no dimensions
      dimensions: {},
      options: props.alarms,
      optionsProp: 'alarms',
      topic: props.alarmTopic,
    });
    if (this.alarms.length === 0) {
      invalidProp(ObservedErrorCode.CONFLICTING_PROPS, this, 'alarms', 'every alarm switched off', 'at least one alarm is needed: the monitor creates nothing but its alarms', 'Remove the monitor instead.');
    }
  }

  /**
   * ClaimedAccountConcurrency as a share of the account's concurrent executions quota, in percent.
   *
   * @default - maximum over 1 minute
   */
  public metricClaimedPercentOfQuota(props?: MetricOptions): IMetric {
    const period = props?.period ?? Duration.minutes(1);
    const { math } = ACCOUNT_CONCURRENCY_ALARMS.claimedConcurrencyPercentOfQuota;
    const usingMetrics: Record<string, IMetric> = {};
    for (const [name, source] of Object.entries(math!.metrics)) {
      usingMetrics[name] = new Metric({ namespace: source.namespace, metricName: source.metricName, statistic: source.statistic, period });
    }
    return new MathExpression({
      expression: math!.expression,
      usingMetrics,
      period,
      label: props?.label ?? 'Claimed concurrency (% of quota)',
      color: props?.color,
    });
  }
}
