/**
 * The code storage poller at the scale of a large account: 10,000 functions with 6 published
 * versions each and $LATEST (70,000 versions, 1,400 pages of ListFunctions), every call taking
 * 250 ms on a fake clock, each invocation 300 s (the poller's timeout). Real time: seconds.
 */
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import {
  DeleteFunctionCommand,
  FunctionConfiguration,
  GetAccountSettingsCommand,
  GetPolicyCommand,
  LambdaClient,
  ListAliasesCommand,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  ListProvisionedConcurrencyConfigsCommand,
  ListTagsCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { poll, PollerConfig, PollerDeps, PollResult } from '../../src/account/code-storage-poller.lambda';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

const lambdaMock = mockClient(LambdaClient);
const FUNCTIONS = Number(process.env.POLLER_SCALE_FUNCTIONS ?? 10_000);
const VERSIONS = 6;
const PER_FUNCTION = VERSIONS + 1;
const LATENCY_MS = 250;
const TIMEOUT_MS = 300_000;
const HOUR = 3_600_000;
const ACCOUNT = 'arn:aws:lambda:us-east-1:123456789012:function';
const POLLER_ARN = `${ACCOUNT}:CodeStoragePoller`;

const name = (f: number) => `fn-${String(f).padStart(5, '0')}`;
const indexOf = (functionName: string) => Number(functionName.slice(3));
/** Sizes differ per function, so the largest functions are one answer. */
const size = (f: number, v: number) => v === 0 ? 1_000_000 : (f % 997 + 1) * 10_000 + f + v;

/** What references a version, by function (the same rule the fake answers with). */
const layout = {
  alias: (f: number) => f % 10 === 0 ? ['2', ...(f % 20 === 0 ? ['1'] : [])] : [],
  provisioned: (f: number) => f % 15 === 0 ? ['3'] : [],
  mapping: (f: number) => f % 25 === 0 ? ['1'] : [],
  policy: (f: number) => f % 30 === 0 ? ['2'] : [],
  /** Deleted by someone between the listing and its cleanup. */
  vanished: (f: number) => f % 50 === 7,
};
function referenced(f: number): Set<number> {
  return new Set([...layout.alias(f), ...layout.provisioned(f), ...layout.mapping(f), ...layout.policy(f)].map(Number));
}

/** A region's worth of functions behind the Lambda API: markers by position, deletions remembered in a bitmap. */
class FakeRegion {
  /** 1 where a version was deleted (a preallocated bitmap: the fake's own memory does not grow). */
  readonly deleted = new Uint8Array(FUNCTIONS * PER_FUNCTION);
  readonly violations: string[] = [];
  now = Date.UTC(2025, 0, 15, 10, 0);
  readonly tags: Record<string, string> = {};
  calls = 0;
  /** The last function whose references were read: the cleanup has moved past every function before it. */
  lastReferenced = -1;
  /** Called every 100 calls: where the test samples the heap during a poll. */
  onHundredCalls?: () => void;

  constructor() {
    const mappings: string[] = [];
    for (let f = 0; f < FUNCTIONS; f++) {
      for (const v of layout.mapping(f)) mappings.push(`${ACCOUNT}:${name(f)}:${v}`);
      // mappings on an alias and on the function itself reference no version of their own
      if (f % 40 === 0) mappings.push(`${ACCOUNT}:${name(f)}:live`, `${ACCOUNT}:${name(f)}`);
    }
    // one instance, thrown for every version without a policy (~30,000 times: building each costs)
    const noPolicy = new ResourceNotFoundException({ message: 'The resource you requested does not exist.', $metadata: {}, Type: 'User' });
    const gone = (functionName: string) => {
      if (layout.vanished(indexOf(functionName))) throw new ResourceNotFoundException({ message: `Function not found: ${functionName}`, $metadata: {}, Type: 'User' });
    };
    const answers = new Map<unknown, (input: any) => unknown>([
      [GetAccountSettingsCommand, () => ({
        AccountUsage: { TotalCodeSize: 70 * 1024 ** 3, FunctionCount: FUNCTIONS },
        AccountLimit: { TotalCodeSize: 75 * 1024 ** 3 },
      })],
      [ListTagsCommand, () => ({ Tags: { ...this.tags } })],
      [TagResourceCommand, input => { Object.assign(this.tags, input.Tags); return {}; }],
      [UntagResourceCommand, input => { for (const k of input.TagKeys) delete this.tags[k]; return {}; }],
      [ListEventSourceMappingsCommand, input => {
        const start = input.Marker ? Number(input.Marker) : 0;
        return {
          EventSourceMappings: mappings.slice(start, start + 100).map(FunctionArn => ({ FunctionArn })),
          NextMarker: start + 100 < mappings.length ? String(start + 100) : undefined,
        };
      }],
      [ListFunctionsCommand, input => this.page(input.Marker)],
      [ListAliasesCommand, input => {
        this.lastReferenced = Math.max(this.lastReferenced, indexOf(input.FunctionName));
        gone(input.FunctionName);
        const [target, weighted] = layout.alias(indexOf(input.FunctionName));
        return { Aliases: target ? [{ Name: 'live', FunctionVersion: target, RoutingConfig: weighted ? { AdditionalVersionWeights: { [weighted]: 0.1 } } : undefined }] : [] };
      }],
      [ListProvisionedConcurrencyConfigsCommand, input => {
        gone(input.FunctionName);
        const f = indexOf(input.FunctionName);
        return { ProvisionedConcurrencyConfigs: [...layout.provisioned(f), ...(f % 15 === 0 ? ['live'] : [])].map(q => ({ FunctionArn: `${ACCOUNT}:${input.FunctionName}:${q}` })) };
      }],
      [GetPolicyCommand, input => {
        if (layout.policy(indexOf(input.FunctionName)).includes(input.Qualifier)) {
          return { Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Resource: `${ACCOUNT}:${input.FunctionName}:${input.Qualifier}` }] }) };
        }
        throw noPolicy;
      }],
      [DeleteFunctionCommand, input => {
        gone(input.FunctionName);
        const f = indexOf(input.FunctionName);
        const v = Number(input.Qualifier);
        if (!Number.isInteger(v) || v < 1) this.violations.push(`not a version: ${input.FunctionName}:${input.Qualifier}`);
        if (v > VERSIONS - 3 || referenced(f).has(v)) this.violations.push(`referenced or newest: ${input.FunctionName}:${v}`);
        const i = f * PER_FUNCTION + v;
        if (this.deleted[i]) throw new ResourceNotFoundException({ message: 'gone', $metadata: {}, Type: 'User' });
        this.deleted[i] = 1;
        return {};
      }],
    ]);
    // one fake behind aws-sdk-client-mock's stub of send, answering by command (a matcher per
    // command costs sinon a lookup per behaviour on each of ~80,000 calls); every call takes 250 ms
    lambdaMock.send.callsFake(async (command: { input: unknown }): Promise<any> => {
      this.now += LATENCY_MS;
      if (++this.calls % 100 === 0) this.onHundredCalls?.();
      const answer = answers.get(command.constructor);
      if (!answer) throw new Error(`unexpected call ${command.constructor.name}`);
      return answer(command.input);
    });
  }

  private item(i: number): FunctionConfiguration {
    const f = Math.floor(i / PER_FUNCTION);
    const v = i % PER_FUNCTION;
    return { FunctionName: name(f), Version: v === 0 ? '$LATEST' : String(v), CodeSize: size(f, v) };
  }

  /** 50 versions after the marker (the position of the last version returned), skipping deleted ones. */
  page(marker: string | undefined) {
    const items: FunctionConfiguration[] = [];
    let i = marker === undefined ? 0 : Number(marker) + 1;
    for (; i < this.deleted.length && items.length < 50; i++) if (!this.deleted[i]) items.push(this.item(i));
    return { Functions: items, NextMarker: i < this.deleted.length ? String(i - 1) : undefined };
  }

  deps(write: (line: string) => void): PollerDeps {
    const end = this.now + TIMEOUT_MS;
    return {
      client: new LambdaClient({ region: 'us-east-1' }),
      sleep: async ms => { this.now += ms; },
      random: () => 0.5,
      write,
      now: () => this.now,
      remainingTimeMs: () => end - this.now,
      functionArn: POLLER_ARN,
    };
  }
}

interface Figures {
  polls: number;
  maxPollMs: number;
  maxHeldVersions: number;
  /** Heap after a full GC, after each poll, above the heap before the first (what a poll leaves behind). */
  maxRetainedHeapBytes: number;
  /** Highest heap seen while polling (garbage included), above the heap before the first poll. */
  peakHeapBytes: number;
  pagesPerPoll: number[];
  calls: number;
  errors: string[];
  results: PollResult[];
  stateTagChars: number;
  realMs: number;
}

async function pollUntilComplete(region: FakeRegion, config: PollerConfig, maxPolls: number): Promise<Figures> {
  const figures: Figures = {
    polls: 0,
    maxPollMs: 0,
    maxHeldVersions: 0,
    maxRetainedHeapBytes: 0,
    peakHeapBytes: 0,
    pagesPerPoll: [],
    calls: 0,
    errors: [],
    results: [],
    stateTagChars: 0,
    realMs: 0,
  };
  const realStart = Date.now();
  gc();
  const baseline = process.memoryUsage().heapUsed;
  region.onHundredCalls = () => { figures.peakHeapBytes = Math.max(figures.peakHeapBytes, process.memoryUsage().heapUsed - baseline); };
  const write = (line: string) => {
    if (line.includes('"level":"ERROR"')) figures.errors.push(line);
  };
  for (let i = 0; i < maxPolls; i++) {
    const started = region.now;
    const result = await poll(config, region.deps(write));
    figures.polls++;
    figures.maxPollMs = Math.max(figures.maxPollMs, region.now - started);
    figures.maxHeldVersions = Math.max(figures.maxHeldVersions, result.listing?.maxHeldVersions ?? 0);
    figures.pagesPerPoll.push(result.listing?.pages ?? 0);
    figures.stateTagChars = Math.max(figures.stateTagChars, Object.values(region.tags).reduce((n, v) => n + v.length, 0));
    // the mock's call history is the test's memory, not the poller's
    lambdaMock.resetHistory();
    // a full GC takes ~90 ms: every 10th poll and the last
    if (i % 10 === 0 || result.listing?.complete) {
      gc();
      figures.maxRetainedHeapBytes = Math.max(figures.maxRetainedHeapBytes, process.memoryUsage().heapUsed - baseline);
    }
    // only counters are kept of each result
    figures.results.push({ ...result, largestFunctions: result.largestFunctions.slice(0, 3) });
    if (result.listing?.complete) break;
    region.now += HOUR - (region.now - started);
  }
  figures.calls = region.calls;
  figures.realMs = Date.now() - realStart;
  return figures;
}

function report(title: string, f: Figures): void {
  process.stderr.write(`${title}: ${JSON.stringify({
    polls: f.polls,
    maxPollSeconds: f.maxPollMs / 1000,
    pagesPerPoll: f.pagesPerPoll.length > 6 ? `${f.pagesPerPoll.slice(0, 3).join(',')},...,${f.pagesPerPoll.slice(-2).join(',')}` : f.pagesPerPoll.join(','),
    calls: f.calls,
    maxHeldVersions: f.maxHeldVersions,
    maxRetainedHeapMB: +(f.maxRetainedHeapBytes / 2 ** 20).toFixed(2),
    peakHeapMB: +(f.peakHeapBytes / 2 ** 20).toFixed(2),
    stateTagChars: f.stateTagChars,
    realSeconds: f.realMs / 1000,
  })}\n`);
}

beforeEach(() => lambdaMock.reset());

test(`listing only: ${FUNCTIONS} functions x ${VERSIONS} versions at 250 ms a page resume across polls, each within the 300 s timeout`, async () => {
  const region = new FakeRegion();
  const figures = await pollUntilComplete(region, { largestFunctions: 10, cleanupMode: 'OFF', versionsToKeep: 3, functionNamePrefixes: [] }, 10);
  report('listing only', figures);

  expect(figures.errors).toEqual([]);
  expect(figures.pagesPerPoll.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(Math.ceil(FUNCTIONS * PER_FUNCTION / 50));
  if (FUNCTIONS === 10_000) expect(figures.polls).toBe(2);
  // each poll ends before the timeout, with the 20 s reserve nearly intact
  expect(figures.maxPollMs).toBeLessThanOrEqual(TIMEOUT_MS - 15_000);
  // one page and one function's versions at most
  expect(figures.maxHeldVersions).toBeLessThanOrEqual(50 + VERSIONS);
  expect(figures.maxRetainedHeapBytes).toBeLessThan(4 * 2 ** 20);
  // the largest functions, over the whole pass, as a brute-force count finds them
  const total = (f: number) => Array.from({ length: PER_FUNCTION }, (_, v) => size(f, v)).reduce((a, b) => a + b, 0);
  const expected = Array.from({ length: FUNCTIONS }, (_, f) => f).sort((a, b) => total(b) - total(a)).slice(0, 3);
  const last = figures.results[figures.results.length - 1];
  expect(last.largestFunctions).toEqual(expected.map(f => ({ functionName: name(f), versions: VERSIONS, totalBytes: total(f) })));
  expect(region.tags).toEqual({});
});

/**
 * The whole cleanup pass over 10,000 functions takes 68 polls and 76,000 calls (16-25 s of real
 * time); by default the test runs its first 12 polls (1,800 functions, every kind of reference
 * many times over) and POLLER_SCALE_FULL=1 runs it to the end.
 */
const FULL = process.env.POLLER_SCALE_FULL === '1';

test(`cleanup: ${FUNCTIONS} functions x ${VERSIONS} versions, keep 3: no referenced version deleted, every other old one deleted, each poll within its timeout`, async () => {
  const region = new FakeRegion();
  const figures = await pollUntilComplete(region, { largestFunctions: 10, cleanupMode: 'DELETE', versionsToKeep: 3, functionNamePrefixes: [] }, FULL ? 200 : 12);
  report(`cleanup DELETE${FULL ? ' (full pass)' : ''}`, figures);

  expect(region.violations).toEqual([]);
  expect(figures.errors).toEqual([]);
  const done = figures.results[figures.results.length - 1].listing?.complete ? FUNCTIONS : region.lastReferenced;
  if (FULL) expect(done).toBe(FUNCTIONS);
  else expect(region.tags['cdk-observed:listing-position']).toBeDefined();
  expect(figures.maxPollMs).toBeLessThanOrEqual(TIMEOUT_MS - 15_000);
  expect(figures.maxHeldVersions).toBeLessThanOrEqual(50 + VERSIONS);
  expect(figures.maxRetainedHeapBytes).toBeLessThan(4 * 2 ** 20);

  // exactly the old, unreferenced versions of the functions that still exist are gone
  let deleted = 0;
  for (let f = 0; f < FUNCTIONS; f++) {
    for (let v = 1; v <= VERSIONS; v++) {
      // the function the last poll stopped in may be half done
      if (f === done) continue;
      const expectedGone = f < done && v <= VERSIONS - 3 && !referenced(f).has(v) && !layout.vanished(f);
      if (Boolean(region.deleted[f * PER_FUNCTION + v]) !== expectedGone) throw new Error(`${name(f)}:${v} ${expectedGone ? 'kept' : 'deleted'}`);
      if (expectedGone) deleted++;
    }
  }
  const sum = (key: 'versions' | 'vanishedFunctions') => figures.results.reduce((n, r) => n + (r.cleanup?.[key] ?? 0), 0);
  expect(sum('versions') - deleted).toBeGreaterThanOrEqual(0);
  expect(sum('versions') - deleted).toBeLessThanOrEqual(VERSIONS);
  // a vanished function is counted (again when a resumed page meets it twice), never a failure
  expect(sum('vanishedFunctions')).toBeGreaterThanOrEqual(Math.floor(done / 50));
  expect(figures.results.every(r => r.cleanup?.failureCount === 0)).toBe(true);
  process.stderr.write(`cleanup DELETE: ${deleted} versions deleted\n`);
}, 120_000);
