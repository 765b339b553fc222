/* eslint-disable @stylistic/max-len */
import { Random, ScenarioBuilder } from './builder';
import { coldDuration, Emitter, FunctionMinute, QueueMinute, ReferenceAppRefs, Traffic } from './world';
import { ScenarioJson } from '../../../src/simulator/scenario';

/** Everything that happens in the reference app in one minute; incidents change parts of it. */
export interface Frame {
  readonly m: number;
  readonly load: number;
  api: FunctionMinute;
  exportFn: FunctionMinute;
  worker: FunctionMinute;
  reporter: FunctionMinute;
  projector: FunctionMinute;
  notifier: FunctionMinute;
  legacy: FunctionMinute;
  /** The hourly job: one invocation on the hour, none in the other minutes. */
  hourly: FunctionMinute;
  errors4xx: number;
  extra5xx: number;
  jobs: QueueMinute;
  reports: QueueMinute;
  iteratorAgeMs: number;
  projectorFailures: number;
  orders: TableMinute;
  events: TableMinute;
  /** Set on the minute of an hourly code storage poll. */
  poll?: { usedPercent?: number; failed: boolean };
  /** Claimed concurrency, when an incident saturates the account. */
  claimedOverride?: number;
}

export interface TableMinute {
  readRcu: number;
  writeWcu: number;
  readThrottles?: number;
  writeThrottles?: number;
  throttledRequests?: { [op: string]: number };
  systemErrors?: { [op: string]: number };
  maxOnDemandWriteThrottles?: number;
}

/** Settings of a generated scenario. */
export interface GeneratorOptions {
  /** PRNG seed: the same seed gives the same scenario. @default 1 */
  readonly seed?: number;
  /**
   * Start of the scenario (UTC, on a whole minute: the onset falls 180 minutes later, or at the
   * first affected hourly run after that). @default 2024-01-01T07:00:00Z for incidents
   */
  readonly start?: string;
  /** The shape of traffic: diurnal (default) or steady around the clock. */
  readonly traffic?: 'diurnal' | 'steady';
  /** Multiplies every function's traffic (0.02: a low-traffic service). @default 1 */
  readonly trafficScale?: number;
}

const HOUR = 60;
/** Incidents start at 07:00 on a Monday and fail at 10:00 (minute 180): morning traffic. */
const INCIDENT_START = '2024-01-01T07:00:00Z';
const ONSET = 180;

function fnMinute(rng: Random, n: number, medianMs: number, sigma: number, memoryMb: number, busyMs = medianMs): FunctionMinute {
  const errors = rng.binomial(n, 1e-4);
  return {
    invocations: n,
    errors,
    throttles: 0,
    timeouts: 0,
    medianMs,
    sigma,
    coldStarts: Math.min(n, rng.poisson(n * 0.002 + 0.02)),
    memory: [[memoryMb + Math.round(rng.next() * 20), n]],
    concurrency: n > 0 ? Math.max(1, Math.ceil((n / 60) * (busyMs / 1000) * (1.3 + 0.4 * rng.next()))) : 0,
  };
}

function quietQueue(rng: Random, arrivals: number): QueueMinute {
  const visible = arrivals > 0 ? rng.poisson(arrivals * 0.03) : 0;
  return { sent: arrivals, deleted: arrivals, visible, ageSeconds: visible > 0 ? 1 + rng.next() * 20 : 0, dlqVisible: 0 };
}

/**
 * Simulates the reference app minute by minute: diurnal traffic with noise, bursts, rare single
 * errors, rare single timeouts, cold starts and rare DynamoDB system errors; `incident` changes a
 * frame before it is written.
 */
export function simulateApp(name: string, minutes: number, refs: ReferenceAppRefs, options: GeneratorOptions & { description?: string },
  change?: (f: Frame, rng: Random, b: ScenarioBuilder) => void): ScenarioBuilder {
  const rng = new Random(options.seed ?? 1);
  // the hourly job draws from its own stream, so that adding it left the other series as they were
  const jobRng = new Random((options.seed ?? 1) + 7919);
  const start = options.start ?? INCIDENT_START;
  const b = new ScenarioBuilder(name, minutes, { start, description: options.description });
  const emit = new Emitter(b, rng, refs);
  const jobEmit = new Emitter(b, jobRng, refs);
  const traffic = new Traffic(rng, Date.parse(start) / 60_000, 2, options.traffic, options.trafficScale);
  const startMinute = Date.parse(start) / 60_000;
  b.quota('AWS/Lambda', 'ConcurrentExecutions', refs.accountQuota);
  let codeStorage = 42;
  for (let m = 0; m < minutes; m++) {
    const load = traffic.at(m);
    const requests = rng.poisson(400 * load);
    const exportCalls = rng.binomial(requests, 0.02);
    const apiCalls = requests - exportCalls;
    const api = fnMinute(rng, apiCalls, 60, 0.45, 190);
    // rare single timeouts (a hung downstream call, about one every three days)
    if (apiCalls > 0 && rng.chance(1 / (3 * 1440))) { api.timeouts = 1; api.errors += 1; }
    const jobsArrivals = rng.poisson(30 * load);
    const reportArrivals = rng.poisson(4 * load);
    const writes = rng.binomial(apiCalls, 0.1);
    const frame: Frame = {
      m,
      load,
      api,
      exportFn: fnMinute(rng, exportCalls, 1800, 0.35, 300),
      worker: fnMinute(rng, jobsArrivals, 30_000, 0.08, 260),
      reporter: fnMinute(rng, reportArrivals, 20_000, 0.1, 240),
      projector: fnMinute(rng, rng.poisson(Math.min(30, writes * 0.8)), 150, 0.4, 160),
      notifier: fnMinute(rng, rng.poisson(20 * load), 120, 0.4, 150),
      legacy: fnMinute(rng, rng.poisson(5 * load), 90, 0.4, 140),
      hourly: fnMinute(jobRng, (startMinute + m) % HOUR === 0 ? 1 : 0, 4000, 0.2, 180),
      errors4xx: rng.binomial(requests, 0.01),
      extra5xx: 0,
      jobs: quietQueue(rng, jobsArrivals),
      reports: quietQueue(rng, reportArrivals),
      iteratorAgeMs: 300 + Math.round(rng.next() * 700),
      projectorFailures: 0,
      orders: {
        readRcu: apiCalls * 0.4 * 0.5,
        writeWcu: writes,
        // a rare single DynamoDB system error (about one a day)
        systemErrors: rng.chance(1 / 1440) ? { GetItem: 1 } : undefined,
      },
      events: { readRcu: 0, writeWcu: 0 },
    };
    frame.events.writeWcu = frame.notifier.invocations;
    frame.reporter.concurrency = Math.min(refs.reporterReserved, frame.reporter.concurrency);
    if ((startMinute + m) % HOUR === 7) {
      codeStorage += 0.01;
      frame.poll = { usedPercent: codeStorage, failed: false };
    }
    change?.(frame, rng, b);
    write(emit, refs, frame);
    jobEmit.fn(refs.hourly, m, frame.hourly);
  }
  return b;
}

function write(emit: Emitter, refs: ReferenceAppRefs, f: Frame): void {
  const { m } = f;
  emit.fn(refs.api, m, f.api);
  emit.fn(refs.export, m, f.exportFn);
  emit.fn(refs.worker, m, f.worker);
  emit.fn(refs.reporter, m, f.reporter);
  emit.fn(refs.projector, m, f.projector);
  emit.fn(refs.notifier, m, f.notifier);
  emit.fn(refs.legacy, m, f.legacy);
  const part = (fm: FunctionMinute, capMs: number) => ({
    n: Math.max(0, fm.invocations - fm.timeouts - fm.coldStarts - fm.throttles),
    medianMs: fm.medianMs,
    sigma: fm.sigma,
    extra: [[coldDuration(fm.medianMs), fm.coldStarts], [capMs, fm.timeouts]] as Array<[number, number]>,
    capMs,
  });
  emit.api(m, {
    requests: f.api.invocations + f.exportFn.invocations,
    errors5xx: f.api.errors + f.exportFn.errors + f.extra5xx,
    errors4xx: f.errors4xx,
    latency: [part(f.api, refs.api.timeoutMs), part(f.exportFn, refs.export.timeoutMs)],
  });
  emit.queue(refs.jobs, m, f.jobs);
  emit.queue(refs.reports, m, f.reports);
  emit.queue({ queue: refs.projectorFailureQueue, dlq: refs.projectorFailureQueue }, m, {
    sent: f.projectorFailures, deleted: 0, visible: f.projectorFailures, ageSeconds: 0, dlqVisible: f.projectorFailures,
  });
  emit.fnIteratorAge(refs.projector, m, f.projector.invocations > 0 ? f.iteratorAgeMs : undefined);
  emit.table(refs.orders, m, { ...f.orders, provisionedRcu: refs.ordersReadCapacity, provisionedWcu: refs.ordersWriteCapacity });
  emit.table(refs.events, m, f.events);
  const fns = [f.api, f.exportFn, f.worker, f.reporter, f.projector, f.notifier, f.legacy, f.hourly];
  const concurrent = fns.reduce((s, x) => s + x.concurrency, 0);
  const unreserved = concurrent - f.reporter.concurrency;
  emit.account(m, concurrent, f.claimedOverride ?? unreserved + refs.reporterReserved);
  if (f.poll) emit.poll(m, f.poll.usedPercent, f.poll.failed);
}

/** A healthy week (or any length) of the reference app: nothing should fire. */
export function healthyBaseline(refs: ReferenceAppRefs, options: GeneratorOptions & { days?: number } = {}): ScenarioJson {
  const days = options.days ?? 7;
  return simulateApp(`healthy baseline (${days} days, seed ${options.seed ?? 1})`, days * 1440, refs, {
    start: '2024-01-01T00:00:00Z',
    ...options,
    description: 'Diurnal traffic (weekends lower) with noise, bursts, rare single errors and timeouts, cold starts and rare DynamoDB system errors.',
  }).build();
}

/** The healthy workloads the detection benchmark counts false alarms on. */
export type HealthyWorkload = 'diurnal' | 'steady' | 'low traffic' | 'batch bursts';

/**
 * A healthy week of one workload: `diurnal` (healthyBaseline); `steady` (0.6 of the peak around the
 * clock); `low traffic` (2 % of the diurnal traffic, so most functions see a few invocations an
 * hour, with the same rare single errors per invocation); `batch bursts` (diurnal, and every 2
 * hours 300 jobs arrive at once and are drained in about 4 minutes by up to 40 workers).
 */
export function healthyWorkload(refs: ReferenceAppRefs, workload: HealthyWorkload, options: GeneratorOptions & { days?: number } = {}): ScenarioJson {
  if (workload === 'diurnal') return healthyBaseline(refs, options);
  const days = options.days ?? 7;
  const settings: GeneratorOptions = workload === 'steady' ? { traffic: 'steady' } : workload === 'low traffic' ? { trafficScale: 0.02 } : {};
  let backlog = 0;
  let age = 0;
  return simulateApp(`healthy ${workload} (${days} days, seed ${options.seed ?? 1})`, days * 1440, refs, {
    start: '2024-01-01T00:00:00Z',
    ...settings,
    ...options,
    description: `A healthy week: ${workload}.`,
  }, workload !== 'batch bursts' ? undefined : (f, rng) => {
    const burst = f.m % 120 === 30 ? 300 : 0;
    if (burst === 0 && backlog === 0) return;
    const arrivals = f.jobs.sent + burst;
    const processed = Math.min(backlog + arrivals, 80 + rng.poisson(5));
    backlog += arrivals - processed;
    age = backlog > 0 ? age + 60 : 0;
    f.worker = { ...f.worker, invocations: processed, concurrency: Math.min(40, Math.ceil(processed / 2)), memory: [[270, processed]], errors: rng.binomial(processed, 1e-4) };
    f.jobs = { sent: arrivals, deleted: processed, visible: backlog, ageSeconds: age, dlqVisible: 0 };
  }).build();
}

type Incident = (refs: ReferenceAppRefs, options?: GeneratorOptions) => ScenarioJson;

/** The resources each incident affects: only alarms on them count as detecting it. */
const AFFECTED: { [name: string]: (r: ReferenceAppRefs) => string[] } = {
  'queue throttling': r => [r.worker.fn, r.jobs.queue, 'ACCOUNT'],
  'consumer erroring': r => [r.worker.fn, r.jobs.queue, r.jobs.dlq],
  'backpressure': r => [r.reporter.fn, r.reports.queue],
  'DynamoDB under-provisioned': r => [r.orders, r.api.fn, r.apiName],
  'memory leak': r => [r.projector.fn],
  'timeouts close to duration': r => [r.api.fn, r.apiName],
  'recursive loop': r => [r.worker.fn, r.jobs.queue],
  'code storage filling up': () => ['ACCOUNT'],
  'code storage poller failing': r => ['ACCOUNT', r.poller],
  'async events failing': r => [r.notifier.fn, r.notifier.failureQueue!],
  'failure destination unreachable': r => [r.notifier.fn],
  'dead-letter queue unreachable': r => [r.legacy.fn],
  'poison stream record': r => [r.projector.fn, r.projectorFailureQueue],
  'DynamoDB system errors': r => [r.orders, r.api.fn, r.apiName],
  'on-demand maximum throughput reached': r => [r.events, r.notifier.fn],
  'write capacity nearly exhausted': r => [r.orders],
  'slow API endpoint': r => [r.export.fn, r.apiName],
  'hourly job failing': r => [r.hourly.fn, r.hourly.failureQueue!],
  'hourly job failing once': r => [r.hourly.fn, r.hourly.failureQueue!],
  'API low-rate errors': r => [r.api.fn, r.apiName],
  'API slow burn': r => [r.api.fn, r.apiName],
  'slow dependency': r => [r.api.fn, r.apiName],
  'API traffic stops': r => [r.api.fn, r.export.fn, r.apiName],
  'hourly job stops': r => [r.hourly.fn],
  'capped consumer': r => [r.worker.fn, r.jobs.queue],
  'poison messages': r => [r.worker.fn, r.jobs.queue, r.jobs.dlq],
};

function incident(name: string, description: string, minutes: number, refs: ReferenceAppRefs, options: GeneratorOptions,
  change: (f: Frame, rng: Random, b: ScenarioBuilder) => void, onset: number | (() => number | undefined) = ONSET, earlyWarningFrom?: number): ScenarioJson {
  const b = simulateApp(name, minutes, refs, { ...options, description }, change);
  const onsetMinute = typeof onset === 'number' ? onset : onset();
  b.props.onsetMinute = onsetMinute;
  b.props.earlyWarningFromMinute = earlyWarningFrom;
  b.props.affectedResources = AFFECTED[name]?.(refs);
  return b.build();
}

/** Queue throttling: 10 messages/s arrive, 30 s per message at batch size 1, 100 unreserved concurrency. */
export const queueThrottling: Incident = (refs, options = {}) => {
  let backlog = 0;
  return incident('queue throttling', '10 messages/s to a worker taking 30 s per message at batch size 1, with 100 unreserved concurrency in the account.', 300, refs, options, (f, rng) => {
    if (f.m < ONSET) return;
    const t = f.m - ONSET + 1;
    const arrivals = rng.poisson(600);
    const others = f.api.concurrency + f.exportFn.concurrency + f.projector.concurrency + f.notifier.concurrency + f.legacy.concurrency;
    const unreserved = refs.accountQuota - refs.reporterReserved;
    const capacity = Math.max(0, unreserved - others);
    const processed = Math.min(backlog + arrivals, capacity * 2); // 30 s per message
    backlog += arrivals - processed;
    f.worker = { ...f.worker, invocations: processed, concurrency: capacity, throttles: rng.poisson((arrivals * 2 - processed) * 0.5), memory: [[270, processed]], coldStarts: t === 1 ? capacity : 0 };
    f.worker.errors = rng.binomial(processed, 1e-4);
    f.jobs = { sent: arrivals, deleted: processed, visible: backlog, ageSeconds: t * 60 * (1 - processed / arrivals), dlqVisible: 0 };
    // the account is saturated: other functions without reserved concurrency are throttled too
    f.api.throttles = rng.binomial(f.api.invocations, 0.02);
    f.extra5xx += f.api.throttles;
    f.claimedOverride = refs.accountQuota;
  });
};

/** Consumer erroring: every invocation fails, nothing is deleted; messages return and reach the DLQ. */
export const consumerErroring: Incident = (refs, options = {}) => {
  const sentAt: number[] = [];
  return incident('consumer erroring', 'Every invocation of the queue worker fails (a bad deployment); nothing is deleted, messages return after the visibility timeout (6 x 60 s) and go to the DLQ after 5 receives.', 300, refs, options, (f, rng) => {
    sentAt[f.m] = f.jobs.sent;
    if (f.m < ONSET) return;
    const t = f.m - ONSET;
    // receives: new messages, plus those returning after each 6-minute visibility timeout (up to 5 receives)
    let received = f.jobs.sent;
    for (let r = 1; r < 5; r++) received += t >= 6 * r ? sentAt[f.m - 6 * r] ?? 0 : 0;
    const dead = [...Array(t + 1).keys()].filter(i => i >= 30).reduce((s, i) => s + (sentAt[ONSET + i - 30] ?? 0), 0);
    f.worker = { ...f.worker, invocations: received, errors: received, medianMs: 80, sigma: 0.3, concurrency: Math.max(1, Math.ceil(received / 60)), memory: [[200, received]] };
    f.jobs = { sent: f.jobs.sent, deleted: 0, visible: Math.max(1, rng.poisson(received * 0.05)), ageSeconds: (t + 1) * 60, dlqVisible: dead };
  });
};

/** Backpressure: arrivals above what the reporter's reserved concurrency can process. */
export const backpressure: Incident = (refs, options = {}) => {
  let backlog = 0;
  return incident('backpressure', 'Reports arrive at 60 a minute; the reporter (reserved concurrency 10, 20 s per report) processes 30 a minute; the oldest message ages linearly.', 300, refs, options, (f, rng) => {
    if (f.m < ONSET) return;
    const t = f.m - ONSET + 1;
    const arrivals = rng.poisson(60);
    const processed = Math.min(backlog + arrivals, refs.reporterReserved * 3);
    backlog += arrivals - processed;
    f.reporter = { ...f.reporter, invocations: processed, concurrency: refs.reporterReserved, memory: [[250, processed]], errors: 0 };
    f.reports = { sent: arrivals, deleted: processed, visible: backlog, ageSeconds: (t * 60) / 2, dlqVisible: 0 };
  });
};

/** DynamoDB under-provisioned: 5 RCU against 20+ demanded; throttles become 5 s timeouts and ~25% 5XX. */
export const dynamoUnderProvisioned: Incident = (refs, options = {}) => {
  let burstCredit = 300 * refs.ordersReadCapacity; // DynamoDB keeps up to 300 s of unused capacity
  return incident('DynamoDB under-provisioned', 'A new query pattern demands 20-24 RCU/s from a table provisioned with 5 RCU; once burst capacity is spent, reads are throttled, SDK retries run into the 5 s function timeout and about 25% of API requests fail with 5XX.', 300, refs, options, (f, rng) => {
    if (f.m < ONSET) {
      burstCredit = Math.min(300 * refs.ordersReadCapacity, burstCredit + Math.max(0, refs.ordersReadCapacity * 60 - f.orders.readRcu));
      return;
    }
    const demand = (20 + 4 * rng.next()) * 60;
    const capacity = refs.ordersReadCapacity * 60;
    const fromCredit = Math.min(burstCredit, Math.max(0, demand - capacity));
    burstCredit -= fromCredit;
    const consumed = Math.min(demand, capacity + fromCredit);
    const throttledShare = (demand - consumed) / demand;
    const throttleEvents = Math.round((demand - consumed) / 0.5);
    f.orders = { ...f.orders, readRcu: consumed, readThrottles: throttleEvents, throttledRequests: { GetItem: throttleEvents, Query: Math.round(throttleEvents / 4) } };
    const n = f.api.invocations;
    const timeouts = rng.binomial(n, throttledShare * 0.33);
    const slow = throttledShare > 0;
    f.api = {
      ...f.api,
      timeouts,
      errors: timeouts + f.api.errors,
      medianMs: slow ? 450 : f.api.medianMs,
      sigma: slow ? 0.8 : f.api.sigma,
      concurrency: Math.ceil(n / 60 * ((timeouts / Math.max(1, n)) * 5 + 0.5)) + 1,
    };
  });
};

/** Memory leak: max memory used creeps to the limit over about 1,000 invocations, then out-of-memory errors. */
export const memoryLeak: Incident = (refs, options = {}) => {
  const containers = [{ used: 0 }, { used: 300 }];
  let firstOom: number | undefined;
  const perInvocation = (refs.projector.memoryMb - 160) / 960;
  return incident('memory leak', 'A deployment at minute 180 leaks about 0.9 MB per warm invocation of the stream projector (2 shards, one container each); each container reaches the 1024 MB limit after about 1,000 invocations and fails with out-of-memory, then starts cold again.', 420, refs, options, (f, rng) => {
    if (f.m < ONSET) return;
    const n = f.projector.invocations;
    const memory: Array<[number, number]> = [];
    let errors = 0; let cold = 0;
    containers.forEach((c, i) => {
      const share = i === 0 ? Math.ceil(n / 2) : Math.floor(n / 2);
      if (share === 0) return;
      const before = 160 + c.used * perInvocation;
      c.used += share;
      let after = 160 + c.used * perInvocation;
      if (after >= refs.projector.memoryMb) {
        errors++; cold++;
        firstOom ??= f.m;
        after = refs.projector.memoryMb;
        c.used = 0;
      }
      if (share > 1) memory.push([Math.round(before), share - 1]);
      memory.push([Math.round(after), 1]);
    });
    f.projector = { ...f.projector, errors: errors + rng.binomial(n, 1e-4), coldStarts: cold, memory };
  }, () => firstOom, ONSET);
};

/** Timeouts close to duration: a downstream slows down until the slowest invocations time out. */
export const timeoutsNearDuration: Incident = (refs, options = {}) => {
  let firstTimeout: number | undefined;
  return incident('timeouts close to duration', 'From minute 180 a downstream dependency of the API function slows down over 40 minutes (median 60 ms to 2.8 s); the slowest invocations approach and then reach the 5 s timeout.', 300, refs, options, (f, rng) => {
    if (f.m < ONSET) return;
    const t = Math.min(1, (f.m - ONSET) / 40);
    const medianMs = 60 + t * (2800 - 60);
    const sigma = 0.35;
    const z = Math.log(refs.api.timeoutMs / medianMs) / sigma;
    const share = 1 - normalCdf(z);
    const n = f.api.invocations;
    const timeouts = rng.binomial(n, share);
    if (timeouts > 0) firstTimeout ??= f.m;
    f.api = { ...f.api, medianMs, sigma, timeouts, errors: f.api.errors + timeouts, concurrency: Math.ceil(n / 60 * medianMs / 1000 * 1.5) + 1 };
  }, () => firstTimeout, ONSET);
};

/** A recursive loop: the worker sends messages back to the queue it consumes; Lambda stops each loop. */
export const recursiveLoop: Incident = (refs, options = {}) =>
  incident('recursive loop', 'A change makes the queue worker send a message back to its own queue for some jobs; each loop runs 16 invocations before Lambda\'s recursive loop detection drops it.', 240, refs, options, (f, rng) => {
    if (f.m < ONSET) return;
    const loops = rng.poisson(4);
    f.worker = { ...f.worker, invocations: f.worker.invocations + loops * 16, recursiveDropped: loops, memory: [[270, f.worker.invocations + loops * 16]] };
    f.jobs = { ...f.jobs, sent: f.jobs.sent + loops * 16, deleted: f.jobs.deleted + loops * 16 };
  });

/** Asynchronous invocations failing every retry: events go to the failure destination. */
export const asyncFailures: Incident = (refs, options = {}) => asyncIncident('async events failing', false, refs, options);

/** As asyncFailures, and the failure destination cannot be written to: events are lost. */
export const destinationUnreachable: Incident = (refs, options = {}) => asyncIncident('failure destination unreachable', true, refs, options);

function asyncIncident(name: string, destinationBroken: boolean, refs: ReferenceAppRefs, options: GeneratorOptions): ScenarioJson {
  const events: number[] = [];
  let queued = 0;
  return incident(name, `Every asynchronous invocation of the notifier fails (an expired credential); Lambda retries twice (after about 1 and 2 minutes) and then sends the event to the on-failure destination${destinationBroken ? ', whose queue policy no longer allows it' : ''}.`,
    240, refs, options, (f, rng) => {
      events[f.m] = f.notifier.invocations;
      if (f.m < ONSET) return;
      const t = f.m - ONSET;
      const retries = (t >= 1 ? events[f.m - 1] : 0) + (t >= 3 ? events[f.m - 3] : 0);
      const dropped = t >= 3 ? events[f.m - 3] : 0;
      const n = f.notifier.invocations + retries;
      if (!destinationBroken) queued += dropped;
      f.notifier = { ...f.notifier, invocations: n, errors: n, memory: [[150, n]], asyncDropped: dropped, destinationFailures: destinationBroken ? dropped : 0, failureQueueVisible: queued };
      f.events = { ...f.events, writeWcu: 0 };
      void rng;
    });
}

/** A function with a dead-letter queue that it cannot write to. */
export const deadLetterErrors: Incident = (refs, options = {}) => {
  const events: number[] = [];
  return incident('dead-letter queue unreachable', 'Every asynchronous invocation of the legacy function (configured with a dead-letter queue) fails, and the dead-letter queue\'s key policy no longer allows Lambda to send to it.', 240, refs, options, f => {
    events[f.m] = f.legacy.invocations;
    if (f.m < ONSET) return;
    const t = f.m - ONSET;
    const retries = (t >= 1 ? events[f.m - 1] : 0) + (t >= 3 ? events[f.m - 3] : 0);
    const dropped = t >= 3 ? events[f.m - 3] : 0;
    const n = f.legacy.invocations + retries;
    f.legacy = { ...f.legacy, invocations: n, errors: n, memory: [[140, n]], asyncDropped: dropped, deadLetterErrors: dropped };
  });
};

/** A poison record blocks a stream shard until retries end and it goes to the failure queue. */
export const poisonStreamRecord: Incident = (refs, options = {}) => {
  let age = 0;
  return incident('poison stream record', 'A record the projector cannot process blocks one of two shards: batches are bisected and retried for 15 minutes while the iterator age grows, then the record goes to the failure queue.', 300, refs, options, (f, rng) => {
    if (f.m < ONSET) return;
    const t = f.m - ONSET;
    if (t < 15) {
      age += 60_000;
      const failing = Math.ceil(f.projector.invocations / 2) + 4;
      f.projector = { ...f.projector, invocations: f.projector.invocations + 4, errors: failing, memory: [[170, f.projector.invocations + 4]] };
    } else {
      age = Math.max(0, age - 240_000);
      f.projectorFailures = 1;
    }
    f.iteratorAgeMs = Math.max(f.iteratorAgeMs, age + rng.next() * 1000);
  });
};

/** DynamoDB returns internal server errors for 10 minutes. */
export const dynamoSystemErrors: Incident = (refs, options = {}) =>
  incident('DynamoDB system errors', 'DynamoDB answers a share of the orders table\'s requests with HTTP 500 for 10 minutes; SDK retries hide most of them from the API.', 240, refs, options, (f, rng) => {
    if (f.m < ONSET || f.m >= ONSET + 10) return;
    f.orders = { ...f.orders, systemErrors: { GetItem: rng.poisson(20), PutItem: rng.poisson(5) } };
    const failed = rng.binomial(f.api.invocations, 0.01);
    f.api = { ...f.api, errors: f.api.errors + failed };
  });

/** An on-demand table hits the maximum write throughput configured for it. */
export const onDemandMaxThroughput: Incident = (refs, options = {}) =>
  incident('on-demand maximum throughput reached', 'A bulk import writes 300 WRU/s to the on-demand events table, whose maximum write throughput is 100 WRU/s: the excess is throttled.', 240, refs, options, (f, rng) => {
    if (f.m < ONSET || f.m >= ONSET + 30) return;
    const demand = 300 * 60;
    const excess = demand - 100 * 60;
    const throttled = Math.round(excess * (0.9 + 0.2 * rng.next()));
    f.events = { ...f.events, writeWcu: 100 * 60, writeThrottles: throttled, maxOnDemandWriteThrottles: throttled, throttledRequests: { PutItem: throttled } };
  });

/** Writes to the provisioned orders table approach its write capacity (a warning before throttling). */
export const ordersWritesNearCapacity: Incident = (refs, options = {}) =>
  incident('write capacity nearly exhausted', 'A batch job adds writes to the provisioned orders table: 4.3 of 5 WCU/s are consumed, not yet throttled.', 300, refs, options, (f, rng) => {
    if (f.m < ONSET) return;
    f.orders = { ...f.orders, writeWcu: (4.2 + 0.2 * rng.next()) * 60 };
  });

/** The export endpoint slows down until API requests approach the 29 s integration timeout. */
export const slowExportEndpoint: Incident = (refs, options = {}) =>
  incident('slow API endpoint', 'The export function behind the API (2% of requests) slows down to a median of 24 s against its 28 s timeout: the API\'s slowest requests approach the 29 s integration timeout.', 240, refs, options, (f, rng) => {
    if (f.m < ONSET) return;
    const n = f.exportFn.invocations;
    const timeouts = rng.binomial(n, 0.03);
    f.exportFn = { ...f.exportFn, medianMs: 24_000, sigma: 0.08, timeouts, errors: f.exportFn.errors + timeouts, concurrency: Math.ceil(n / 60 * 24 * 1.5) + 1 };
  });

/** Code storage fills up with retained versions until deployments fail. */
export const codeStorageFilling: Incident = (refs, options = {}) => {
  let used = 75;
  let full: number | undefined;
  const start = Date.parse(options.start ?? '2024-01-01T00:00:00Z') / 60_000;
  return incident('code storage filling up', 'Every deployment publishes new versions that are never deleted: hourly deployments on working hours add about 1% of the 75 GB code storage each, until deployments fail at 100%.', 3 * 1440, refs,
    { start: '2024-01-01T00:00:00Z', ...options }, f => {
      if (!f.poll) return;
      const hour = Math.floor(((start + f.m) % 1440) / 60);
      if (hour >= 8 && hour < 18) used = Math.min(100, used + 1.1);
      if (used >= 100) full ??= f.m;
      f.poll.usedPercent = used;
    }, () => full, 0);
};

/** The code storage poller fails from minute 180 (its role lost a permission). */
export const codeStoragePollerFailing: Incident = (refs, options = {}) => {
  let first: number | undefined;
  return incident('code storage poller failing', 'From 10:00 every hourly poll of the code storage monitor fails (AccessDenied): no storage metrics are written.', 600, refs, options, f => {
    if (f.poll && f.m >= ONSET) {
      first ??= f.m;
      f.poll.failed = true;
    }
  }, () => first);
};

/** A job invoked once an hour (without retries) fails on every run from 10:00: one failed invocation an hour. */
export const hourlyJobFailing: Incident = (refs, options = {}) => {
  let queued = 0;
  let first: number | undefined;
  return incident('hourly job failing', 'The hourly job (one invocation on the hour, retries off) fails on every run from 10:00 (a broken dependency): one failed invocation an hour, nothing in between; each failed event goes to its failure queue.', 360, refs, options, f => {
    if (f.m >= ONSET && f.hourly.invocations > 0) {
      first ??= f.m;
      queued += f.hourly.invocations;
      f.hourly = { ...f.hourly, errors: f.hourly.invocations };
    }
    f.hourly.failureQueueVisible = queued;
  }, () => first);
};

/** The hourly job fails once (its first run from 10:00) and succeeds before and after. */
export const hourlyJobFailingOnce: Incident = (refs, options = {}) => {
  let failed: number | undefined;
  return incident('hourly job failing once', 'The first run of the hourly job from 10:00 fails (one failed invocation, no retry); the runs before and after succeed.', 360, refs, options, f => {
    if (failed === undefined && f.m >= ONSET && f.hourly.invocations > 0) {
      failed = f.m;
      f.hourly = { ...f.hourly, errors: 1 };
    }
    if (failed !== undefined) f.hourly.failureQueueVisible = 1;
  }, () => failed);
};

/**
 * Poison messages: every 20 minutes a message arrives that the worker can never process. It fails
 * on each receive (every 6 minutes, the visibility timeout) and moves to the dead-letter queue
 * after the 5th; the other jobs succeed.
 */
export const poisonMessages: Incident = (refs, options = {}) => {
  const poisonAt = [ONSET, ONSET + 20, ONSET + 40];
  let dead = 0;
  return incident('poison messages', 'Three poison messages, 20 minutes apart, reach the jobs queue: each fails on all 5 receives (6 minutes apart) and moves to the dead-letter queue; every other job succeeds.', 300, refs, options, f => {
    if (f.m < ONSET) return;
    const receives = poisonAt.filter(t => f.m >= t && (f.m - t) % 6 === 0 && f.m - t <= 24).length;
    dead += poisonAt.filter(t => f.m - t === 24).length;
    f.worker = { ...f.worker, invocations: f.worker.invocations + receives, errors: f.worker.errors + receives };
    f.jobs = { ...f.jobs, sent: f.jobs.sent + poisonAt.filter(t => t === f.m).length, deleted: f.jobs.deleted, dlqVisible: dead };
  });
};

/**
 * A consumer capped at 2 concurrent batches while producers triple: the oldest message ages about
 * 20 s a minute from the start, far below the 300 s backpressure threshold for a quarter of an hour.
 */
export const cappedConsumer: Incident = (refs, options = {}) => {
  let backlog = 0;
  return incident('capped consumer', 'Jobs arrive at three times the usual rate; the worker\'s event source mapping is capped at 2 concurrent batches (processing 1.5 times the usual rate): the backlog grows and its oldest message ages about 20 s a minute.', 300, refs, options, (f, rng) => {
    if (f.m < ONSET) return;
    const t = f.m - ONSET + 1;
    const usual = Math.max(1, f.jobs.sent);
    const arrivals = rng.poisson(3 * usual);
    const processed = Math.min(backlog + arrivals, Math.round(1.5 * usual));
    backlog += arrivals - processed;
    f.worker = { ...f.worker, invocations: processed, concurrency: 2, memory: [[270, processed]] };
    f.jobs = { sent: arrivals, deleted: processed, visible: backlog, ageSeconds: 20 * t + rng.next() * 5, dlqVisible: 0 };
  });
};

/** The API at 50 requests per second all day (its function's share), for the error-budget scenarios. */
function busyApi(f: Frame, rng: Random): void {
  const n = rng.poisson(3000);
  f.api = { ...f.api, invocations: n, errors: rng.binomial(n, 1e-4), concurrency: Math.ceil(n / 60 * 0.06 * 1.5) + 1, memory: [[200, n]] };
}

/** 2 % of the API's requests fail at 50 requests per second: below every error-rate threshold, 20 times the budget of 99.9 %. */
export const apiLowRateErrors: Incident = (refs, options = {}) =>
  incident('API low-rate errors', 'At 50 requests per second, 2 % of the API\'s requests fail with 5XX from minute 180 (a bad instance of a dependency): about 60 failed requests a minute, below every 5 % error-rate threshold.', 300, refs, options, (f, rng) => {
    busyApi(f, rng);
    if (f.m >= ONSET) f.api.errors += rng.binomial(f.api.invocations, 0.02);
  });

/** 0.4 % of the API's requests fail for hours: 4 times the budget of 99.9 %, below the fast burn. */
export const apiSlowBurn: Incident = (refs, options = {}) =>
  incident('API slow burn', 'At 50 requests per second, 0.4 % of the API\'s requests fail with 5XX from minute 60 for 8 hours (one of 250 calls to a flaky dependency): 4 times the error budget of 99.9 %.', 600, refs, options, (f, rng) => {
    busyApi(f, rng);
    if (f.m >= 60) f.api.errors += rng.binomial(f.api.invocations, 0.004);
  }, 60);

/** A dependency of the API function slows down tenfold: p99 climbs from about 200 ms to 2 s, far below the 5 s timeout. */
export const slowDependency: Incident = (refs, options = {}) =>
  incident('slow dependency', 'From minute 180 a downstream call of the API function takes ten times as long (median 60 ms to 600 ms): its p99 climbs from about 200 ms to 2 s, far below its 5 s timeout and the 29 s integration timeout.', 300, refs, options, (f, rng) => {
    if (f.m < ONSET) return;
    const n = f.api.invocations;
    f.api = { ...f.api, medianMs: 600, concurrency: Math.ceil(n / 60 * 0.6 * 1.5) + 1 };
    void rng;
  });

/** The API's traffic stops (a routing change sends every request elsewhere). */
export const apiTrafficStops: Incident = (refs, options = {}) =>
  incident('API traffic stops', 'From minute 180 no request reaches the orders API (a DNS change points clients elsewhere): no errors anywhere, only silence.', 300, refs, options, f => {
    if (f.m < ONSET) return;
    f.api = { ...f.api, invocations: 0, errors: 0, coldStarts: 0, concurrency: 0, memory: [] };
    f.exportFn = { ...f.exportFn, invocations: 0, errors: 0, coldStarts: 0, concurrency: 0, memory: [] };
    f.errors4xx = 0;
  });

/** The hourly job's schedule is disabled: it stops running, nothing fails. */
export const hourlyJobStops: Incident = (refs, options = {}) => {
  let lastRun: number | undefined;
  return incident('hourly job stops', 'The hourly job\'s schedule is disabled by a deployment after its first run from 10:00: it never runs again, and nothing fails. The onset is the first missed run.', 360, refs, options, f => {
    if (lastRun === undefined && f.m >= ONSET && f.hourly.invocations > 0) { lastRun = f.m; return; }
    if (lastRun !== undefined) f.hourly = { ...f.hourly, invocations: 0, errors: 0, coldStarts: 0, concurrency: 0, memory: [] };
  }, () => lastRun === undefined ? undefined : lastRun + 60);
};

/**
 * A scheduled job run `runsPerHour` times an hour that fails on every run from its first run after
 * 10:00 (the onset): "a function failing on every invocation is alarmed within 5 minutes of its
 * first failure at any rate from one invocation per hour upward". Up to 60 runs an hour they are
 * evenly spaced (a schedule); above, that many a minute on average (Poisson). The job is the
 * reference app's `hourly` function (no retries; failed events go to its failure queue).
 */
export function jobFailingEveryRun(refs: ReferenceAppRefs, runsPerHour: number, options: GeneratorOptions = {}): ScenarioJson {
  if (runsPerHour <= 60 && !Number.isInteger(60 / runsPerHour)) throw new Error(`runsPerHour ${runsPerHour}: up to 60, a divisor of 60`);
  const startMinute = Date.parse(options.start ?? INCIDENT_START) / 60_000;
  let first: number | undefined;
  let queued = 0;
  const b = simulateApp(`job failing every run (${runsPerHour} runs an hour)`, 300, refs, {
    ...options,
    description: `A job run ${runsPerHour} times an hour fails on every run from 10:00 (a broken dependency); each failed event goes to its failure queue.`,
  }, (f, rng) => {
    const runs = runsPerHour > 60 ? rng.poisson(runsPerHour / 60) : (startMinute + f.m) % (60 / runsPerHour) === 0 ? 1 : 0;
    f.hourly = fnMinute(rng, runs, 4000, 0.2, 180);
    if (f.m >= ONSET && runs > 0) {
      first ??= f.m;
      f.hourly.errors = runs;
      queued += runs;
    }
    f.hourly.failureQueueVisible = queued;
  });
  b.props.onsetMinute = first;
  b.props.affectedResources = [refs.hourly.fn, refs.hourly.failureQueue!];
  return b.build();
}

/**
 * Healthy, with isolated single errors on busy functions: a day of diurnal traffic where, besides
 * the usual noise, the queue worker and the notifier (about 3 to 30 invocations a minute) each
 * fail one invocation every 7 minutes and two single invocations 2 minutes apart every hour, and
 * the API (60 to 400 requests a minute) one request an hour, always beside successful
 * invocations of the same minute. No onset: any alarm is a false alarm ("a high-traffic function does not alarm on
 * isolated single errors").
 */
export function isolatedSingleErrors(refs: ReferenceAppRefs, options: GeneratorOptions = {}): ScenarioJson {
  return simulateApp('isolated single errors (healthy)', 1440, refs, {
    start: '2024-01-01T00:00:00Z',
    ...options,
    description: 'A day of diurnal traffic; the worker and the notifier fail a single invocation every 7 minutes and two single invocations 2 minutes apart every hour, the API one request an hour, each beside successful ones.',
  }, f => {
    const lone = f.m % 7 === 0;
    const pair = f.m % 60 === 30 || f.m % 60 === 32;
    for (const fm of [f.worker, f.notifier]) {
      if ((lone || pair) && fm.invocations >= 2) fm.errors = Math.max(fm.errors, 1);
    }
    // the API's error budget (99.9 %) is meant to notice one failed request every 7 minutes at
    // night traffic (0.2 %, its slow burn): once an hour stays within it
    if (f.m % 60 === 7 && f.api.invocations >= 2) f.api.errors = Math.max(f.api.errors, 1);
  }).build();
}

/**
 * Healthy, with a blip: at 50 requests per second, 4 % of requests fail for 3 minutes (a deployment
 * rolling over), then none. No onset: any alarm is a false alarm.
 */
export function apiErrorBlip(refs: ReferenceAppRefs, options: GeneratorOptions = {}): ScenarioJson {
  return simulateApp('API error blip (healthy)', 300, refs, { ...options, description: 'At 50 requests per second, 4 % of the API\'s requests fail for 3 minutes (minutes 180-182), then none: a blip, not an incident.' }, (f, rng) => {
    busyApi(f, rng);
    if (f.m >= ONSET && f.m < ONSET + 3) f.api.errors += rng.binomial(f.api.invocations, 0.04);
  }).build();
}

/** Every generated incident of the reference app, in the order of the README's table. */
export const INCIDENTS: Array<[string, Incident]> = [
  ['queueThrottling', queueThrottling],
  ['consumerErroring', consumerErroring],
  ['backpressure', backpressure],
  ['dynamoUnderProvisioned', dynamoUnderProvisioned],
  ['memoryLeak', memoryLeak],
  ['timeoutsNearDuration', timeoutsNearDuration],
  ['recursiveLoop', recursiveLoop],
  ['codeStorageFilling', codeStorageFilling],
  ['codeStoragePollerFailing', codeStoragePollerFailing],
  ['asyncFailures', asyncFailures],
  ['destinationUnreachable', destinationUnreachable],
  ['deadLetterErrors', deadLetterErrors],
  ['poisonStreamRecord', poisonStreamRecord],
  ['dynamoSystemErrors', dynamoSystemErrors],
  ['onDemandMaxThroughput', onDemandMaxThroughput],
  ['ordersWritesNearCapacity', ordersWritesNearCapacity],
  ['slowExportEndpoint', slowExportEndpoint],
  ['hourlyJobFailing', hourlyJobFailing],
  ['hourlyJobFailingOnce', hourlyJobFailingOnce],
  ['poisonMessages', poisonMessages],
  ['cappedConsumer', cappedConsumer],
  ['apiLowRateErrors', apiLowRateErrors],
  ['apiSlowBurn', apiSlowBurn],
  ['slowDependency', slowDependency],
  ['apiTrafficStops', apiTrafficStops],
  ['hourlyJobStops', hourlyJobStops],
];

function normalCdf(z: number): number {
  // Abramowitz-Stegun 7.1.26 on erf
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496735) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
