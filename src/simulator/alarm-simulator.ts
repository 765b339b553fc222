/* eslint-disable @stylistic/max-len */
import * as fs from 'fs';
import { loadAssembly, loadTemplateFile } from './assembly';
import { AlarmOutcome, run } from './engine';
import { CompiledScenario } from './scenario';
import { CompositeAlarmModel, loadTemplate, MetricAlarmModel, TemplateModel } from './template-model';

/** The state of a simulated alarm. */
export enum SimulatedAlarmState {
  /** The metric or expression is within the threshold (a composite alarm's rule is FALSE). */
  OK = 'OK',
  /** The alarm fired. */
  ALARM = 'ALARM',
  /** Not enough data to decide (every alarm starts here). */
  INSUFFICIENT_DATA = 'INSUFFICIENT_DATA',
}

/** Settings of the simulator. */
export interface AlarmSimulatorOptions {
  /**
   * How many periods beyond its evaluation periods an alarm's evaluation range holds. CloudWatch
   * documents only that it retrieves more data points than the evaluation periods; its examples
   * retrieve 5 for 3 evaluation periods.
   *
   * @default 2
   */
  readonly evaluationRangeExtraPeriods?: number;

  /**
   * Minutes between the end of a minute and the evaluation that first sees its AWS service
   * metrics. Lambda sends its metrics to CloudWatch in 1-minute intervals (Lambda developer guide,
   * "Using CloudWatch metrics with Lambda"), so a minute's data point is there at the earliest one
   * minute later. 0 evaluates every data point the minute it happens (a lower bound).
   *
   * @default 1
   */
  readonly metricDelayMinutes?: number;

  /**
   * The same for metrics that come from logs (metric filters, the embedded metric format, any
   * namespace outside AWS/): the log records are delivered to CloudWatch Logs first, seconds to
   * about a minute later, and the metric filter publishes the minute after.
   *
   * @default 2
   */
  readonly logDelayMinutes?: number;
}

/** One state change of an alarm. */
export interface AlarmStateChange {
  /** Minutes after the scenario's start (the end of the period whose evaluation changed it). */
  readonly minute: number;
  /** The time of the change, ISO 8601. */
  readonly timestamp: string;
  readonly fromState: SimulatedAlarmState;
  readonly toState: SimulatedAlarmState;
  /** Why: the data points evaluated and how missing data was treated. */
  readonly reason: string;
}

/** What one alarm did in a scenario. */
export interface SimulatedAlarm {
  /** The alarm's logical id in the template. */
  readonly logicalId: string;
  /** The alarm's name (with `${...}` for values that are intrinsics in the template). */
  readonly alarmName: string;
  /** Whether it is a composite alarm. */
  readonly composite: boolean;
  /** Whether the simulator could evaluate it; when false, `unevaluableReason` says why. */
  readonly evaluable: boolean;
  /**
   * Why the alarm could not be evaluated.
   *
   * @default - it could be evaluated
   */
  readonly unevaluableReason?: string;
  /** Remarks on how it was evaluated (e.g. AWS/DynamoDB alarms ignoring missing data). */
  readonly notes: string[];
  /** Its state changes, in time order. */
  readonly changes: AlarmStateChange[];
  /** Its state at the end of the scenario. */
  readonly finalState: SimulatedAlarmState;
  /**
   * The first minute (after the scenario's start) at which it went to ALARM.
   *
   * @default - it never went to ALARM
   */
  readonly firstAlarmMinute?: number;
}

/** What every alarm of a template did in one scenario. */
export interface ScenarioResult {
  /** The scenario's name. */
  readonly scenarioName: string;
  /** Its length in minutes. */
  readonly minutes: number;
  /**
   * The minute the failure starts.
   *
   * @default - a healthy baseline: every ALARM is a false alarm
   */
  readonly onsetMinute?: number;
  /**
   * The minute from which an ALARM counts as an early warning rather than a false alarm (e.g. the
   * start of a memory leak that fails later).
   *
   * @default - the onset
   */
  readonly earlyWarningFromMinute?: number;
  /** Every alarm of the template. */
  readonly alarms: SimulatedAlarm[];
  /**
   * Minutes from the onset to the first ALARM at or after the early-warning minute (negative: a
   * warning before the failure).
   *
   * @default - nothing fired (or a baseline)
   */
  readonly detectionMinutes?: number;
  /** Changes to ALARM before the early-warning minute (on a baseline: every change to ALARM). */
  readonly falseAlarms: number;
  /** False alarms scaled to a week of this scenario's length. */
  readonly falseAlarmsPerWeek: number;
  /** Problems with the scenario: series no alarm reads, log groups no metric filter reads. */
  readonly warnings: string[];
}

const MINUTES_PER_WEEK = 7 * 24 * 60;

/**
 * Evaluates the CloudWatch alarms of a synthesized template (metric alarms, metric math alarms and
 * composite alarms) against scenarios of metric data, the way CloudWatch documents it. Whatever
 * it cannot evaluate (anomaly detection, metric math it does not know, names it cannot resolve) is
 * reported for that alarm, never guessed.
 *
 * ```ts
 * const simulator = new AlarmSimulator(Template.fromStack(stack).toJSON());
 * const result = simulator.simulate(scenario);
 * ```
 */
export class AlarmSimulator {
  /**
   * Reads a template from a JSON file (e.g. `cdk.out/MyStack.template.json`), with the nested
   * stacks whose templates are beside it (README: "Nested stacks and cloud assemblies").
   */
  public static fromTemplateFile(file: string, options?: AlarmSimulatorOptions): AlarmSimulator {
    return new AlarmSimulator(loadTemplateFile(file).template, options);
  }

  /**
   * Reads every stack of a cloud assembly directory (e.g. `cdk.out`) with its nested stacks, as
   * one template: an alarm in a nested or another stack reads `${Fn7}` as it would beside the
   * function, and composite alarms see alarms in every stack (README: "Nested stacks and cloud
   * assemblies").
   */
  public static fromAssembly(directory: string, options?: AlarmSimulatorOptions): AlarmSimulator {
    return new AlarmSimulator(loadAssembly(directory).template, options);
  }

  /** Reads scenarios from a JSON file: one scenario, or an array of them. */
  public static readScenarioFile(file: string): any[] {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    return Array.isArray(parsed) ? parsed : [parsed];
  }

  private readonly model: TemplateModel;
  private readonly extraPeriods: number;
  private readonly metricDelayMinutes: number;
  private readonly logDelayMinutes: number;

  /**
   * @param template a synthesized CloudFormation template, as parsed JSON
   */
  constructor(template: any, options: AlarmSimulatorOptions = {}) {
    this.model = loadTemplate(template);
    this.extraPeriods = options.evaluationRangeExtraPeriods ?? 2;
    this.metricDelayMinutes = options.metricDelayMinutes ?? 1;
    this.logDelayMinutes = options.logDelayMinutes ?? 2;
    for (const [name, v] of [['evaluationRangeExtraPeriods', this.extraPeriods], ['metricDelayMinutes', this.metricDelayMinutes], ['logDelayMinutes', this.logDelayMinutes]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`${name} is ${v}; allowed is a whole number >= 0`);
    }
  }

  /** Logical ids of the template's alarms. */
  public get alarmLogicalIds(): string[] {
    return this.model.alarms.map(a => a.logicalId);
  }

  /** Evaluates every alarm over one scenario (parsed JSON, see the README's scenario format). */
  public simulate(scenario: any): ScenarioResult {
    const compiled = new CompiledScenario(scenario, this.model.index, this.model.filters);
    const outcomes = run(this.model, compiled, { extraPeriods: this.extraPeriods, metricDelayMinutes: this.metricDelayMinutes, logDelayMinutes: this.logDelayMinutes });
    const warnings = [...compiled.warnings, ...compiled.unusedSeries().map(s => `no alarm reads the series ${s}`)];
    const alarms = outcomes.map(o => toSimulated(o, compiled.startEpochMinute));
    const earlyFrom = compiled.earlyWarningFromMinute ?? compiled.onsetMinute;
    const toAlarm = (list: SimulatedAlarm[]) => list.flatMap(a => a.changes.filter(c => c.toState === SimulatedAlarmState.ALARM));
    const falseAlarms = toAlarm(alarms).filter(c => earlyFrom === undefined || c.minute < earlyFrom).length;
    const relevant = alarms.filter((_, i) => isRelevant(this.model.alarms[i], compiled.affected));
    const detections = compiled.onsetMinute === undefined ? [] : toAlarm(relevant).filter(c => c.minute >= earlyFrom!).map(c => c.minute - compiled.onsetMinute!);
    return {
      scenarioName: compiled.name,
      minutes: compiled.minutes,
      onsetMinute: compiled.onsetMinute,
      earlyWarningFromMinute: compiled.earlyWarningFromMinute,
      alarms,
      detectionMinutes: detections.length ? Math.min(...detections) : undefined,
      falseAlarms,
      falseAlarmsPerWeek: falseAlarms * MINUTES_PER_WEEK / Math.max(1, earlyFrom ?? compiled.minutes),
      warnings,
    };
  }
}

/** Whether an alarm reads a metric of the affected resources (composite alarms always count). */
function isRelevant(alarm: MetricAlarmModel | CompositeAlarmModel, affected: Set<string> | undefined): boolean {
  if (!affected || alarm.kind === 'composite') return true;
  return alarm.metrics.some(q => {
    if (q.dimensions.length === 0 && affected.has('ACCOUNT')) return true;
    const strings = [q.metricName, ...q.dimensions.map(d => d.value)];
    return strings.some(v => affected.has(v) || [...v.matchAll(/\$\{([^.}]+)/g)].some(m => affected.has(m[1])));
  });
}

function toSimulated(o: AlarmOutcome, startEpochMinute: number): SimulatedAlarm {
  const changes = o.changes.map(c => ({
    minute: c.minute,
    timestamp: new Date((startEpochMinute + c.minute) * 60_000).toISOString(),
    fromState: c.from as SimulatedAlarmState,
    toState: c.to as SimulatedAlarmState,
    reason: c.reason,
  }));
  return {
    logicalId: o.logicalId,
    alarmName: o.name,
    composite: o.composite,
    evaluable: o.unevaluable === undefined,
    unevaluableReason: o.unevaluable,
    notes: o.notes,
    changes,
    finalState: o.finalState as SimulatedAlarmState,
    firstAlarmMinute: changes.find(c => c.toState === SimulatedAlarmState.ALARM)?.minute,
  };
}
