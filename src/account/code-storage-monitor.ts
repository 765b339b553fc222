import { Annotations, ArnFormat, CustomResource, Duration, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import { Alarm, IMetric, Metric, MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CODE_STORAGE_ALARMS, DEFAULT_POLL_INTERVAL } from './code-storage-alarm-catalog';
import { CodeStorageAlarmOptions } from './code-storage-alarm-options';
import { ENV, METRIC, METRIC_NAMESPACE } from './code-storage-contract';
import { CodeStoragePollerFunction } from './code-storage-poller-function';
import { buildAlarms } from '../core/alarm-builder';
import { AlarmCatalog } from '../core/alarm-catalog';
import { checkInteger, checkRange, invalidProp } from '../core/errors';
import { wildcardResourceFindingId } from '../core/nag-ids';

/** What the version cleanup does with the versions it finds. */
export enum VersionCleanupMode {
  /**
   * Only report: the versions it would delete are written to the poller's log, and their count
   * and size as the VersionsDeletable and CodeStorageReclaimableBytes metrics. The poller gets no
   * delete permission.
   */
  DRY_RUN = 'DRY_RUN',
  /** Delete them (lambda:DeleteFunction with a version qualifier). */
  DELETE = 'DELETE',
}

/**
 * Cleanup of old Lambda function versions. Every function in the account and region (or the ones
 * whose names start with `functionNamePrefixes`) keeps its newest `versionsToKeep` numbered
 * versions and every version an alias points to (including the second version of a weighted
 * alias); `$LATEST` is never touched.
 */
export interface VersionCleanupOptions {
  /**
   * Report only, or delete. A first deployment with DRY_RUN shows in the log what DELETE would
   * remove.
   *
   * @default VersionCleanupMode.DRY_RUN
   */
  readonly mode?: VersionCleanupMode;

  /**
   * Newest numbered versions kept per function, besides the versions aliases point to. At least 1,
   * so the version a deployment just published (which a caller may invoke by its ARN) stays.
   *
   * @default 3
   */
  readonly versionsToKeep?: number;

  /**
   * Limit the cleanup, and the IAM permissions it gets, to functions whose names start with one of
   * these prefixes (1 to 64 characters of a-z, A-Z, 0-9, - and _ each; at most 50 prefixes).
   *
   * @default - every function in the account and region
   */
  readonly functionNamePrefixes?: string[];
}

/**
 * Props of a CodeStorageMonitor.
 */
export interface CodeStorageMonitorProps {
  /**
   * How often the poller reads the code storage in use (and cleans up, when cleanup is on): a
   * whole number of minutes from 5 minutes to 8 hours. The alarms evaluate periods of this length.
   *
   * @default Duration.hours(1)
   */
  readonly pollInterval?: Duration;

  /**
   * How many of the largest functions (by the total size of $LATEST and all their versions) each
   * poll writes to the poller's log, 0 to 100. 0 skips listing the functions unless cleanup is on.
   *
   * @default 10
   */
  readonly largestFunctions?: number;

  /**
   * Clean up old function versions. Off unless given; `{}` turns it on in DRY_RUN mode.
   *
   * @default - no cleanup: nothing is deleted and the poller gets no delete permission
   */
  readonly versionCleanup?: VersionCleanupOptions;

  /**
   * Changes to the default alarms: switch one off, or give it another threshold.
   *
   * @default - every default alarm, with the catalog thresholds
   */
  readonly alarms?: CodeStorageAlarmOptions;

  /**
   * Where the monitor's alarms notify (on ALARM and on OK).
   *
   * @default - the topic given to `AlarmNotifications.sendTo()` for the nearest enclosing scope, or none
   */
  readonly alarmTopic?: ITopic;

  /**
   * Retention of the poller's log group: it holds the storage figures, the largest functions and
   * what the cleanup deleted (a few kilobytes per poll).
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

const FUNCTION_NAME_PREFIX = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_PREFIXES = 50;

/**
 * Lambda code storage against its quota, for one account and region (create one per account and
 * region).
 *
 * Every published version and layer version counts toward the regional code storage quota (75 GB
 * by default); when it is full, deployments fail with CodeStorageExceededException. No CloudWatch
 * metric reports it, so a scheduled function reads GetAccountSettings and writes the bytes in use
 * and their share of the limit as metrics (embedded metric format in its log: no PutMetricData
 * permission, no extra API call). It can also report the largest functions and clean up old
 * versions (opt-in, dry run first).
 *
 * CloudFormation invokes the poller once when the monitor is created (a custom resource served by
 * the poller itself): the metric exists before the alarms do, and a poller that cannot read the
 * storage fails the deployment rather than alarming later.
 */
export class CodeStorageMonitor extends Construct {
  /** The default poll interval: storage grows only with deployments, so hours ahead is enough warning. */
  public static readonly DEFAULT_POLL_INTERVAL = DEFAULT_POLL_INTERVAL;

  /** The default number of largest functions written to the log per poll. */
  public static readonly DEFAULT_LARGEST_FUNCTIONS = 10;

  /** The default number of newest versions the cleanup keeps per function. */
  public static readonly DEFAULT_VERSIONS_TO_KEEP = 3;

  /** The default retention of the poller's log group. */
  public static readonly DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_YEAR;

  /** The poller's timeout: room for listing and cleaning up thousands of versions with backoff. */
  public static readonly POLLER_TIMEOUT = Duration.minutes(5);

  /** The poller's memory size in MB. */
  public static readonly POLLER_MEMORY_SIZE_MB = 256;

  /** The alarms this monitor created. */
  public readonly alarms: Alarm[];

  /** The scheduled function that polls (and cleans up). */
  public readonly pollerFunction: lambda.IFunction;

  /** The EventBridge rule that invokes the poller every `pollInterval`. */
  public readonly schedule: events.IRule;

  /** The poller's log group: the metrics' source, the largest functions, the cleanup report. */
  public readonly logGroup: logs.ILogGroup;

  /** The poller's execution role. */
  public readonly role: iam.IRole;

  /** The cleanup mode, or undefined when cleanup is off. */
  public readonly cleanupMode?: VersionCleanupMode;

  private readonly pollInterval: Duration;

  constructor(scope: Construct, id: string, props: CodeStorageMonitorProps = {}) {
    super(scope, id);
    const interval = props.pollInterval ?? CodeStorageMonitor.DEFAULT_POLL_INTERVAL;
    this.pollInterval = interval;
    const largest = props.largestFunctions ?? CodeStorageMonitor.DEFAULT_LARGEST_FUNCTIONS;
    const cleanup = props.versionCleanup;
    const keep = cleanup?.versionsToKeep ?? CodeStorageMonitor.DEFAULT_VERSIONS_TO_KEEP;
    const prefixes = cleanup?.functionNamePrefixes;
    this.validate(interval, largest, keep, prefixes, props.alarms);
    if (cleanup?.mode !== undefined && !Token.isUnresolved(cleanup.mode) && !Object.values(VersionCleanupMode).includes(cleanup.mode)) {
      invalidProp(this, 'versionCleanup.mode', `'${cleanup.mode}'`, `allowed are ${Object.values(VersionCleanupMode).join(' and ')} (VersionCleanupMode)`);
    }
    this.cleanupMode = cleanup ? cleanup.mode ?? VersionCleanupMode.DRY_RUN : undefined;
    if (prefixes !== undefined && Token.isUnresolved(prefixes)) {
      Annotations.of(this).addWarningV2('cdk-observed:FunctionNamePrefixesToken',
        'versionCleanup.functionNamePrefixes is a token, so the cleanup\'s IAM permissions cannot be scoped to it: they cover every function in the account and region (the cleanup itself still keeps to the prefixes).');
    }

    const stack = Stack.of(this);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? CodeStorageMonitor.DEFAULT_LOG_RETENTION,
    });
    const role = new iam.Role(this, 'PollerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: limit(`Polls Lambda code storage for ${this.node.path}`, 1000),
    });
    this.role = role;

    const poller = new CodeStoragePollerFunction(this, 'Poller', {
      description: limit(`Lambda code storage monitor${this.cleanupMode ? `, version cleanup ${this.cleanupMode}` : ''}: ${this.node.path}`, 256),
      role,
      logGroup: this.logGroup,
      timeout: CodeStorageMonitor.POLLER_TIMEOUT,
      memorySize: CodeStorageMonitor.POLLER_MEMORY_SIZE_MB,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        [ENV.largestFunctions]: numberString(largest),
        [ENV.cleanupMode]: this.cleanupMode ?? 'OFF',
        [ENV.versionsToKeep]: numberString(keep),
        [ENV.functionNamePrefixes]: prefixesJson(stack, prefixes),
      },
    });
    this.pollerFunction = poller;
    this.grantPoller(role, largest, prefixes);

    const rule = new events.Rule(this, 'Schedule', {
      description: limit(`Invokes the Lambda code storage poller of ${this.node.path}`, 512),
      schedule: events.Schedule.rate(interval),
      targets: [new targets.LambdaFunction(poller)],
    });
    this.schedule = rule;

    this.acknowledge(poller, rule, role, prefixes);

    // CloudFormation invokes the poller once when the monitor is created: the storage metric then
    // exists before the alarms are, so the missing-data alarm does not start in ALARM, and a poller
    // that cannot read the storage fails the deployment.
    const firstPoll = new CustomResource(this, 'FirstPoll', {
      serviceToken: poller.functionArn,
      resourceType: 'Custom::CodeStorageFirstPoll',
    });
    firstPoll.node.addDependency(role);

    // one poll per period: the alarms evaluate periods as long as the poll interval
    const catalog = Object.fromEntries(Object.entries(CODE_STORAGE_ALARMS)
      .map(([key, entry]) => [key, { ...entry, period: interval }])) as AlarmCatalog<keyof CodeStorageAlarmOptions>;
    this.alarms = buildAlarms(catalog, {
      owner: this,
      dimensions: {},
      dimensionsFor: key => key === 'pollerErrors' ? { FunctionName: poller.functionName } : undefined,
      options: props.alarms,
      optionsProp: 'alarms',
      topic: props.alarmTopic,
    });
    for (const alarm of this.alarms) alarm.node.addDependency(firstPoll);
  }

  /**
   * Code storage in use as a share of the account's limit, in percent (written by the poller).
   *
   * @default - maximum over the poll interval
   */
  public metricUsedPercent(props?: MetricOptions): IMetric {
    return new Metric({ namespace: METRIC_NAMESPACE, metricName: METRIC.usedPercent, statistic: 'Maximum', period: this.pollInterval, ...props });
  }

  /**
   * Code storage in use, in bytes (written by the poller).
   *
   * @default - maximum over the poll interval
   */
  public metricUsedBytes(props?: MetricOptions): IMetric {
    return new Metric({ namespace: METRIC_NAMESPACE, metricName: METRIC.usedBytes, statistic: 'Maximum', period: this.pollInterval, ...props });
  }

  private validate(interval: Duration, largest: number, keep: number, prefixes: string[] | undefined,
    alarms: CodeStorageAlarmOptions | undefined): void {
    if (interval.isUnresolved() && !['minutes', 'hours', 'days'].includes(interval.unitLabel())) {
      invalidProp(this, 'pollInterval', `a token in ${interval.unitLabel()}`, 'allowed is a token in minutes or hours (e.g. Duration.minutes(param.valueAsNumber))',
        'An EventBridge schedule rate is a whole number of minutes, hours or days.');
    }
    if (!interval.isUnresolved()) {
      const seconds = interval.toSeconds({ integral: false });
      if (!(seconds >= 300 && seconds <= 8 * 3600 && seconds % 60 === 0)) {
        invalidProp(this, 'pollInterval', `${seconds} seconds`, 'allowed is a whole number of minutes from 5 minutes to 8 hours');
      }
      // a period shorter than the interval has periods without a poll: the missing-data alarm would fire
      const pollsPeriod = alarms?.successfulPolls?.period;
      if (pollsPeriod && !pollsPeriod.isUnresolved() && pollsPeriod.toSeconds({ integral: false }) < seconds) {
        invalidProp(this, 'alarms.successfulPolls.period', `${pollsPeriod.toSeconds({ integral: false })} seconds`,
          `allowed is at least the poll interval (${seconds} seconds): shorter periods contain no poll and would alarm`);
      }
    }
    checkRange(this, 'largestFunctions', largest, 0, 100);
    checkInteger(this, 'largestFunctions', largest);
    checkRange(this, 'versionCleanup.versionsToKeep', keep, 1, 1000);
    checkInteger(this, 'versionCleanup.versionsToKeep', keep);
    if (prefixes !== undefined && !Token.isUnresolved(prefixes)) {
      if (prefixes.length === 0 || prefixes.length > MAX_PREFIXES) {
        invalidProp(this, 'versionCleanup.functionNamePrefixes', `a list of ${prefixes.length}`,
          `allowed is 1-${MAX_PREFIXES} prefixes`, 'Leave it out to clean up every function.');
      }
      prefixes.forEach((prefix, i) => {
        if (!Token.isUnresolved(prefix) && !FUNCTION_NAME_PREFIX.test(prefix)) {
          invalidProp(this, `versionCleanup.functionNamePrefixes[${i}]`, JSON.stringify(prefix),
            'allowed are 1-64 characters of a-z, A-Z, 0-9, - and _ (the characters of a function name)');
        }
      });
    }
  }

  /** Only the actions the poller calls; delete only in DELETE mode, and only on versions. */
  private grantPoller(role: iam.Role, largest: number, prefixes: string[] | undefined): void {
    // its log is also where its metrics come from (embedded metric format)
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'WriteOwnLog',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [this.logGroup.logGroupArn],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadCodeStorage',
      actions: ['lambda:GetAccountSettings'],
      resources: ['*'],
    }));
    if (largest > 0 || this.cleanupMode !== undefined || Token.isUnresolved(largest)) {
      role.addToPolicy(new iam.PolicyStatement({
        sid: 'ListFunctionVersions',
        actions: ['lambda:ListFunctions'],
        resources: ['*'],
      }));
    }
    if (this.cleanupMode === undefined) return;
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadAliases',
      actions: ['lambda:ListAliases'],
      resources: functionArns(this, prefixes, false),
    }));
    if (this.cleanupMode === VersionCleanupMode.DELETE) {
      role.addToPolicy(new iam.PolicyStatement({
        sid: 'DeleteOldVersions',
        actions: ['lambda:DeleteFunction'],
        // qualified ARNs only (function:name:version): the role cannot delete a whole function
        resources: functionArns(this, prefixes, true),
      }));
    }
  }

  private acknowledge(poller: lambda.Function, rule: events.Rule, role: iam.Role, prefixes: string[] | undefined): void {
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'lambda:GetAccountSettings and lambda:ListFunctions, and X-Ray\'s xray:PutTraceSegments and xray:PutTelemetryRecords, do not support resource-level permissions; every other statement is scoped to a resource.',
    });
    if (this.cleanupMode !== undefined) {
      const scope = prefixes ? 'the functions whose names start with the configured prefixes' : 'every function in the account and region (no functionNamePrefixes given)';
      for (const arn of functionArns(this, prefixes, false)) {
        Validations.of(role).acknowledge({
          id: wildcardResourceFindingId(this, arn),
          reason: `lambda:ListAliases on ${scope}: the cleanup reads every alias to keep the versions aliases point to; the function names are not known at deploy time.`,
        });
      }
      if (this.cleanupMode === VersionCleanupMode.DELETE) {
        for (const arn of functionArns(this, prefixes, true)) {
          Validations.of(role).acknowledge({
            id: wildcardResourceFindingId(this, arn),
            reason: `lambda:DeleteFunction on the versions (qualified ARNs only, never a whole function) of ${scope}: the versions to delete are found at run time.`,
          });
        }
      }
    }
    Validations.of(poller).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'The poller is invoked by a schedule whose event carries no data; a failed poll shows up as the PollFailing and PollerErrors alarms, and the next poll replaces it. A dead-letter queue would hold empty events nobody reads.',
    });
    Validations.of(rule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason: 'The schedule\'s events carry no data: an event that cannot be delivered leaves the storage metric missing, which the PollFailing alarm (missing data breaching) reports.',
    });
  }
}

/** CloudFormation's length limit on a description (a deep construct path can exceed it). */
function limit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** A number prop as an environment value (a token stays a token). */
function numberString(value: number): string {
  return Token.isUnresolved(value) ? Token.asString(value) : String(value);
}

/** The prefixes as a JSON array of strings (a list token is joined in CloudFormation, with no custom resource). */
function prefixesJson(stack: Stack, prefixes: string[] | undefined): string {
  if (prefixes === undefined) return '[]';
  if (Token.isUnresolved(prefixes)) return `["${Fn.join('","', prefixes)}"]`;
  return stack.toJsonString(prefixes);
}

/** Function ARNs in this account and region, unqualified or qualified (`name:version`) only. */
function functionArns(scope: Construct, prefixes: string[] | undefined, qualified: boolean): string[] {
  const names = prefixes === undefined || Token.isUnresolved(prefixes) ? [''] : [...new Set(prefixes)];
  return names.map(prefix => Stack.of(scope).formatArn({
    service: 'lambda',
    resource: 'function',
    resourceName: `${prefix}*${qualified ? ':*' : ''}`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  }));
}
