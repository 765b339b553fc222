/* eslint-disable @stylistic/max-len */
import { logNormalQuantile, Random, ScenarioBuilder } from './builder';

/** How a scenario names one function of the reference app (`${...}` strings, see refs.ts). */
export interface FunctionRefs {
  /** The FunctionName dimension, e.g. `${Worker}`. */
  readonly fn: string;
  /** The function's log group (for platform.report records), e.g. `${Worker/LogGroup}`. */
  readonly logGroup: string;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** The QueueName dimension of the function's own failure queue, if it has one. */
  readonly failureQueue?: string;
}

export interface QueueRefs {
  /** The QueueName dimension of the queue, e.g. `${Jobs}`. */
  readonly queue: string;
  /** The QueueName dimension of its dead-letter queue. */
  readonly dlq: string;
}

/**
 * The resources of the reference app the generators write metrics for: an orders API (REST API
 * `apiName` in front of the `api` and `export` functions) reading a provisioned table `orders`,
 * a queue worker (`jobs` -> `worker`), a reporter with reserved concurrency (`reports` ->
 * `reporter`), a projector on the orders table's stream, an asynchronously invoked `notifier`
 * writing to an on-demand table `events`, a `legacy` function with a dead-letter queue, an `hourly`
 * job invoked once an hour without retries, and the account monitors (code storage poller, account
 * concurrency).
 */
export interface ReferenceAppRefs {
  readonly apiName: string;
  readonly api: FunctionRefs;
  readonly export: FunctionRefs;
  readonly worker: FunctionRefs;
  readonly reporter: FunctionRefs;
  readonly projector: FunctionRefs;
  readonly notifier: FunctionRefs;
  readonly legacy: FunctionRefs;
  readonly hourly: FunctionRefs;
  readonly poller: string;
  readonly jobs: QueueRefs;
  readonly reports: QueueRefs;
  readonly projectorFailureQueue: string;
  readonly orders: string;
  readonly ordersReadCapacity: number;
  readonly ordersWriteCapacity: number;
  readonly events: string;
  /** The reporter's reserved concurrency. */
  readonly reporterReserved: number;
  /** The account's concurrency quota (unreserved = quota - reserved). */
  readonly accountQuota: number;
}

const LAMBDA = 'AWS/Lambda';
const SQS = 'AWS/SQS';
const DDB = 'AWS/DynamoDB';
const APIGW = 'AWS/ApiGateway';
const OWN = 'CdkObserved/Lambda';

/** One function in one minute. */
export interface FunctionMinute {
  invocations: number;
  errors: number;
  throttles: number;
  timeouts: number;
  /** Log-normal duration of the invocations that neither timed out nor were cold (ms). */
  medianMs: number;
  sigma: number;
  coldStarts: number;
  /** Max memory used of the invocations, as values and counts (the platform.report records). */
  memory: Array<[number, number]>;
  /** Concurrent executions (maximum in the minute). */
  concurrency: number;
  recursiveDropped?: number;
  asyncDropped?: number;
  destinationFailures?: number;
  deadLetterErrors?: number;
  /** Messages waiting in the function's failure queue (its depth). */
  failureQueueVisible?: number;
}

export interface QueueMinute {
  sent: number;
  deleted: number;
  visible: number;
  ageSeconds: number;
  dlqVisible: number;
}

/** Quantile bins of a log-normal: the midpoints' values stand for the bins' shares. */
const BINS = [0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.975, 0.985, 0.995, 0.999, 1];

/**
 * The duration distribution of n invocations: explicit samples below 40 invocations (where p99 is
 * the slowest one), else the values at the midpoints of quantile bins weighted by the bins' shares
 * (the bin around 0.99 is centred on it).
 */
export function durations(rng: Random, n: number, medianMs: number, sigma: number, extra: Array<[number, number]>, capMs = Infinity): { values: number[]; counts: number[] } | null {
  const values: number[] = [];
  const counts: number[] = [];
  if (n > 0 && n < 40) {
    for (let i = 0; i < n; i++) { values.push(round(Math.min(capMs, medianMs * Math.exp(sigma * rng.normal())))); counts.push(1); }
  } else if (n > 0) {
    const jitter = Math.exp(0.05 * rng.normal());
    for (let i = 1; i < BINS.length; i++) {
      values.push(round(Math.min(capMs, logNormalQuantile(medianMs * jitter, sigma, (BINS[i - 1] + BINS[i]) / 2))));
      counts.push(n * (BINS[i] - BINS[i - 1]));
    }
  }
  for (const [v, c] of extra) if (c > 0) { values.push(round(v)); counts.push(c); }
  return values.length ? { values, counts } : null;
}

/** The first invocation in a new execution environment: lazy loading and connection setup (init itself is not in Duration). */
export function coldDuration(medianMs: number): number {
  return medianMs + 600;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** The daily and weekly shape of traffic, with noise and bursts. */
export class Traffic {
  private level = 1;
  private burstLeft = 0;
  private burstFactor = 1;

  /**
   * @param shape diurnal: about 0.15 at night and 1 in the afternoon, lower at weekends; steady: 0.6
   *   around the clock (noise and bursts either way)
   * @param scale multiplies the load (0.02: a low-traffic service)
   */
  constructor(private readonly rng: Random, private readonly startEpochMinute: number, private readonly burstsPerDay = 2,
    private readonly shape: 'diurnal' | 'steady' = 'diurnal', private readonly scale = 1) {}

  /** Load factor of a minute: about 0.15 at night and 1 in the afternoon, lower at weekends. */
  public at(minute: number): number {
    const t = this.startEpochMinute + minute;
    const hour = (t % 1440) / 60;
    const weekday = Math.floor(t / 1440 + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    const day = Math.pow(0.5 - 0.5 * Math.cos(2 * Math.PI * (hour - 4) / 24), 1.5);
    const weekly = weekday === 0 || weekday === 6 ? 0.7 : 1;
    // slow random walk (AR(1)) around 1, and bursts
    this.level = 1 + 0.9 * (this.level - 1) + 0.03 * this.rng.normal();
    if (this.burstLeft > 0) {this.burstLeft--;} else if (this.rng.chance(this.burstsPerDay / 1440)) {
      this.burstLeft = 3 + Math.floor(this.rng.next() * 8);
      this.burstFactor = 1.4 + 0.4 * this.rng.next();
    }
    const burst = this.burstLeft > 0 ? this.burstFactor : 1;
    const base = this.shape === 'steady' ? 0.6 : (0.15 + 0.85 * day) * weekly;
    return Math.max(0.05, base * this.level * burst) * this.scale;
  }
}

/** Writes metric data and log records of the reference app into a scenario. */
export class Emitter {
  constructor(private readonly b: ScenarioBuilder, private readonly rng: Random, private readonly refs: ReferenceAppRefs) {}

  public fn(f: FunctionRefs, m: number, s: FunctionMinute): void {
    const dims = { FunctionName: f.fn };
    const b = this.b;
    const active = s.invocations > 0 || s.throttles > 0;
    b.set(LAMBDA, 'Invocations', dims, m, s.invocations > 0 ? s.invocations : active ? 0 : null);
    b.set(LAMBDA, 'Errors', dims, m, active ? s.errors : null);
    b.set(LAMBDA, 'Throttles', dims, m, active ? s.throttles : null);
    b.set(LAMBDA, 'ConcurrentExecutions', dims, m, s.invocations > 0 ? s.concurrency : null);
    const normal = Math.max(0, s.invocations - s.timeouts - s.coldStarts);
    const cold: Array<[number, number]> = [[coldDuration(s.medianMs), s.coldStarts], [f.timeoutMs, s.timeouts]];
    b.set(LAMBDA, 'Duration', dims, m, durations(this.rng, normal, s.medianMs, s.sigma, cold, f.timeoutMs));
    for (const [metric, v] of [['RecursiveInvocationsDropped', s.recursiveDropped], ['AsyncEventsDropped', s.asyncDropped],
      ['DestinationDeliveryFailures', s.destinationFailures], ['DeadLetterErrors', s.deadLetterErrors]] as Array<[string, number | undefined]>) {
      b.set(LAMBDA, metric, dims, m, v ? v : null);
    }
    // an idle, empty queue publishes no metrics
    if (f.failureQueue) b.set(SQS, 'ApproximateNumberOfMessagesVisible', { QueueName: f.failureQueue }, m, s.failureQueueVisible ? s.failureQueueVisible : null);
    // the JSON platform.report records: one per invocation, grouped by what they say
    const events: Array<{ count: number; message: unknown }> = [];
    const report = (status: string, mb: number, count: number) => events.push({
      count,
      message: { type: 'platform.report', record: { status, metrics: { durationMs: 0, maxMemoryUsedMB: Math.round(mb), memorySizeMB: f.memoryMb } } },
    });
    let left = s.invocations;
    if (s.timeouts > 0) { report('timeout', s.memory[0]?.[0] ?? 0, s.timeouts); left -= s.timeouts; }
    for (const [mb, count] of s.memory) {
      const c = Math.min(left, count);
      if (c > 0) report('success', mb, c);
      left -= c;
    }
    this.b.setLogs(f.logGroup, m, events);
  }

  /** IteratorAge of a stream consumer (milliseconds, maximum). */
  public fnIteratorAge(f: FunctionRefs, m: number, ms: number | undefined): void {
    this.b.set(LAMBDA, 'IteratorAge', { FunctionName: f.fn }, m, ms === undefined ? null : Math.round(ms));
  }

  public queue(q: QueueRefs, m: number, s: QueueMinute): void {
    const dims = { QueueName: q.queue };
    this.b.set(SQS, 'NumberOfMessagesSent', dims, m, s.sent);
    this.b.set(SQS, 'NumberOfMessagesDeleted', dims, m, s.deleted);
    this.b.set(SQS, 'ApproximateNumberOfMessagesVisible', dims, m, s.visible);
    this.b.set(SQS, 'ApproximateAgeOfOldestMessage', dims, m, Math.round(s.ageSeconds));
    this.b.set(SQS, 'ApproximateNumberOfMessagesVisible', { QueueName: q.dlq }, m, s.dlqVisible);
  }

  /** A provisioned table's capacity metrics; throttles and errors only when above zero. */
  public table(table: string, m: number, s: {
    readRcu: number;
    writeWcu: number;
    provisionedRcu?: number;
    provisionedWcu?: number;
    readThrottles?: number;
    writeThrottles?: number;
    throttledRequests?: { [op: string]: number };
    systemErrors?: { [op: string]: number };
    maxOnDemandReadThrottles?: number;
    maxOnDemandWriteThrottles?: number;
  }): void {
    const dims = { TableName: table };
    const b = this.b;
    b.set(DDB, 'ConsumedReadCapacityUnits', dims, m, round(s.readRcu));
    b.set(DDB, 'ConsumedWriteCapacityUnits', dims, m, round(s.writeWcu));
    if (s.provisionedRcu !== undefined) b.set(DDB, 'ProvisionedReadCapacityUnits', dims, m, s.provisionedRcu);
    if (s.provisionedWcu !== undefined) b.set(DDB, 'ProvisionedWriteCapacityUnits', dims, m, s.provisionedWcu);
    const sparse = (metric: string, d: { [k: string]: string }, v: number | undefined) => b.set(DDB, metric, d, m, v ? v : null);
    sparse('ReadThrottleEvents', dims, s.readThrottles);
    sparse('WriteThrottleEvents', dims, s.writeThrottles);
    sparse('ReadMaxOnDemandThroughputThrottleEvents', dims, s.maxOnDemandReadThrottles);
    sparse('WriteMaxOnDemandThroughputThrottleEvents', dims, s.maxOnDemandWriteThrottles);
    for (const op of ['GetItem', 'PutItem', 'Query', 'UpdateItem']) {
      sparse('ThrottledRequests', { Operation: op, TableName: table }, s.throttledRequests?.[op]);
      sparse('SystemErrors', { Operation: op, TableName: table }, s.systemErrors?.[op]);
    }
  }

  /** The REST API: requests, 5XX and 4XX, latency and integration latency distributions. */
  public api(m: number, s: { requests: number; errors5xx: number; errors4xx: number; latency: Array<{ n: number; medianMs: number; sigma: number; extra: Array<[number, number]>; capMs: number }> }): void {
    const dims = { ApiName: this.refs.apiName };
    const b = this.b;
    const n = s.requests;
    b.set(APIGW, 'Count', dims, m, n > 0 ? { sampleCount: n, sum: n, min: 1, max: 1 } : null);
    b.set(APIGW, '5XXError', dims, m, n > 0 ? { sampleCount: n, sum: s.errors5xx, min: 0, max: s.errors5xx > 0 ? 1 : 0 } : null);
    b.set(APIGW, '4XXError', dims, m, n > 0 ? { sampleCount: n, sum: s.errors4xx, min: 0, max: s.errors4xx > 0 ? 1 : 0 } : null);
    const merge = (overheadMs: number) => {
      const values: number[] = []; const counts: number[] = [];
      for (const part of s.latency) {
        const d = durations(this.rng, part.n, part.medianMs + overheadMs, part.sigma, part.extra.map(([v, c]) => [v + overheadMs, c]), part.capMs + overheadMs);
        if (d) { values.push(...d.values); counts.push(...d.counts); }
      }
      return values.length ? { values, counts } : null;
    };
    b.set(APIGW, 'IntegrationLatency', dims, m, merge(4));
    b.set(APIGW, 'Latency', dims, m, merge(18));
  }

  public account(m: number, concurrent: number, claimed: number): void {
    this.b.set(LAMBDA, 'ConcurrentExecutions', {}, m, concurrent);
    this.b.set(LAMBDA, 'ClaimedAccountConcurrency', {}, m, claimed);
  }

  /** One hourly poll of the code storage monitor (its metrics come from the poller's EMF log). */
  public poll(m: number, usedPercent: number | undefined, failed: boolean): void {
    const dims = { FunctionName: this.refs.poller };
    this.b.set(LAMBDA, 'Invocations', dims, m, 1);
    this.b.set(LAMBDA, 'Errors', dims, m, failed ? 1 : 0);
    if (!failed && usedPercent !== undefined) {
      this.b.set(OWN, 'CodeStorageUsedPercent', {}, m, round(usedPercent));
      this.b.set(OWN, 'CodeStorageUsedBytes', {}, m, Math.round(usedPercent / 100 * 75 * 2 ** 30));
    }
  }
}
