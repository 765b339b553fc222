/**
 * Lint benchmark: `validateScope` of the ServerlessOps pack against cdk-nag's ServerlessChecks.
 *
 * For about N = 200, 1,000 and 2,000 CloudFormation resources it builds a realistic serverless
 * app of plain aws-cdk-lib constructs, at most ~450 resources per stack, repeating four shapes:
 *   - a queue worker: queue + DLQ, function (role, policy) with an SQS event source (max
 *     concurrency), error/throttle alarms and a DLQ alarm;
 *   - a stream processor: table with a stream, function with a DynamoDB event source (bisect,
 *     max record age, on-failure queue) writing to another table;
 *   - a REST API: two routes on two functions, the first calling the second (grantInvoke);
 *   - an HTTP API route on a function that sends to a worker's queue.
 * The apps are careful (the pack finds nothing); a careless variant of the 2,000-resource app
 * (default visibility timeouts, no alarms, stream mappings without failure handling, consumers
 * allowed to send to their own queue) measures the cost of findings and their messages.
 * Then, in one run and interleaved, it lints each app with both packs: 1 warm-up round
 * (discarded), then the median of the measured rounds. Measurement only: exit 0 unless something
 * throws.
 *
 * Run: `npx ts-node --transpile-only bench/lint.bench.ts` (output: a table, bench/results/lint.json).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ServerlessChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ServerlessOpsChecks } from '../src/lint/pack';

const SIZES = [200, 1_000, 2_000];
const ROUNDS = 15; // measured rounds per size and pack, after one warm-up (the machine has 2 cores: many rounds steady the median)
const MAX_PER_STACK = 450;
const ENV = { account: '123456789012', region: 'us-east-1' };
const code = lambda.Code.fromInline('exports.handler = async () => 1;');

function fn(scope: IConstruct, id: string, timeoutSeconds: number): lambda.Function {
  return new lambda.Function(scope as Stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code,
    timeout: Duration.seconds(timeoutSeconds),
    memorySize: 1024,
  });
}

let careless = false;

function alarms(f: lambda.Function): void {
  if (careless) return;
  f.metricErrors().createAlarm(f, 'Errors', { threshold: 1, evaluationPeriods: 1 });
  f.metricThrottles().createAlarm(f, 'Throttles', { threshold: 1, evaluationPeriods: 1 });
}

/** The four shapes; each returns nothing, adding ~10-25 resources to the stack. */
const SHAPES: ((stack: Stack, i: number, last: { queue?: sqs.Queue }) => void)[] = [
  (stack, i, last) => {
    const dlq = new sqs.Queue(stack, `Dlq${i}`, { retentionPeriod: Duration.days(14) });
    const queue = new sqs.Queue(stack, `Jobs${i}`, {
      visibilityTimeout: careless ? undefined : Duration.seconds(6 * 20 + 5), deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
    });
    const worker = fn(stack, `Worker${i}`, 20);
    worker.addEventSource(new SqsEventSource(queue, {
      batchSize: 10, maxBatchingWindow: Duration.seconds(5), maxConcurrency: 5, reportBatchItemFailures: true,
    }));
    alarms(worker);
    if (!careless) dlq.metricApproximateNumberOfMessagesVisible().createAlarm(dlq, 'Depth', { threshold: 0, evaluationPeriods: 1 });
    else queue.grantSendMessages(worker);
    last.queue = queue;
  },
  (stack, i) => {
    // careful: on-demand; careless: aws-cdk-lib's default, provisioned at 5 and 5 (FixedTableCapacity)
    const billingMode = careless ? undefined : dynamodb.BillingMode.PAY_PER_REQUEST;
    const table = new dynamodb.Table(stack, `Orders${i}`, { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, stream: dynamodb.StreamViewType.NEW_IMAGE, billingMode });
    const projection = new dynamodb.Table(stack, `Projection${i}`, { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, billingMode });
    const failures = new sqs.Queue(stack, `StreamFailures${i}`);
    const processor = fn(stack, `Projector${i}`, 30);
    processor.addEventSource(new DynamoEventSource(table, {
      startingPosition: lambda.StartingPosition.LATEST,
      bisectBatchOnError: true,
      retryAttempts: 5,
      maxRecordAge: Duration.hours(1),
      onFailure: new SqsDlq(failures),
    }));
    projection.grantWriteData(processor);
    alarms(processor);
  },
  (stack, i) => {
    const backend = fn(stack, `Backend${i}`, 5);
    const front = fn(stack, `Front${i}`, 10);
    backend.grantInvoke(front);
    const api = new apigw.RestApi(stack, `Api${i}`, { deployOptions: { tracingEnabled: true } });
    const orders = api.root.addResource('orders');
    orders.addMethod('GET', new apigw.LambdaIntegration(front));
    orders.addResource('{id}').addMethod('GET', new apigw.LambdaIntegration(front));
    alarms(front);
    alarms(backend);
  },
  (stack, i, last) => {
    const handler = fn(stack, `HttpHandler${i}`, 10);
    const api = new apigwv2.HttpApi(stack, `HttpApi${i}`);
    api.addRoutes({ path: '/items', methods: [apigwv2.HttpMethod.POST], integration: new HttpLambdaIntegration(`Items${i}`, handler) });
    if (last.queue) last.queue.grantSendMessages(handler);
    alarms(handler);
  },
];

const countResources = (scope: IConstruct): number => scope.node.findAll().filter(CfnResource.isCfnResource).length;

/** An app of about `target` resources. */
function buildApp(target: number): { app: App; resources: number; stacks: number } {
  const app = new App();
  let stack = new Stack(app, 'Service0', { env: ENV });
  let inStack = 0;
  let total = 0;
  let stacks = 1;
  const last: { queue?: sqs.Queue } = {};
  for (let i = 0; total < target; i++) {
    if (inStack > MAX_PER_STACK - 40) {
      stack = new Stack(app, `Service${stacks++}`, { env: ENV });
      inStack = 0;
      last.queue = undefined;
    }
    const before = countResources(stack);
    SHAPES[i % SHAPES.length](stack, i, last);
    const added = countResources(stack) - before;
    inStack += added;
    total += added;
  }
  return { app, resources: total, stacks };
}

function time(run: () => unknown): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const apps = SIZES.map(size => ({ size, variant: 'careful', ...buildApp(size) }));
careless = true;
apps.push({ size: SIZES[SIZES.length - 1], variant: 'careless', ...buildApp(SIZES[SIZES.length - 1]) });
careless = false;
const results = apps.map(({ size, variant, app, resources, stacks }) => {
  const ours: number[] = [];
  const nag: number[] = [];
  let findings = 0;
  let nagFindings = 0;
  for (let round = 0; round <= ROUNDS; round++) { // round 0 is the warm-up
    const o = time(() => { findings = new ServerlessOpsChecks().validateScope(app).violations.length; });
    const n = time(() => {
      nagFindings = new ServerlessChecks().validateScope(app).violations.reduce((s, v) => s + v.violatingResources.length, 0);
    });
    if (round > 0) { ours.push(o); nag.push(n); }
  }
  return {
    size,
    variant,
    resources,
    stacks,
    findings,
    nagFindings,
    serverlessOps: { ms: median(ours), roundsMs: ours.map(t => Math.round(t * 10) / 10) },
    cdkNagServerless: { ms: median(nag), roundsMs: nag.map(t => Math.round(t * 10) / 10) },
  };
});

console.log(`lint benchmark: validateScope, median of ${ROUNDS} rounds after 1 warm-up (${os.cpus().length} CPUs, node ${process.version})`);
console.log(' app       resources  stacks  ServerlessOps ms  findings  cdk-nag Serverless ms  its findings');
for (const r of results) {
  console.log(` ${r.variant.padEnd(8)}  ${String(r.resources).padStart(9)}  ${String(r.stacks).padStart(6)}  ${r.serverlessOps.ms.toFixed(1).padStart(16)}  `
    + `${String(r.findings).padStart(8)}  ${r.cdkNagServerless.ms.toFixed(1).padStart(21)}  ${String(r.nagFindings).padStart(12)}`);
}
const at = (size: number) => results.find(r => r.size === size && r.variant === 'careful')!;
const growth = at(2_000).serverlessOps.ms / at(1_000).serverlessOps.ms;
const nagGrowth = at(2_000).cdkNagServerless.ms / at(1_000).cdkNagServerless.ms;
console.log();
console.log(`ServerlessOps growth 1,000 -> 2,000 resources: ${growth.toFixed(2)}x (target <= 2.2x); cdk-nag Serverless: ${nagGrowth.toFixed(2)}x`);
console.log(`ServerlessOps at ${at(2_000).resources} resources: ${at(2_000).serverlessOps.ms.toFixed(1)} ms (target <= 100 ms); cdk-nag Serverless: ${at(2_000).cdkNagServerless.ms.toFixed(1)} ms`);

const resultsDir = path.join(__dirname, 'results');
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(path.join(resultsDir, 'lint.json'), JSON.stringify({
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  rounds: ROUNDS,
  growth1000to2000: { serverlessOps: growth, cdkNagServerless: nagGrowth },
  results,
}, null, 2) + '\n');
