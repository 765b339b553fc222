import { Annotations, ArnFormat, CustomResource, Duration, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import { Alarm, IMetric, Metric, MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
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
import { buildAlarms } from '../alarms/alarm-builder';
import { AlarmCatalog } from '../core/alarm-catalog';
import { ObservedErrorCode } from '../core/error-codes';
import { checkInteger, checkRange, checkWholeMinutes, invalidProp } from '../core/errors';
import { createLogGroup } from '../core/log-groups';
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
 * versions and every version something references: an alias (including the second version of a
 * weighted alias), a provisioned concurrency configuration, an event source mapping, or a
 * permission granted on the version's own ARN. `$LATEST` is never touched.
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
   * Newest numbered versions kept per function, besides the versions something references. At least 1,
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
   * @default - chosen by `AlarmNotifications`: the paging or the non-paging topic of the nearest enclosing scope, else the stack's default topic
   */
  readonly alarmTopic?: ITopic;

  /**
   * Retention of the poller's log group: it holds the storage figures, the largest functions and
   * what the cleanup deleted (a few kilobytes per poll).
   *
   * @default - the `ObservedDefaults` retention, else logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Run the poller in this VPC (AWS Control Tower's CT.LAMBDA.PR.3 asks every function to be in
   * one). The poller calls the Lambda API and answers CloudFormation through S3 once, so the
   * subnets need a route to both (a NAT gateway, or VPC endpoints for Lambda and S3).
   *
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The poller's subnets in `vpc`.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
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

  /**
   * The poller's timeout. A poll that needs longer (a large account, a long cleanup) stops 20
   * seconds before it, saves where it stopped and the next poll resumes there.
   */
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
    this.validate(interval, largest, keep, prefixes, props.alarms, cleanup?.mode);
    this.cleanupMode = cleanup ? cleanup.mode ?? VersionCleanupMode.DRY_RUN : undefined;
    if (prefixes !== undefined && Token.isUnresolved(prefixes)) {
      Annotations.of(this).addWarningV2('cdk-observed:FunctionNamePrefixesToken',
        'versionCleanup.functionNamePrefixes is a token, so the cleanup\'s IAM permissions cannot be scoped to it: they cover every function in the account and region (the cleanup itself still keeps to the prefixes).');
    }

    const stack = Stack.of(this);
    this.logGroup = createLogGroup(this, 'LogGroup', props.logRetention,
      { owner: this, name: 'logRetention', fallback: CodeStorageMonitor.DEFAULT_LOG_RETENTION });
    const role = new iam.Role(this, 'PollerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: limit(`Polls Lambda code storage for ${this.node.path}`, 1000),
    });
    this.role = role;
    if (props.vpc) {
      // a function with a role of its own is not given the VPC permissions by aws-cdk-lib
      role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason: 'The AWS managed policy made for functions in a VPC: the network interfaces Lambda creates in the VPC are not known in advance to scope a policy to.',
      });
    }

    const environment = {
      [ENV.largestFunctions]: numberString(largest),
      [ENV.cleanupMode]: this.cleanupMode ?? 'OFF',
      [ENV.versionsToKeep]: numberString(keep),
      [ENV.functionNamePrefixes]: prefixesJson(stack, prefixes),
    };
    const poller = new CodeStoragePollerFunction(this, 'Poller', {
      description: limit(`Lambda code storage monitor${this.cleanupMode ? `, version cleanup ${this.cleanupMode}` : ''}: ${this.node.path}`, 256),
      role,
      logGroup: this.logGroup,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      timeout: CodeStorageMonitor.POLLER_TIMEOUT,
      memorySize: CodeStorageMonitor.POLLER_MEMORY_SIZE_MB,
      tracing: lambda.Tracing.ACTIVE,
      environment,
    });
    this.pollerFunction = poller;
    // a failed poll is not retried by Lambda's asynchronous invocation (twice by default): it would
    // run the cleanup again; the next scheduled poll resumes where the failed one stopped
    poller.configureAsyncInvoke({ retryAttempts: 0 });
    this.grantPoller(role, largest, prefixes);
    const listing = largest > 0 || this.cleanupMode !== undefined || Token.isUnresolved(largest);
    if (listing) this.grantResumeState(poller, role);

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
    // It also checks the poller's configuration; its properties change with the configuration, so
    // a change is checked (and a bad one fails) at deployment too.
    const firstPoll = new CustomResource(this, 'FirstPoll', {
      serviceToken: poller.functionArn,
      resourceType: 'Custom::CodeStorageFirstPoll',
      properties: { Configuration: environment },
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
    alarms: CodeStorageAlarmOptions | undefined, mode: VersionCleanupMode | undefined): void {
    if (mode !== undefined && !Token.isUnresolved(mode) && !Object.values(VersionCleanupMode).includes(mode)) {
      invalidProp(ObservedErrorCode.UNSUPPORTED_VALUE, this, 'versionCleanup.mode', JSON.stringify(mode), `allowed are ${Object.values(VersionCleanupMode).map(m => `VersionCleanupMode.${m}`).join(' and ')}`);
    }
    if (interval.isUnresolved() && !['minutes', 'hours', 'days'].includes(interval.unitLabel())) {
      invalidProp(ObservedErrorCode.TOKEN_NOT_SUPPORTED, this, 'pollInterval', `a token in ${interval.unitLabel()}`, 'allowed is a token in minutes or hours (e.g. Duration.minutes(param.valueAsNumber))',
        'An EventBridge schedule rate is a whole number of minutes, hours or days.');
    }
    if (!interval.isUnresolved()) {
      const seconds = interval.toSeconds({ integral: false });
      checkWholeMinutes(this, 'pollInterval', seconds, 300, 8 * 3600);
      // a period shorter than the interval has periods without a poll: the missing-data alarm would fire
      const pollsPeriod = alarms?.successfulPolls?.period;
      if (pollsPeriod && !pollsPeriod.isUnresolved() && pollsPeriod.toSeconds({ integral: false }) < seconds) {
        invalidProp(ObservedErrorCode.OUT_OF_RANGE, this, 'alarms.successfulPolls.period', `${pollsPeriod.toSeconds({ integral: false })} seconds`,
          `allowed is at least the poll interval (${seconds} seconds): shorter periods contain no poll and would alarm`);
      }
    }
    checkRange(this, 'largestFunctions', largest, 0, 100);
    checkInteger(this, 'largestFunctions', largest);
    checkRange(this, 'versionCleanup.versionsToKeep', keep, 1, 1000);
    checkInteger(this, 'versionCleanup.versionsToKeep', keep);
    if (prefixes !== undefined && !Token.isUnresolved(prefixes)) {
      if (prefixes.length === 0 || prefixes.length > MAX_PREFIXES) {
        invalidProp(ObservedErrorCode.OUT_OF_RANGE, this, 'versionCleanup.functionNamePrefixes', `a list of ${prefixes.length}`,
          `allowed is 1-${MAX_PREFIXES} prefixes`, 'Leave it out to clean up every function.');
      }
      prefixes.forEach((prefix, i) => {
        if (!Token.isUnresolved(prefix) && !FUNCTION_NAME_PREFIX.test(prefix)) {
          invalidProp(ObservedErrorCode.INVALID_FORMAT, this, `versionCleanup.functionNamePrefixes[${i}]`, JSON.stringify(prefix),
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
    // what references a version: aliases and provisioned concurrency per function, the version's
    // own resource policy, and the region's event source mappings (no resource-level permissions)
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadReferences',
      actions: ['lambda:ListAliases', 'lambda:ListProvisionedConcurrencyConfigs'],
      resources: functionArns(this, prefixes, false),
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadVersionPolicies',
      actions: ['lambda:GetPolicy'],
      resources: functionArns(this, prefixes, true),
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadEventSourceMappings',
      actions: ['lambda:ListEventSourceMappings'],
      resources: ['*'],
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

  /**
   * Where a listing that needs more than one poll stops and resumes: the poller's own tags. A
   * policy of its own (not the role's default policy, which the function depends on) can name the
   * function's ARN without a circular dependency.
   */
  private grantResumeState(poller: lambda.Function, role: iam.Role): void {
    new iam.Policy(this, 'ResumeStatePolicy', {
      roles: [role],
      statements: [new iam.PolicyStatement({
        sid: 'KeepListingPositionInOwnTags',
        actions: ['lambda:ListTags', 'lambda:TagResource', 'lambda:UntagResource'],
        resources: [poller.functionArn],
      })],
    });
  }

  private acknowledge(poller: lambda.Function, rule: events.Rule, role: iam.Role, prefixes: string[] | undefined): void {
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'lambda:GetAccountSettings, lambda:ListFunctions and lambda:ListEventSourceMappings, and X-Ray\'s xray:PutTraceSegments and xray:PutTelemetryRecords, do not support resource-level permissions; every other statement is scoped to a resource.',
    });
    if (this.cleanupMode !== undefined) {
      const scope = prefixes ? 'the functions whose names start with the configured prefixes' : 'every function in the account and region (no functionNamePrefixes given)';
      for (const arn of functionArns(this, prefixes, false)) {
        Validations.of(role).acknowledge({
          id: wildcardResourceFindingId(this, arn),
          reason: `lambda:ListAliases and lambda:ListProvisionedConcurrencyConfigs on ${scope}: the cleanup reads them to keep the versions they reference; the function names are not known at deploy time.`,
        });
      }
      for (const arn of functionArns(this, prefixes, true)) {
        Validations.of(role).acknowledge({
          id: wildcardResourceFindingId(this, arn),
          reason: this.cleanupMode === VersionCleanupMode.DELETE
            ? `lambda:GetPolicy and lambda:DeleteFunction on the versions (qualified ARNs only, never a whole function) of ${scope}: a version with a permission of its own is kept, the others beyond the newest are deleted; they are found at run time.`
            : `lambda:GetPolicy on the versions (qualified ARNs only) of ${scope}: a version with a permission of its own is kept; the versions are found at run time.`,
        });
      }
    }
    Validations.of(poller).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: 'The poller is invoked by a schedule whose event carries no data; a failed poll shows up as the PollFailing and PollerErrors alarms, and the next poll replaces it. A dead-letter queue would hold empty events nobody reads.',
    });
    Validations.of(poller).acknowledge({
      id: 'Serverless-LambdaAsyncFailureDestination',
      reason: 'The poller\'s asynchronous invocations (the schedule) carry no data and are not retried: a failed poll shows up as the PollFailing and PollerErrors alarms and its log, and the next poll resumes where it stopped. An on-failure destination would hold empty events.',
    });
    Validations.of(poller).acknowledge({
      id: 'ServerlessOps-MissingAlarms',
      reason: 'A throttled poll publishes no storage datapoint, which the PollFailing alarm (an hour without a poll is a 0 that breaches) reports; the poller\'s errors have the PollerErrors alarm.',
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
