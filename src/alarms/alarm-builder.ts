import { Annotations, Aspects, Duration, Token } from 'aws-cdk-lib';
import { Alarm, CfnAlarm, IMetric, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { AlarmCatalog, AlarmEntry, describeCondition, describeWindow, LOG_DERIVED, MetricSource } from '../core/alarm-catalog';
import { checkRunbookUrl, composeDescription } from '../core/alarm-description';
import { AlarmDiagnosis, alarmLinks, catalogNamespace } from '../core/alarm-links';
import { alarmName } from '../core/alarm-naming';
import { attachNotifications, nearestRunbook } from '../core/alarm-notifications';
import { AlarmOptions } from '../core/alarm-options';
import { registerAlarm, isCritical } from '../core/alarm-registry';
import { ObservedErrorCode } from '../core/error-codes';
import { checkInteger, checkRange, checkWholeMinutes, invalidProp } from '../core/errors';
import { ALARM_LIMITS } from '../core/limits';
import { alarmHome } from '../placement/alarm-scope';

/** What a construct tells the builder about itself. */
export interface AlarmTarget<K extends string> {
  /** The construct that owns the alarms (their scope and the start of their names). */
  readonly owner: Construct;
  /** Dimensions of the owner's metrics in AWS namespaces. */
  readonly dimensions: { readonly [name: string]: string };
  /** The user's per-alarm options, and the prop they came from (for error messages). */
  readonly options?: { readonly [key in K]?: AlarmOptions };
  readonly optionsProp: string;
  /** The owner's own alarm topic, if it has one. */
  readonly topic?: ITopic;
  /**
   * The resource the alarms watch when it is not the owner (a queue alarmed by its consumer's
   * wiring), so that the adoption aspect does not alarm it twice.
   */
  readonly subject?: IConstruct;
  /** Where the owner's failures can be investigated (its log group, its traces): linked from every alarm's description. */
  readonly diagnosis?: AlarmDiagnosis;
  /** Other dimensions for one alarm kind (e.g. the dead-letter queue's own name). */
  dimensionsFor?(key: K): { readonly [name: string]: string } | undefined;
  /** Whether an alarm kind applies to this owner at all (e.g. only with reserved concurrency). */
  applies?(key: K): boolean;
  /**
   * The alarm threshold in the metric's unit for a threshold in the entry's unit (e.g. a share
   * of the timeout to milliseconds). Undefined when it cannot be known at synth (a token).
   */
  absoluteThreshold?(key: K, threshold: number): number | undefined;
  /**
   * A metric the owner derives from its logs (it creates the metric filter on demand, in `scope`:
   * where the alarms live, so that a filter moves with its alarm).
   */
  logMetric?(key: K, source: MetricSource, absoluteThreshold: number, period: Duration, scope: Construct): IMetric;
}

/** The settings an alarm ends up with: the catalog entry overlaid with the user's options. */
export interface EffectiveAlarm {
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly period: Duration;
}

/**
 * Validates the user's options against the catalog and turns every enabled, applicable entry into
 * a CloudWatch alarm. This is the only place in the library where alarms are made.
 */
export function buildAlarms<K extends string>(catalog: AlarmCatalog<K>, target: AlarmTarget<K>): Alarm[] {
  const { owner } = target;
  for (const key of Object.keys(target.options ?? {})) {
    if (!(key in catalog)) {
      invalidProp(ObservedErrorCode.UNSUPPORTED_VALUE, owner, `${target.optionsProp}.${key}`, 'set', `known alarms are ${Object.keys(catalog).join(', ')}`);
    }
  }
  const planned: Array<{ key: K; entry: AlarmEntry; effective: EffectiveAlarm; threshold: number }> = [];
  for (const key of Object.keys(catalog) as K[]) {
    const entry = catalog[key];
    const options = target.options?.[key];
    const prop = `${target.optionsProp}.${key}`;
    const effective = effectiveAlarm(owner, prop, entry, options);
    const enabled = options?.enabled ?? entry.enabledByDefault;
    if (!enabled) continue;
    if (target.applies && !target.applies(key)) {
      if (options?.enabled === true) {
        invalidProp(ObservedErrorCode.CONFLICTING_PROPS, owner, `${prop}.enabled`, true, `this alarm exists only ${entry.when}`);
      }
      continue;
    }
    const threshold = target.absoluteThreshold ? target.absoluteThreshold(key, effective.threshold) : effective.threshold;
    if (threshold === undefined) {
      Annotations.of(owner).addWarningV2(`cdk-observed:${entry.id}AlarmSkipped`,
        `The ${entry.id} alarm was not created: its threshold is relative to a value that is a token at synth time. Set ${prop}.enabled to false to silence this.`);
      continue;
    }
    planned.push({ key, entry, effective, threshold });
  }
  if (planned.length === 0) return [];

  // where the alarms live (beside the owner, a nested alarm stack, a monitoring stack): a pure
  // function of the owner's path and the configured placement
  const { scope, livesIn } = alarmHome(owner);
  const alarms: Alarm[] = [];
  const namespace = catalogNamespace(Object.values(catalog));
  for (const { key, entry, effective, threshold } of planned) {
    // the metrics the alarm reads: another resource's for some kinds (a failure queue, an alias)
    const links = alarmLinks(scope, entry, effective, namespace, target.dimensionsFor?.(key) ?? target.dimensions, target.diagnosis);
    const text = `${entry.catches} Fires when ${describeCondition(entry, effective.threshold)} in ${describeWindow(effective)}.`;
    const ownRunbook = target.options?.[key]?.runbookUrl;
    const alarm = new Alarm(scope, `${entry.id}Alarm`, {
      alarmName: alarmName(owner, entry.id, livesIn),
      alarmDescription: composeDescription(text, owner.node.path, ownRunbook, []),
      metric: metricFor(key, entry, target, threshold, effective.period, scope),
      threshold,
      comparisonOperator: entry.comparison,
      evaluationPeriods: effective.evaluationPeriods,
      datapointsToAlarm: effective.datapointsToAlarm,
      treatMissingData: entry.treatMissingData,
    });
    // the links and the runbook are added when the app is synthesized: AlarmNotifications.runbook()
    // may be called later, and what a link needs in the stack is made only if the link fits
    Aspects.of(alarm).add({
      visit(node: IConstruct) {
        if (node !== alarm) return;
        const runbook = ownRunbook ?? nearestRunbook(owner);
        (alarm.node.defaultChild as CfnAlarm).alarmDescription = composeDescription(text, owner.node.path, runbook, links);
      },
    });
    const critical = isCritical(entry);
    attachNotifications(alarm, target.topic, owner, critical);
    registerAlarm({ alarm, owner, subject: target.subject, key, entry, critical, ownTopic: target.topic !== undefined, diagnosis: target.diagnosis });
    alarms.push(alarm);
  }
  return alarms;
}

/**
 * The entry's defaults overlaid with the user's options, each checked against its range. An error
 * blames the option the user set (a default is never blamed for a value the user chose), and a
 * token only ever stands for itself: it changes no other setting.
 */
export function effectiveAlarm(owner: Construct, prop: string, entry: AlarmEntry, options: AlarmOptions | undefined): EffectiveAlarm {
  checkRunbookUrl(owner, `${prop}.runbookUrl`, options?.runbookUrl);
  const given = options ?? {};
  const threshold = given.threshold ?? entry.threshold;
  checkRange(owner, `${prop}.threshold`, threshold, entry.min, entry.max, entry.unit);

  const period = given.period ?? entry.period;
  if (period.isUnresolved()) {
    invalidProp(ObservedErrorCode.TOKEN_NOT_SUPPORTED, owner, `${prop}.period`, 'a token', 'allowed is a whole number of minutes known at synth, 1 minute to 1 day (CloudWatch alarm periods in aws-cdk-lib cannot be tokens)');
  }
  const periodSeconds = period.toSeconds({ integral: false });
  const { minPeriodSeconds, maxEvaluationSeconds } = ALARM_LIMITS;
  checkWholeMinutes(owner, `${prop}.period`, periodSeconds, minPeriodSeconds, maxEvaluationSeconds);
  // CloudWatch: evaluation periods x period must not exceed one day
  const maxPeriods = Math.floor(maxEvaluationSeconds / periodSeconds);

  const datapoints = given.datapointsToAlarm;
  const datapointsKnown = datapoints !== undefined && !Token.isUnresolved(datapoints);
  if (datapointsKnown) {
    checkInteger(owner, `${prop}.datapointsToAlarm`, datapoints);
    if (!Number.isFinite(datapoints) || datapoints < 1 || datapoints > maxPeriods) {
      invalidProp(ObservedErrorCode.OUT_OF_RANGE, owner, `${prop}.datapointsToAlarm`, datapoints, `allowed range is 1-${maxPeriods}`);
    }
  }

  let evaluationPeriods: number;
  if (given.evaluationPeriods !== undefined) {
    evaluationPeriods = given.evaluationPeriods;
    checkInteger(owner, `${prop}.evaluationPeriods`, evaluationPeriods);
    if (!Token.isUnresolved(evaluationPeriods) && (!Number.isFinite(evaluationPeriods) || evaluationPeriods < 1 || evaluationPeriods > maxPeriods)) {
      invalidProp(ObservedErrorCode.OUT_OF_RANGE, owner, `${prop}.evaluationPeriods`, evaluationPeriods, `allowed range is 1-${maxPeriods}`);
    }
  } else {
    // the default window, widened to hold the datapoints the user asked for
    evaluationPeriods = datapointsKnown ? Math.max(entry.evaluationPeriods, datapoints) : entry.evaluationPeriods;
    if (evaluationPeriods > maxPeriods) {
      invalidProp(ObservedErrorCode.OUT_OF_RANGE, owner, `${prop}.period`, period.toHumanString(),
        `with the default ${evaluationPeriods} evaluation periods, allowed is at most ${maxEvaluationSeconds / evaluationPeriods / 60} minutes (evaluation periods x period must not exceed 1 day)`,
        `Set ${prop}.evaluationPeriods (and datapointsToAlarm) as well.`);
    }
  }

  const periodsKnown = !Token.isUnresolved(evaluationPeriods);
  let datapointsToAlarm: number;
  if (datapoints !== undefined) {
    datapointsToAlarm = datapoints;
    checkInteger(owner, `${prop}.datapointsToAlarm`, datapointsToAlarm);
    if (datapointsKnown && periodsKnown) checkRange(owner, `${prop}.datapointsToAlarm`, datapointsToAlarm, 1, evaluationPeriods);
  } else {
    // M of N with fewer periods than the default M: every period must breach; a token N is not judged
    datapointsToAlarm = periodsKnown ? Math.min(entry.datapointsToAlarm, evaluationPeriods) : entry.datapointsToAlarm;
  }
  return { threshold, evaluationPeriods, datapointsToAlarm, period };
}

function metricFor<K extends string>(
  key: K, entry: AlarmEntry, target: AlarmTarget<K>, threshold: number, period: Duration, scope: Construct,
): IMetric {
  const metric = (source: MetricSource): IMetric => {
    if (source.namespace === LOG_DERIVED) {
      if (!target.logMetric) throw new Error(`internal: ${entry.id} needs a log-derived metric and its owner gives none`);
      return target.logMetric(key, source, threshold, period, scope);
    }
    return new Metric({
      namespace: source.namespace,
      metricName: source.metricName,
      statistic: source.statistic,
      dimensionsMap: { ...(target.dimensionsFor?.(key) ?? target.dimensions), ...source.dimensions },
      period,
    });
  };
  if (entry.math) {
    const usingMetrics: { [id: string]: IMetric } = {};
    for (const [id, source] of Object.entries(entry.math.metrics)) usingMetrics[id] = metric(source);
    return new MathExpression({ expression: entry.math.expression, usingMetrics, period, label: entry.id });
  }
  return metric(entry.metric!);
}
