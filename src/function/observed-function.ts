import { Duration, Lazy, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Alarm, CfnAlarm, IMetric, MetricOptions } from 'aws-cdk-lib/aws-cloudwatch';
import { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { CfnRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IBucket } from 'aws-cdk-lib/aws-s3';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTION_ALARMS } from './function-alarm-catalog';
import { FunctionAlarmOptions } from './function-alarm-options';
import { functionAlarmTarget } from './function-alarm-target';
import { validateFunctionProps } from './function-validation';
import { PlatformReportMetrics } from './platform-report-metrics';
import { ProvisionedConcurrencyOptions } from './provisioned-concurrency-options';
import { saveLogQueries } from './saved-log-queries';
import { buildAlarms } from '../alarms/alarm-builder';
import { consumeBucket } from '../bucket/bucket-consumer';
import { BucketConsumerOptions } from '../bucket/bucket-consumer-options';
import { availabilityObjective } from '../core/error-budget';
import { ObservedErrorCode } from '../core/error-codes';
import { concreteMillis, concreteNumber, invalidProp } from '../core/errors';
import { createFailureQueue } from '../core/failure-queue';
import { createLogGroup } from '../core/log-groups';
import { brand, hasBrand } from '../core/tree-state';
import { consumeQueue } from '../queue/queue-consumer';
import { QueueConsumerOptions } from '../queue/queue-consumer-options';
import { consumeTableStream } from '../table/table-stream-consumer';
import { TableStreamConsumerOptions } from '../table/table-stream-options';

/**
 * Props of an ObservedFunction: every prop of `lambda.Function`, with safer defaults, plus the
 * alarm settings.
 *
 * Defaults that differ from `lambda.Function` (each can be overridden):
 * - `timeout`: 10 seconds (`ObservedFunction.DEFAULT_TIMEOUT`) instead of 3;
 * - `memorySize`: 1024 MB (`ObservedFunction.DEFAULT_MEMORY_SIZE_MB`) instead of 128;
 * - `tracing`: ACTIVE; `loggingFormat`: JSON; `recursiveLoop`: TERMINATE;
 * - logs go to a log group the construct creates, kept for `logRetention` (else the
 *   `ObservedDefaults` retention, else 1 month) and encrypted with the `ObservedDefaults` key;
 * - asynchronous invocations: 2 retries, events kept up to 6 hours, failures sent to an SQS
 *   failure queue the construct creates (see `asyncFailureQueue`).
 */
export interface ObservedFunctionProps extends lambda.FunctionProps {
  /**
   * Changes to the default alarms: switch one off, or give it another threshold.
   *
   * @default - every default alarm, with the catalog thresholds
   */
  readonly alarms?: FunctionAlarmOptions;

  /**
   * Where this function's alarms notify (on ALARM and on OK).
   *
   * @default - chosen by `AlarmNotifications`: the paging or the non-paging topic of the nearest enclosing scope, else the stack's default topic
   */
  readonly alarmTopic?: ITopic;

  /**
   * Create an SQS queue (encrypted, TLS only, 14 days retention) as the on-failure destination for
   * asynchronous invocations. Ignored when `onFailure`, `deadLetterQueue`, `deadLetterQueueEnabled`
   * or `deadLetterTopic` is set. Set to false for a function that is only ever invoked synchronously.
   *
   * @default true
   */
  readonly asyncFailureQueue?: boolean;

  /**
   * Provisioned concurrency on an alias of a published version, which the construct's wiring
   * then invokes. Versions are published with `currentVersionOptions` (whose removal policy
   * defaults to DESTROY here, so replaced versions do not fill the code storage quota).
   *
   * @default - no provisioned concurrency, no alias
   */
  readonly provisionedConcurrency?: ProvisionedConcurrencyOptions;

  /**
   * Save the function's Logs Insights queries (errors, timeouts, slowest invocations, memory used
   * against memory size, cold starts; the ones its alarm descriptions link) as saved queries on
   * its log group (`AWS::Logs::QueryDefinition`, five resources).
   *
   * @default false
   */
  readonly saveLogQueries?: boolean;

  /**
   * The share of invocations that must not fail, in percent (90 to 99.999). Setting it turns on
   * the error-budget burn-rate alarms (`alarms.errorBudgetFastBurn`, `alarms.errorBudgetSlowBurn`),
   * whose budget is 100 % minus this. They are off otherwise: the default pack stays within
   * $1.00 a month per function, and a function behind an ObservedRestApi or ObservedHttpApi is
   * covered by the API's burn-rate alarms.
   *
   * @default - no burn-rate alarms; when they are switched on through `alarms`, 99.9
   */
  readonly availabilityObjectivePercent?: number;
}

/**
 * A `lambda.Function` with safe defaults and production alarms attached.
 *
 * It is a `lambda.Function`: grants, event sources, integrations and metrics work as usual.
 */
export class ObservedFunction extends lambda.Function {
  /**
   * The default timeout: long enough for a cold start and a few downstream calls with SDK
   * retries, short enough that a hung dependency does not hold concurrency for long, and below
   * API Gateway's 29-second integration timeout.
   */
  public static readonly DEFAULT_TIMEOUT = Duration.seconds(10);

  /**
   * The default memory size in MB. Memory also sets the CPU share; at 1024 MB cold starts and
   * CPU-bound work are several times faster than at CDK's 128 MB, which often costs less overall.
   */
  public static readonly DEFAULT_MEMORY_SIZE_MB = 1024;

  /** The default log retention. */
  public static readonly DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

  /** Default asynchronous retries (Lambda's maximum). */
  public static readonly DEFAULT_RETRY_ATTEMPTS = 2;

  /** Default maximum age of an asynchronous event (Lambda's maximum). */
  public static readonly DEFAULT_MAX_EVENT_AGE = Duration.hours(6);

  /**
   * Whether `x` is an ObservedFunction, made by any copy of this library loaded in the app (`instanceof`
   * fails across copies).
   */
  public static isObservedFunction(x: any): x is ObservedFunction {
    return hasBrand(x, 'ObservedFunction');
  }

  /** The alarms this function created. */
  public readonly alarms: Alarm[];

  /** The queue that receives failed asynchronous events, when the construct created it. */
  public readonly failureQueue?: IQueue;

  /** The reserved concurrency given in the props, if any. */
  public readonly reservedConcurrency?: number;

  /** The alias that carries the provisioned concurrency, when there is one. */
  public readonly alias?: lambda.Alias;

  private readonly ownLogGroup?: logs.LogGroup;
  private readonly platformReports: PlatformReportMetrics;
  private readonly timeoutGiven: boolean;

  constructor(scope: Construct, id: string, props: ObservedFunctionProps) {
    validateFunctionProps(`${scope.node.path}/${id}`, props);
    const {
      alarms, alarmTopic, asyncFailureQueue, logRetention, provisionedConcurrency, saveLogQueries: saveQueries, availabilityObjectivePercent,
      ...functionProps
    } = props;
    const userAsyncConfig = props.onFailure !== undefined || props.onSuccess !== undefined
      || props.maxEventAge !== undefined || props.retryAttempts !== undefined;
    super(scope, id, {
      ...functionProps,
      timeout: props.timeout ?? ObservedFunction.DEFAULT_TIMEOUT,
      memorySize: props.memorySize ?? ObservedFunction.DEFAULT_MEMORY_SIZE_MB,
      tracing: props.tracing ?? lambda.Tracing.ACTIVE,
      loggingFormat: props.loggingFormat ?? lambda.LoggingFormat.JSON,
      recursiveLoop: props.recursiveLoop ?? lambda.RecursiveLoop.TERMINATE,
      maxEventAge: userAsyncConfig ? props.maxEventAge ?? ObservedFunction.DEFAULT_MAX_EVENT_AGE : undefined,
      retryAttempts: userAsyncConfig ? props.retryAttempts ?? ObservedFunction.DEFAULT_RETRY_ATTEMPTS : undefined,
      // published versions are not kept after they are replaced: each one counts toward the
      // regional code storage quota
      currentVersionOptions: { removalPolicy: RemovalPolicy.DESTROY, ...props.currentVersionOptions },
    });
    brand(this, 'ObservedFunction');

    this.reservedConcurrency = props.reservedConcurrentExecutions;
    this.timeoutGiven = props.timeout !== undefined;
    if (!props.role) this.scopeLogPermissions();

    const logGroupRef: logs.ILogGroupRef = props.logGroup ?? this.createLogGroup(logRetention);
    if (!props.logGroup) this.ownLogGroup = logGroupRef as logs.LogGroup;
    this.addToRolePolicy(new PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroupRef.logGroupRef.logGroupArn],
    }));
    this.platformReports = new PlatformReportMetrics(this, logGroupRef);
    if (saveQueries) {
      if ((props.loggingFormat ?? lambda.LoggingFormat.JSON) !== lambda.LoggingFormat.JSON) {
        invalidProp(ObservedErrorCode.CONFLICTING_PROPS, this, 'saveLogQueries', true, `allowed only with loggingFormat JSON, the logs the queries read (loggingFormat is ${props.loggingFormat})`);
      }
      saveLogQueries(this, this.logGroup);
    }

    const deadLetter = props.deadLetterQueue !== undefined || props.deadLetterQueueEnabled === true || props.deadLetterTopic !== undefined;
    if (!deadLetter && props.onFailure === undefined && asyncFailureQueue !== false) {
      this.failureQueue = this.createFailureQueue(userAsyncConfig);
    }
    const destination = props.onFailure !== undefined || this.failureQueue !== undefined;

    this.acknowledgeDefaults(props);
    if (provisionedConcurrency) this.alias = this.createProvisionedAlias(provisionedConcurrency);
    this.alarms = buildAlarms(FUNCTION_ALARMS, functionAlarmTarget(this, {
      timeoutMs: concreteMillis(this.timeout),
      memoryMb: concreteNumber(props.memorySize ?? ObservedFunction.DEFAULT_MEMORY_SIZE_MB),
      reservedConcurrencySet: props.reservedConcurrentExecutions !== undefined,
      reservedConcurrency: concreteNumber(props.reservedConcurrentExecutions),
      deadLetter,
      destination,
      failureQueueName: this.failureQueue?.queueName,
      aliasName: this.alias?.aliasName,
      reports: this.platformReports,
      availabilityObjectivePercent: availabilityObjective(this, 'availabilityObjectivePercent', availabilityObjectivePercent),
    }, withErrorBudgetAlarms(alarms, availabilityObjectivePercent), 'alarms', alarmTopic));
  }

  /**
   * Lowers the default timeout to `maxSeconds` when the props set none (an API integration gives
   * up after its own timeout, so the function must end before it). The duration alarm keeps its
   * share of the timeout. Returns whether the timeout was lowered.
   * @internal
   */
  public _fitDefaultTimeout(maxSeconds: number): boolean {
    const cfn = this.node.defaultChild as lambda.CfnFunction;
    const current = cfn.timeout;
    if (this.timeoutGiven || current === undefined || Token.isUnresolved(current) || current <= maxSeconds) return false;
    cfn.timeout = maxSeconds;
    (this as { timeout?: Duration }).timeout = Duration.seconds(maxSeconds);
    // the alarm may live in a nested stack (src/placement): find it among the function's alarms
    const alarm = this.alarms.find(a => a.node.id === 'DurationNearTimeoutAlarm')?.node.defaultChild;
    if (alarm instanceof CfnAlarm && typeof alarm.threshold === 'number') alarm.threshold = alarm.threshold * maxSeconds / current;
    return true;
  }

  /**
   * The log group the function writes to (the one the construct created, or the one passed in).
   */
  public get logGroup(): logs.ILogGroup {
    return this.ownLogGroup ?? super.logGroup;
  }

  /**
   * Invocations that ran into the timeout, counted from the function's `platform.report` log
   * records. The metric has data only in minutes with a timeout.
   *
   * @default - sum over 1 minute
   */
  public metricTimeouts(props?: MetricOptions): IMetric {
    return this.platformReports.timeouts({ statistic: 'Sum', period: Duration.minutes(1), ...props });
  }

  /**
   * Consume an SQS queue with safe settings: batches of 10, partial batch responses, and synth-time
   * checks for the mistakes that make consumers fail (visibility timeout below 6x the function
   * timeout plus the batching window, batch size above 10 without a window, FIFO batches above 10,
   * max concurrency outside 2-1000 or above the reserved concurrency). An ObservedQueue whose
   * visibility timeout was not set is given one that fits. Any other queue gets the backpressure,
   * stuck-consumer and dead-letter alarms from this wiring. A grant to send to the same queue is
   * reported as a self-trigger loop.
   *
   * @returns the event source, for its mapping id
   */
  public consumeQueue(queue: IQueue, options?: QueueConsumerOptions): SqsEventSource {
    return consumeQueue(this, queue, options);
  }

  /**
   * Consume a DynamoDB table's stream with failure handling that cannot block a shard (bisect on
   * error, a 6-hour max record age, 3 retries, an SQS failure queue), partial batch responses, and
   * IteratorAge and failed-record alarms. Records the function wrote itself are dropped by event
   * filtering (`dropOwnWrites`), so writing back to the table cannot loop: the function marks its
   * writes with the attribute and value in its `OBSERVED_WRITE_MARKER_ATTRIBUTE` and
   * `OBSERVED_WRITE_MARKER` environment variables.
   *
   * @returns the event source, for its mapping id
   */
  public consumeTableStream(table: ITable, options?: TableStreamConsumerOptions): DynamoEventSource {
    return consumeTableStream(this, table, options);
  }

  /**
   * Consume a bucket's object notifications with key spaces that cannot loop: notifications only
   * for `inputPrefix` (read access there), write access only under `outputPrefix`, and a synth
   * error when the two overlap or when the function writes to a bucket without an input prefix.
   */
  public consumeBucket(bucket: IBucket, options?: BucketConsumerOptions): void {
    consumeBucket(this, bucket, options);
  }

  /**
   * What the construct's wiring invokes: the provisioned-concurrency alias when there is one,
   * else the function itself.
   */
  public get invokeTarget(): lambda.IFunction {
    return this.alias ?? this;
  }

  /**
   * Init duration of cold starts (ms), from the `platform.report` records; its SampleCount is the
   * number of cold starts. Creates the metric filter on first use (a custom metric with data in
   * every minute with a cold start).
   *
   * @default - average over 1 minute
   */
  public metricColdStartInitDuration(props?: MetricOptions): IMetric {
    return this.platformReports.initDurations({ statistic: 'Average', period: Duration.minutes(1), ...props });
  }

  private createProvisionedAlias(options: ProvisionedConcurrencyOptions): lambda.Alias {
    const alias = new lambda.Alias(this, 'Alias', {
      aliasName: options.aliasName ?? 'live',
      version: this.currentVersion,
      provisionedConcurrentExecutions: options.executions,
    });
    if (options.maxExecutions !== undefined) {
      alias.addAutoScaling({ minCapacity: options.executions, maxCapacity: options.maxExecutions })
        .scaleOnUtilization({ utilizationTarget: (options.utilizationTargetPercent ?? 70) / 100 });
    }
    return alias;
  }

  private createLogGroup(retention: logs.RetentionDays | undefined): logs.LogGroup {
    const logGroup = createLogGroup(this, 'LogGroup', retention, { owner: this, name: 'logRetention', fallback: ObservedFunction.DEFAULT_LOG_RETENTION });
    (this.node.defaultChild as lambda.CfnFunction).addPropertyOverride('LoggingConfig.LogGroup', logGroup.logGroupName);
    return logGroup;
  }

  /**
   * The role CDK creates carries AWSLambdaBasicExecutionRole (logs on every log group). Logs go
   * only to this function's log group, so that managed policy is dropped for a scoped statement;
   * managed policies added for other reasons (VPC access, Lambda Insights, the user's) stay.
   */
  private scopeLogPermissions(): void {
    const cfnRole = this.role?.node.defaultChild as CfnRole | undefined;
    if (!cfnRole) return;
    const stack = Stack.of(this);
    const original = cfnRole.managedPolicyArns;
    cfnRole.managedPolicyArns = Lazy.list({
      produce: () => {
        const kept = (stack.resolve(original) as unknown[] | undefined ?? [])
          .filter(arn => !JSON.stringify(arn).includes('service-role/AWSLambdaBasicExecutionRole'));
        return kept.length > 0 ? kept as string[] : undefined;
      },
    });
  }

  private createFailureQueue(userAsyncConfig: boolean): Queue {
    const queue = createFailureQueue(this, 'FailureQueue', 'the function\'s failed asynchronous invocations');
    if (!userAsyncConfig) {
      this.configureAsyncInvoke({
        onFailure: new SqsDestination(queue),
        maxEventAge: ObservedFunction.DEFAULT_MAX_EVENT_AGE,
        retryAttempts: ObservedFunction.DEFAULT_RETRY_ATTEMPTS,
      });
    }
    return queue;
  }

  private acknowledgeDefaults(props: ObservedFunctionProps): void {
    if (this.failureQueue) {
      Validations.of(this).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: 'Failed asynchronous events go to an on-failure destination (the construct\'s failure queue), which AWS recommends over a dead-letter queue because it records the error and request context; configuring both would deliver every failure twice.',
      });
    }
    if (props.asyncFailureQueue === false && !props.deadLetterQueue && !props.deadLetterQueueEnabled && !props.deadLetterTopic && !props.onFailure) {
      Validations.of(this).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason: 'asyncFailureQueue is false: the function is stated to be invoked only synchronously or by event source mappings, so it has no asynchronous events to dead-letter.',
      });
    }
    const tracing = props.tracing ?? lambda.Tracing.ACTIVE;
    if (!props.role && tracing !== lambda.Tracing.DISABLED && this.role) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which do not support resource-level permissions; every other statement the construct adds is scoped to a resource.',
      });
    }
  }
}

/** Stating an availability objective turns the burn-rate alarms on, unless the options say otherwise. */
function withErrorBudgetAlarms(alarms: FunctionAlarmOptions | undefined, objective: number | undefined): FunctionAlarmOptions | undefined {
  if (objective === undefined) return alarms;
  return {
    ...alarms,
    errorBudgetFastBurn: { enabled: true, ...alarms?.errorBudgetFastBurn },
    errorBudgetSlowBurn: { enabled: true, ...alarms?.errorBudgetSlowBurn },
  };
}
