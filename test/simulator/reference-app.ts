import { App, CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { AlarmPlacement, AlarmPlacementMode, ObservedFunction, ObservedFunctionProps, ObservedQueue, ObservedTable } from '../../src';
import { FunctionRefs, ReferenceAppRefs } from './scenarios/world';
import { AccountConcurrencyMonitor } from '../../src/account/account-concurrency-monitor';
import { CodeStorageMonitor } from '../../src/account/code-storage-monitor';
import { buildAlarms } from '../../src/alarms/alarm-builder';
import { REST_API_ALARMS } from '../../src/api/api-alarm-catalog';
import { burnRateThreshold, DEFAULT_AVAILABILITY_OBJECTIVE_PERCENT, isErrorBudgetKey } from '../../src/core/error-budget';
import { MINIMAL } from '../helpers';

/** REST APIs' default integration timeout. */
const INTEGRATION_TIMEOUT_MS = 29_000;

export interface ReferenceApp {
  readonly stack: Stack;
  readonly template: any;
  readonly refs: ReferenceAppRefs;
  /** The app's functions (not the monitors' own), for the peers' alarm definitions. */
  readonly functions: Array<{ logicalId: string; timeoutSeconds: number }>;
}

/**
 * The reference app, built from our real constructs with every default alarm: an orders API, a
 * queue worker, a reporter with reserved concurrency, a stream projector, an async notifier, a
 * function with a DLQ, a provisioned and an on-demand table, and the account monitors.
 * `pathMetadata` adds aws:cdk:path metadata (as `cdk synth` does) so scenarios can name resources
 * by construct path.
 */
export function referenceApp(options: { pathMetadata?: boolean } = {}): ReferenceApp {
  // no in-process template validation here (the constructs' own tests do it): it triples synth time
  const app = new App({ context: options.pathMetadata ? { 'aws:cdk:enable-path-metadata': true } : {} });
  // the tests read one template (Template.fromStack): every alarm in the stack, as by default
  AlarmPlacement.configure(app, { mode: AlarmPlacementMode.SAME_STACK });
  const stack = new Stack(app, 'Orders', { env: { account: '123456789012', region: 'us-east-1' } });
  const fn = (id: string, props: Partial<ObservedFunctionProps>) => new ObservedFunction(stack, id, { ...MINIMAL, ...props });

  const orders = new ObservedTable(stack, 'OrdersTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    billing: dynamodb.Billing.provisioned({
      readCapacity: dynamodb.Capacity.fixed(5),
      writeCapacity: dynamodb.Capacity.autoscaled({ minCapacity: 5, maxCapacity: 5 }),
    }),
  });
  const events = new ObservedTable(stack, 'EventsTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: 100, maxWriteRequestUnits: 100 }),
  });

  // the read path states its latency objective: p99 within a second
  const api = fn('Api', { timeout: Duration.seconds(5), asyncFailureQueue: false, alarms: { durationP99Milliseconds: { enabled: true } } });
  const exportFn = fn('Export', { timeout: Duration.seconds(28), asyncFailureQueue: false });
  orders.grantReadWriteData(api);
  const restApi = new apigateway.RestApi(stack, 'OrdersApi', { restApiName: 'orders-api', deploy: true });
  restApi.root.addMethod('GET', new apigateway.LambdaIntegration(api));
  restApi.root.addResource('export').addMethod('GET', new apigateway.LambdaIntegration(exportFn));
  const apiAlarms = new Construct(stack, 'OrdersApiAlarms');
  buildAlarms(REST_API_ALARMS, {
    owner: apiAlarms,
    dimensions: { ApiName: 'orders-api' },
    optionsProp: 'alarms',
    // the orders API always has traffic: a silent quarter of an hour is an outage upstream
    // its export route takes seconds by design: the API's p99 objective is stated accordingly
    options: { minimumRequests: { enabled: true }, latencyP99Milliseconds: { threshold: 8000 } },
    absoluteThreshold: (key, threshold) => isErrorBudgetKey(key) ? burnRateThreshold(threshold, DEFAULT_AVAILABILITY_OBJECTIVE_PERCENT)
      : key === 'latencyP99PercentOfTimeout' ? INTEGRATION_TIMEOUT_MS * threshold / 100 : threshold,
  });

  const worker = fn('Worker', { timeout: Duration.seconds(60), asyncFailureQueue: false });
  const jobs = new ObservedQueue(stack, 'Jobs');
  worker.consumeQueue(jobs, { batchSize: 1 });

  const reporter = fn('Reporter', { timeout: Duration.seconds(60), reservedConcurrentExecutions: 10, asyncFailureQueue: false });
  const reports = new ObservedQueue(stack, 'Reports');
  reporter.consumeQueue(reports, { batchSize: 1, maxConcurrency: 10 });

  const projector = fn('Projector', { asyncFailureQueue: false });
  projector.consumeTableStream(orders);

  const notifier = fn('Notifier', {});
  events.grantWriteData(notifier);
  const legacy = fn('Legacy', { deadLetterQueueEnabled: true });
  // a scheduled job: one asynchronous invocation an hour, no retries
  const hourly = fn('Hourly', {
    timeout: Duration.seconds(30),
    retryAttempts: 0,
    // it runs every hour: 70 minutes without a run means the schedule stopped
    alarms: { minimumInvocations: { enabled: true, period: Duration.minutes(70) } },
  });

  const codeStorage = new CodeStorageMonitor(stack, 'CodeStorage');
  new AccountConcurrencyMonitor(stack, 'Concurrency');

  const template = Template.fromStack(stack).toJSON();
  const ref = (c: IConstruct) => `\${${stack.getLogicalId((c.node.defaultChild ?? c) as CfnElement)}}`;
  const fnRefs = (f: ObservedFunction, timeoutSeconds: number, memoryMb = 1024): FunctionRefs => ({
    fn: ref(f),
    logGroup: ref(f.logGroup),
    timeoutMs: timeoutSeconds * 1000,
    memoryMb,
    failureQueue: f.failureQueue ? ref(f.failureQueue as sqs.Queue) : undefined,
  });
  const queueRefs = (q: ObservedQueue) => ({ queue: ref(q), dlq: ref(q.deadLetterQueue!.queue) });
  const failureQueue = projector.node.findAll().find(c => c instanceof sqs.CfnQueue && c.node.path.includes('OrdersTable'))!;
  const refs: ReferenceAppRefs = {
    apiName: 'orders-api',
    api: fnRefs(api, 5),
    export: fnRefs(exportFn, 28),
    worker: fnRefs(worker, 60),
    reporter: fnRefs(reporter, 60),
    projector: fnRefs(projector, 10),
    notifier: fnRefs(notifier, 10),
    legacy: fnRefs(legacy, 10),
    hourly: fnRefs(hourly, 30),
    poller: ref(codeStorage.pollerFunction),
    jobs: queueRefs(jobs),
    reports: queueRefs(reports),
    projectorFailureQueue: ref(failureQueue),
    orders: ref(orders),
    ordersReadCapacity: 5,
    ordersWriteCapacity: 5,
    events: ref(events),
    reporterReserved: 10,
    accountQuota: 110,
  };
  const functions = [[api, 5], [exportFn, 28], [worker, 60], [reporter, 60], [projector, 10], [notifier, 10], [legacy, 10], [hourly, 30]]
    .map(([f, t]) => ({ logicalId: stack.getLogicalId((f as lambda.Function).node.defaultChild as CfnElement), timeoutSeconds: t as number }));
  return { stack, template, refs, functions };
}
