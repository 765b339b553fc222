import { AspectPriority, Aspects, IAspect, Stack, Token } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { buildAlarms } from '../alarms/alarm-builder';
import { HTTP_API_ALARMS, REST_API_ALARMS } from '../api/api-alarm-catalog';
import { ApiAlarmOptions } from '../api/api-alarm-options';
import { hasOwnAlarms } from '../core/alarm-registry';
import { burnRateThreshold, DEFAULT_AVAILABILITY_OBJECTIVE_PERCENT, isErrorBudgetKey } from '../core/error-budget';
import { INTEGRATION_TIMEOUT_MS } from '../core/limits';
import { brand, hasBrand } from '../core/tree-state';
import { FUNCTION_ALARMS } from '../function/function-alarm-catalog';
import { FunctionAlarmOptions } from '../function/function-alarm-options';
import { functionAlarmTarget } from '../function/function-alarm-target';
import { ObservedFunction } from '../function/observed-function';
import { PlatformReportMetrics } from '../function/platform-report-metrics';
import { ObservedQueue } from '../queue/observed-queue';
import { QUEUE_ALARMS } from '../queue/queue-alarm-catalog';
import { QueueAlarmOptions } from '../queue/queue-alarm-options';
import { ObservedTable } from '../table/observed-table';
import { TABLE_ALARMS, tableAlarmApplies } from '../table/table-alarm-catalog';
import { TableAlarmOptions } from '../table/table-alarm-options';

/** Props of the AdoptAlarms aspect. */
export interface AdoptAlarmsProps {
  /**
   * Changes to the default alarms of adopted Lambda functions.
   *
   * @default - the ObservedFunction defaults that apply to the function
   */
  readonly functionAlarms?: FunctionAlarmOptions;

  /**
   * Changes to the default alarms of adopted SQS queues.
   *
   * @default - the ObservedQueue defaults
   */
  readonly queueAlarms?: QueueAlarmOptions;

  /**
   * Changes to the default alarms of adopted DynamoDB tables.
   *
   * @default - the ObservedTable defaults
   */
  readonly tableAlarms?: TableAlarmOptions;

  /**
   * Changes to the default alarms of adopted REST and HTTP APIs.
   *
   * @default - the ObservedRestApi / ObservedHttpApi defaults
   */
  readonly apiAlarms?: ApiAlarmOptions;

  /**
   * Where the adopted alarms notify.
   *
   * @default - chosen by `AlarmNotifications`: the paging or the non-paging topic of the nearest enclosing scope, else the stack's default topic
   */
  readonly alarmTopic?: ITopic;
}

/** API Gateway's default integration timeouts, against which the API latency alarm is set. */
const REST_INTEGRATION_TIMEOUT_MS = INTEGRATION_TIMEOUT_MS.rest;
const HTTP_INTEGRATION_TIMEOUT_MS = INTEGRATION_TIMEOUT_MS.http;

/**
 * Gives plain aws-cdk-lib resources in a scope the default alarms of the observed constructs,
 * without touching their code: `lambda.Function`, `sqs.Queue` (its dead-letter queue alarmed
 * through it), `dynamodb.Table` and `TableV2`, `RestApi` and `HttpApi`. The alarms come from the
 * same catalogs (and the same builder), so names, thresholds, placement, notifications, the
 * service-health alarm and the dashboard treat them like any other.
 *
 * A plain function gets the alarms whose metrics Lambda publishes; the timeouts and memory alarms,
 * counted from JSON `platform.report` log records, only when its logging format is JSON.
 *
 * `Aspects.of(app).add(new AdoptAlarms())`, or `AdoptAlarms.applyTo(scope)`.
 */
export class AdoptAlarms implements IAspect {
  /**
   * Adds the aspect to `scope` with a priority that runs it before the service-health alarm and
   * the dashboard collect their alarms.
   */
  public static applyTo(scope: IConstruct, props: AdoptAlarmsProps = {}): AdoptAlarms {
    const aspect = new AdoptAlarms(props);
    Aspects.of(scope).add(aspect, { priority: AspectPriority.MUTATING });
    return aspect;
  }

  /**
   * Whether `x` is an AdoptAlarms aspect, made by any copy of this library loaded in the app
   * (`instanceof` fails across copies).
   */
  public static isAdoptAlarms(x: any): x is AdoptAlarms {
    return hasBrand(x, 'AdoptAlarms');
  }

  /** The alarms this aspect created, per adopted construct path (filled when the app is synthesized). */
  public readonly adopted: { [path: string]: Alarm[] } = {};

  private deadLetterQueues?: Set<IConstruct>;

  constructor(private readonly props: AdoptAlarmsProps = {}) {
    brand(this, 'AdoptAlarms');
  }

  public visit(node: IConstruct): void {
    const kind = node instanceof lambda.Function || node instanceof sqs.Queue || node instanceof dynamodb.Table
      || node instanceof dynamodb.TableV2 || node instanceof apigw.RestApiBase || node instanceof apigwv2.HttpApi;
    if (!kind || this.adopted[node.node.path] || isObserved(node) || insideObserved(node)) return;
    let alarms: Alarm[] | undefined;
    if (node instanceof lambda.Function) alarms = this.adoptFunction(node);
    else if (node instanceof sqs.Queue) alarms = this.adoptQueue(node);
    else if (node instanceof dynamodb.Table || node instanceof dynamodb.TableV2) alarms = this.adoptTable(node);
    else if (node instanceof apigw.RestApiBase) alarms = this.adoptRestApi(node);
    else if (node instanceof apigwv2.HttpApi) alarms = this.adoptHttpApi(node);
    if (alarms) this.adopted[node.node.path] = alarms;
  }

  private adoptFunction(fn: lambda.Function): Alarm[] {
    const cfn = fn.node.defaultChild as lambda.CfnFunction;
    const json = (Stack.of(fn).resolve(cfn.loggingConfig) as lambda.CfnFunction.LoggingConfigProperty | undefined)?.logFormat === 'JSON';
    const timeoutSeconds = number(cfn.timeout) ?? (cfn.timeout === undefined ? 3 : undefined);
    const memoryMb = number(cfn.memorySize) ?? (cfn.memorySize === undefined ? 128 : undefined);
    const reserved = number(cfn.reservedConcurrentExecutions);
    const deadLetter = cfn.deadLetterConfig !== undefined;
    const invokeConfig = fn.node.tryFindChild('EventInvokeConfig')?.node.defaultChild as lambda.CfnEventInvokeConfig | undefined;
    const destination = (Stack.of(fn).resolve(invokeConfig?.destinationConfig) as { onFailure?: unknown } | undefined)?.onFailure !== undefined;
    return buildAlarms(FUNCTION_ALARMS, functionAlarmTarget(fn, {
      timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
      memoryMb,
      reservedConcurrencySet: reserved !== undefined,
      reservedConcurrency: reserved,
      deadLetter,
      destination,
      // plain functions: only what their logs allow (JSON), no provisioned-concurrency alias here
      reports: json ? new PlatformReportMetrics(fn, fn.logGroup) : undefined,
    }, this.props.functionAlarms, 'AdoptAlarms functionAlarms', this.props.alarmTopic));
  }

  private adoptQueue(queue: sqs.Queue): Alarm[] | undefined {
    // a dead-letter queue is alarmed through the queue it belongs to
    if (this.deadLetterQueuesOf(queue).has(queue)) return undefined;
    const dlq = queue.deadLetterQueue?.queue;
    return buildAlarms(QUEUE_ALARMS, {
      owner: queue,
      dimensions: { QueueName: queue.queueName },
      dimensionsFor: key => key === 'deadLetterQueueMessages' && dlq ? { QueueName: dlq.queueName } : undefined,
      options: this.props.queueAlarms,
      optionsProp: 'AdoptAlarms queueAlarms',
      topic: this.props.alarmTopic,
      applies: key => key !== 'deadLetterQueueMessages' || dlq !== undefined,
    });
  }

  private adoptTable(table: dynamodb.Table | dynamodb.TableV2): Alarm[] {
    const cfn = table.node.defaultChild as dynamodb.CfnTable | dynamodb.CfnGlobalTable;
    const billing = Stack.of(table).resolve(cfn.billingMode);
    const provisioned = billing === 'PROVISIONED' || (billing === undefined && cfn instanceof dynamodb.CfnTable);
    return buildAlarms(TABLE_ALARMS, {
      owner: table,
      dimensions: { TableName: table.tableName },
      options: this.props.tableAlarms,
      optionsProp: 'AdoptAlarms tableAlarms',
      topic: this.props.alarmTopic,
      applies: key => tableAlarmApplies(key, provisioned),
    });
  }

  private adoptRestApi(api: apigw.RestApiBase): Alarm[] {
    const stage = api.deploymentStage as apigw.Stage | undefined;
    return buildAlarms(REST_API_ALARMS, {
      owner: api,
      dimensions: stage ? { ApiName: api.restApiName, Stage: stage.stageName } : { ApiName: api.restApiName },
      options: this.props.apiAlarms,
      optionsProp: 'AdoptAlarms apiAlarms',
      topic: this.props.alarmTopic,
      absoluteThreshold: (key, threshold) => isErrorBudgetKey(key) ? burnRateThreshold(threshold, DEFAULT_AVAILABILITY_OBJECTIVE_PERCENT)
        : key === 'latencyP99PercentOfTimeout' ? REST_INTEGRATION_TIMEOUT_MS * threshold / 100 : threshold,
    });
  }

  private adoptHttpApi(api: apigwv2.HttpApi): Alarm[] {
    return buildAlarms(HTTP_API_ALARMS, {
      owner: api,
      dimensions: api.defaultStage ? { ApiId: api.apiId, Stage: api.defaultStage.stageName } : { ApiId: api.apiId },
      options: this.props.apiAlarms,
      optionsProp: 'AdoptAlarms apiAlarms',
      topic: this.props.alarmTopic,
      absoluteThreshold: (key, threshold) => isErrorBudgetKey(key) ? burnRateThreshold(threshold, DEFAULT_AVAILABILITY_OBJECTIVE_PERCENT)
        : key === 'latencyP99PercentOfTimeout' ? HTTP_INTEGRATION_TIMEOUT_MS * threshold / 100 : threshold,
    });
  }

  /** Every queue in the app that is another queue's dead-letter queue (computed once). */
  private deadLetterQueuesOf(any: IConstruct): Set<IConstruct> {
    if (!this.deadLetterQueues) {
      this.deadLetterQueues = new Set();
      for (const c of any.node.root.node.findAll()) {
        if (c instanceof sqs.Queue && c.deadLetterQueue) this.deadLetterQueues.add(c.deadLetterQueue.queue);
      }
    }
    return this.deadLetterQueues;
  }
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' && !Token.isUnresolved(value) ? value : undefined;
}

/** The library's own constructs, whose alarms come from their constructors. */
function isObserved(node: IConstruct): boolean {
  return ObservedFunction.isObservedFunction(node) || ObservedQueue.isObservedQueue(node) || ObservedTable.isObservedTable(node)
    || hasOwnAlarms(node);
}

/** Resources the library created inside an observed construct (failure queues, DLQs, pollers). */
function insideObserved(node: IConstruct): boolean {
  for (let scope = node.node.scope; scope; scope = scope.node.scope) {
    if (isObserved(scope)) return true;
  }
  return false;
}

/**
 * Runs the AdoptAlarms aspects that apply to `watched` now, so that a construct that collects
 * alarms (the service-health alarm, the dashboard) sees the adopted ones whatever the order in
 * which CDK visits the tree. Adoption is idempotent: the aspect's own visit later skips them.
 */
export function adoptPending(watched: IConstruct): void {
  const scopes: IConstruct[] = [];
  for (let s: IConstruct | undefined = watched; s; s = s.node.scope) scopes.push(s);
  for (const c of watched.node.findAll()) if (c !== watched && Stack.isStack(c)) scopes.push(c);
  for (const scope of scopes) {
    for (const aspect of Aspects.of(scope).all) {
      // an aspect of another copy of the library too: it adopts into the same registry
      if (!AdoptAlarms.isAdoptAlarms(aspect)) continue;
      // the part of the tree both the aspect and the watcher cover
      const root = isAncestor(scope, watched) ? watched : scope;
      for (const node of root.node.findAll()) aspect.visit(node);
    }
  }
}

function isAncestor(a: IConstruct, b: IConstruct): boolean {
  return b.node.path === a.node.path || a.node.path === '' || b.node.path.startsWith(`${a.node.path}/`);
}
