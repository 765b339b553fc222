import { createServer } from 'http';
import { AddressInfo } from 'net';
import {
  AliasConfiguration,
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
  ResourceConflictException,
  ResourceNotFoundException,
  ServiceException,
  TagResourceCommand,
  TooManyRequestsException,
  UntagResourceCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { decodeState, encodeState } from '../../src/account/code-storage-pass-state';
import {
  backoffMs,
  configFromEnv,
  createHandler,
  DeployEvent,
  handler,
  METRIC_SETTLE_MS,
  onDeploy,
  ownFunctionArn,
  poll,
  putResponse,
  PollerConfig,
  PollerDeps,
  PollResult,
  readConfiguration,
  TIME_RESERVE_MS,
} from '../../src/account/code-storage-poller.lambda';

const lambdaMock = mockClient(LambdaClient);
const GB = 1024 ** 3;
const NOW = Date.UTC(2025, 0, 15, 10, 30);

/** Deterministic dependencies: sleeps are recorded, not waited; log lines are collected. */
function fakeDeps(overrides: Partial<PollerDeps> = {}): PollerDeps & { lines: string[]; sleeps: number[] } {
  const lines: string[] = [];
  const sleeps: number[] = [];
  return {
    client: new LambdaClient({ region: 'us-east-1' }),
    sleep: async ms => { sleeps.push(ms); },
    random: () => 0.5,
    write: line => { lines.push(line); },
    now: () => NOW,
    remainingTimeMs: () => 300_000,
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 },
    ...overrides,
    lines,
    sleeps,
  };
}

const records = (deps: { lines: string[] }) => deps.lines.map(l => JSON.parse(l) as Record<string, any>);
const emfRecords = (deps: { lines: string[] }) => records(deps).filter(r => r._aws);
const metricValues = (deps: { lines: string[] }) => Object.fromEntries(emfRecords(deps).flatMap(r =>
  r._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => [m.Name, r[m.Name]])));

const OFF: PollerConfig = { largestFunctions: 0, cleanupMode: 'OFF', versionsToKeep: 3, functionNamePrefixes: [] };

function settings(usedBytes: number, limitBytes = 75 * GB) {
  return { AccountUsage: { TotalCodeSize: usedBytes, FunctionCount: 42 }, AccountLimit: { TotalCodeSize: limitBytes } };
}

/** $LATEST and numbered versions 1..n of a function, version k being k MB. */
function versionsOf(name: string, n: number, latestBytes = 1_000_000): FunctionConfiguration[] {
  const list: FunctionConfiguration[] = [{ FunctionName: name, Version: '$LATEST', CodeSize: latestBytes }];
  for (let k = 1; k <= n; k++) list.push({ FunctionName: name, Version: String(k), CodeSize: k * 1_000_000 });
  return list;
}

function throttled(retryAfterSeconds?: string) {
  return new TooManyRequestsException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 }, retryAfterSeconds, Type: 'User', Reason: 'CallerRateLimitExceeded' });
}

function awsError(name: string, httpStatusCode: number) {
  return Object.assign(new Error(`${name} raised`), { name, $metadata: { httpStatusCode } });
}

const deletedQualifiers = () => lambdaMock.commandCalls(DeleteFunctionCommand).map(c => `${c.args[0].input.FunctionName}:${c.args[0].input.Qualifier}`);

const POLLER_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:Monitoring-StoragePoller-abc';

/** The poller's own tags, as TagResource / UntagResource leave them. */
function tagStore(): Record<string, string> {
  const tags: Record<string, string> = {};
  lambdaMock.on(ListTagsCommand).callsFake(async () => ({ Tags: { ...tags } }));
  lambdaMock.on(TagResourceCommand).callsFake(async input => { Object.assign(tags, input.Tags); return {}; });
  lambdaMock.on(UntagResourceCommand).callsFake(async input => { for (const k of input.TagKeys) delete tags[k]; return {}; });
  return tags;
}

/**
 * A fake clock: the invocation's remaining time, the backoff waits and (where a test says so) the
 * calls' latency all move it, so minutes of an invocation pass in milliseconds of real time.
 */
function fakeClock(start = NOW) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => { t += ms; },
    deps(options: { remainingMs: number; functionArn?: string; write?: (line: string) => void; retry?: PollerDeps['retry'] }): PollerDeps & { lines: string[]; sleeps: number[] } {
      const end = t + options.remainingMs;
      const lines: string[] = [];
      const sleeps: number[] = [];
      return {
        client: new LambdaClient({ region: 'us-east-1' }),
        sleep: async ms => { sleeps.push(ms); t += ms; },
        random: () => 0.5,
        write: options.write ?? (line => { lines.push(line); }),
        now: () => t,
        remainingTimeMs: () => end - t,
        functionArn: options.functionArn,
        retry: options.retry,
        lines,
        sleeps,
      };
    },
  };
}

function notFound(message = 'not found') {
  return new ResourceNotFoundException({ message, $metadata: { httpStatusCode: 404 }, Type: 'User' });
}

beforeEach(() => {
  lambdaMock.reset();
  // an account with nothing that references a version, unless a test says otherwise
  lambdaMock.on(ListEventSourceMappingsCommand).resolves({ EventSourceMappings: [] });
  lambdaMock.on(ListProvisionedConcurrencyConfigsCommand).resolves({ ProvisionedConcurrencyConfigs: [] });
  lambdaMock.on(GetPolicyCommand).rejects(notFound('no policy'));
  lambdaMock.on(ListTagsCommand).resolves({ Tags: {} });
});

describe('the metrics it writes (embedded metric format)', () => {
  test('used bytes and used percent of the limit, in one EMF record with no dimensions', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(60 * GB));
    const deps = fakeDeps();
    const result = await poll(OFF, deps);

    expect(result).toMatchObject({ usedBytes: 60 * GB, limitBytes: 75 * GB, usedPercent: 80 });
    const [record] = emfRecords(deps);
    expect(record._aws).toEqual({
      Timestamp: NOW,
      CloudWatchMetrics: [{
        Namespace: 'CdkObserved/Lambda',
        Dimensions: [[]],
        Metrics: [{ Name: 'CodeStorageUsedBytes', Unit: 'Bytes' }, { Name: 'CodeStorageUsedPercent', Unit: 'Percent' }],
      }],
    });
    expect(record.CodeStorageUsedBytes).toBe(60 * GB);
    expect(record.CodeStorageUsedPercent).toBe(80);
    expect(record.limitBytes).toBe(75 * GB);
    expect(record.functionCount).toBe(42);
  });

  test('the percent is rounded to two decimals', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(1, 3));
    const deps = fakeDeps();
    await poll(OFF, deps);
    expect(metricValues(deps).CodeStorageUsedPercent).toBe(33.33);
  });

  test('every log line is one JSON record (EMF needs the record alone on its line)', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(GB));
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: versionsOf('f', 2) });
    const deps = fakeDeps();
    await poll({ ...OFF, largestFunctions: 1 }, deps);
    expect(deps.lines.length).toBeGreaterThanOrEqual(3);
    for (const line of deps.lines) {
      expect(line).not.toContain('\n');
      expect(() => JSON.parse(line)).not.toThrow();
    }
  });

  test('GetAccountSettings without code storage figures is an error, and no metric is written', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves({ AccountUsage: {}, AccountLimit: { TotalCodeSize: 75 * GB } });
    const deps = fakeDeps();
    await expect(poll(OFF, deps)).rejects.toThrow('GetAccountSettings returned no code storage figures (usage undefined, limit 80530636800)');
    expect(emfRecords(deps)).toEqual([]);
  });

  test('with largestFunctions 0 and cleanup off, only GetAccountSettings is called', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(GB));
    await poll(OFF, fakeDeps());
    expect(lambdaMock.calls().map(c => c.args[0].constructor.name)).toEqual(['GetAccountSettingsCommand']);
  });
});

describe('largest functions (ListFunctions with every version, paginated)', () => {
  test('follows NextMarker through every page and ranks functions by $LATEST plus all versions', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(GB));
    lambdaMock.on(ListFunctionsCommand, { Marker: undefined }).resolves({ Functions: versionsOf('a', 2), NextMarker: 'page2' });
    lambdaMock.on(ListFunctionsCommand, { Marker: 'page2' }).resolves({ Functions: versionsOf('b', 4), NextMarker: 'page3' });
    lambdaMock.on(ListFunctionsCommand, { Marker: 'page3' }).resolves({ Functions: [...versionsOf('c', 1, 50_000_000), ...versionsOf('d', 0)] });
    const deps = fakeDeps();
    const result = await poll({ ...OFF, largestFunctions: 3 }, deps);

    const calls = lambdaMock.commandCalls(ListFunctionsCommand).map(c => c.args[0].input);
    expect(calls).toEqual([
      { FunctionVersion: 'ALL', Marker: undefined, MaxItems: 50 },
      { FunctionVersion: 'ALL', Marker: 'page2', MaxItems: 50 },
      { FunctionVersion: 'ALL', Marker: 'page3', MaxItems: 50 },
    ]);
    expect(result.largestFunctions).toEqual([
      { functionName: 'c', versions: 1, totalBytes: 51_000_000 },
      { functionName: 'b', versions: 4, totalBytes: 11_000_000 },
      { functionName: 'a', versions: 2, totalBytes: 4_000_000 },
    ]);
    const report = records(deps).find(r => r.message === 'largest functions by total version size');
    expect(report?.functions).toEqual(result.largestFunctions);
    // the list is in the log only: no per-function custom metrics (each would cost $0.30 a month)
    expect(emfRecords(deps)).toHaveLength(1);
  });
});

describe('retries with backoff', () => {
  test('throttling is retried with exponentially growing, jittered waits', async () => {
    lambdaMock.on(GetAccountSettingsCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(awsError('ThrottlingException', 400))
      .rejectsOnce(throttled())
      .resolves(settings(GB));
    const deps = fakeDeps();
    await poll(OFF, deps);

    expect(lambdaMock.commandCalls(GetAccountSettingsCommand)).toHaveLength(4);
    // base 100 ms doubling: ceilings 100, 200, 400; random 0.5 puts each wait at 3/4 of its ceiling
    expect(deps.sleeps).toEqual([75, 150, 300]);
    const retries = records(deps).filter(r => r.message?.startsWith('retrying'));
    expect(retries.map(r => [r.operation, r.attempt, r.error])).toEqual([
      ['GetAccountSettings', 1, 'TooManyRequestsException'],
      ['GetAccountSettings', 2, 'ThrottlingException'],
      ['GetAccountSettings', 3, 'TooManyRequestsException'],
    ]);
  });

  test('the jitter spreads each wait between half and all of its ceiling, capped', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffMs(1, policy, 0)).toBe(50);
    expect(backoffMs(1, policy, 0.999999)).toBe(100);
    expect(backoffMs(3, policy, 0)).toBe(200);
    expect(backoffMs(8, policy, 1)).toBe(1_000);
  });

  test("the service's Retry-After is honoured (up to the cap)", async () => {
    lambdaMock.on(GetAccountSettingsCommand).rejectsOnce(throttled('0.8')).resolves(settings(GB));
    const deps = fakeDeps();
    await poll(OFF, deps);
    expect(deps.sleeps).toEqual([800]);
    expect(backoffMs(1, { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 }, 0, throttled('30'))).toBe(1_000);
  });

  test('server errors (5xx) are retried too', async () => {
    lambdaMock.on(GetAccountSettingsCommand)
      .rejectsOnce(new ServiceException({ message: 'internal', $metadata: { httpStatusCode: 500 }, Type: 'Server' }))
      .rejectsOnce(awsError('SomethingNew', 503))
      .resolves(settings(GB));
    const deps = fakeDeps();
    await poll(OFF, deps);
    expect(lambdaMock.commandCalls(GetAccountSettingsCommand)).toHaveLength(3);
    expect(deps.sleeps).toEqual([75, 150]);
  });

  test('a throttle that outlasts every attempt fails the poll (and no metric is written)', async () => {
    lambdaMock.on(GetAccountSettingsCommand).rejects(throttled());
    const deps = fakeDeps();
    await expect(poll(OFF, deps)).rejects.toThrow('Rate exceeded');
    expect(lambdaMock.commandCalls(GetAccountSettingsCommand)).toHaveLength(4);
    expect(deps.sleeps).toEqual([75, 150, 300]);
    expect(emfRecords(deps)).toEqual([]);
  });

  test('errors that retrying cannot fix (access denied) fail at once', async () => {
    lambdaMock.on(GetAccountSettingsCommand).rejects(awsError('AccessDeniedException', 403));
    const deps = fakeDeps();
    await expect(poll(OFF, deps)).rejects.toThrow('AccessDeniedException raised');
    expect(lambdaMock.commandCalls(GetAccountSettingsCommand)).toHaveLength(1);
    expect(deps.sleeps).toEqual([]);
  });

  test('a throttled page of the listing is retried and the listing continues from that page', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(GB));
    lambdaMock.on(ListFunctionsCommand, { Marker: undefined }).resolves({ Functions: versionsOf('a', 1), NextMarker: 'p2' });
    lambdaMock.on(ListFunctionsCommand, { Marker: 'p2' }).rejectsOnce(throttled()).resolves({ Functions: versionsOf('b', 2) });
    const deps = fakeDeps();
    const result = await poll({ ...OFF, largestFunctions: 5 }, deps);
    expect(lambdaMock.commandCalls(ListFunctionsCommand).map(c => c.args[0].input.Marker)).toEqual([undefined, 'p2', 'p2']);
    expect(result.largestFunctions.map(f => f.functionName)).toEqual(['b', 'a']);
  });
});

describe('version cleanup', () => {
  const KEEP3: PollerConfig = { largestFunctions: 0, cleanupMode: 'DELETE', versionsToKeep: 3, functionNamePrefixes: [] };

  function account(functions: Record<string, number>, aliases: Record<string, AliasConfiguration[]> = {}) {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(70 * GB));
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: Object.entries(functions).flatMap(([name, n]) => versionsOf(name, n)) });
    lambdaMock.on(ListAliasesCommand).resolves({ Aliases: [] });
    for (const [name, list] of Object.entries(aliases)) lambdaMock.on(ListAliasesCommand, { FunctionName: name }).resolves({ Aliases: list });
    lambdaMock.on(DeleteFunctionCommand).resolves({});
  }

  test('keeps the newest N versions of each function and deletes the rest, with a version qualifier', async () => {
    account({ orders: 6, users: 2 });
    const deps = fakeDeps();
    const result = await poll(KEEP3, deps);

    expect(deletedQualifiers()).toEqual(['orders:3', 'orders:2', 'orders:1']);
    expect(result.cleanup).toMatchObject({ mode: 'DELETE', versions: 3, bytes: 6_000_000, failures: [], skipped: 0, stoppedEarly: false });
    // users has no more than 3 versions: its aliases are not even read
    expect(lambdaMock.commandCalls(ListAliasesCommand).map(c => c.args[0].input.FunctionName)).toEqual(['orders']);
  });

  test('$LATEST is never touched: every delete names a numbered version', async () => {
    account({ a: 5, b: 9 });
    await poll({ ...KEEP3, versionsToKeep: 1 }, fakeDeps());
    const qualifiers = lambdaMock.commandCalls(DeleteFunctionCommand).map(c => c.args[0].input.Qualifier);
    expect(qualifiers).toHaveLength(4 + 8);
    for (const q of qualifiers) expect(q).toMatch(/^[0-9]+$/);
    expect(lambdaMock.commandCalls(DeleteFunctionCommand).every(c => c.args[0].input.Qualifier !== undefined)).toBe(true);
  });

  test('versions an alias points to are kept, including the second version of a weighted alias', async () => {
    account({ api: 10 }, {
      api: [
        { Name: 'live', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: { 4: 0.1 } } },
        { Name: 'rollback', FunctionVersion: '5' },
      ],
    });
    const deps = fakeDeps();
    await poll(KEEP3, deps);
    // newest 3 (10, 9, 8) and alias targets (2, 4, 5) stay
    expect(deletedQualifiers()).toEqual(['api:7', 'api:6', 'api:3', 'api:1']);
    const report = records(deps).find(r => r.message === 'deleted versions');
    expect(report).toMatchObject({ functionName: 'api', keptNewest: 3, keptReferenced: { 2: 'alias', 4: 'alias', 5: 'alias' } });
  });

  test('aliases are read through every page', async () => {
    account({ api: 8 });
    lambdaMock.on(ListAliasesCommand, { FunctionName: 'api', Marker: undefined }).resolves({ Aliases: [{ Name: 'a', FunctionVersion: '1' }], NextMarker: 'm2' });
    lambdaMock.on(ListAliasesCommand, { FunctionName: 'api', Marker: 'm2' }).resolves({ Aliases: [{ Name: 'b', FunctionVersion: '3' }] });
    await poll(KEEP3, fakeDeps());
    expect(lambdaMock.commandCalls(ListAliasesCommand).map(c => c.args[0].input.Marker)).toEqual([undefined, 'm2']);
    expect(deletedQualifiers()).toEqual(['api:5', 'api:4', 'api:2']);
  });

  test('versions are ordered by number, not as text (10 is newer than 9)', async () => {
    account({ f: 12 });
    await poll({ ...KEEP3, versionsToKeep: 2 }, fakeDeps());
    expect(deletedQualifiers()).not.toContain('f:12');
    expect(deletedQualifiers()).not.toContain('f:11');
    expect(deletedQualifiers()).toContain('f:10');
  });

  test('dry run: nothing is deleted; what would be is logged and counted', async () => {
    account({ orders: 5 }, { orders: [{ Name: 'live', FunctionVersion: '1' }] });
    const deps = fakeDeps();
    const result = await poll({ ...KEEP3, cleanupMode: 'DRY_RUN' }, deps);

    expect(lambdaMock.commandCalls(DeleteFunctionCommand)).toHaveLength(0);
    expect(result.cleanup).toMatchObject({ versions: 1, bytes: 2_000_000 });
    const report = records(deps).find(r => r.message === 'versions a cleanup would delete (dry run)');
    expect(report).toMatchObject({ mode: 'DRY_RUN', functionName: 'orders', versions: [{ version: '2', codeSize: 2_000_000 }], keptReferenced: { 1: 'alias' } });
    expect(metricValues(deps)).toEqual({
      CodeStorageUsedBytes: 70 * GB,
      CodeStorageUsedPercent: 93.33,
      VersionsDeletable: 1,
      CodeStorageReclaimableBytes: 2_000_000,
    });
  });

  test('deletions are counted in their own metrics', async () => {
    account({ orders: 5 });
    const deps = fakeDeps();
    await poll(KEEP3, deps);
    const cleanupRecord = emfRecords(deps)[1];
    expect(cleanupRecord._aws.CloudWatchMetrics[0].Metrics).toEqual([
      { Name: 'VersionsDeleted', Unit: 'Count' },
      { Name: 'CodeStorageFreedBytes', Unit: 'Bytes' },
    ]);
    expect(cleanupRecord).toMatchObject({ VersionsDeleted: 2, CodeStorageFreedBytes: 3_000_000, mode: 'DELETE' });
  });

  test('nothing to delete writes no cleanup metric (a custom metric is billed by the hours it has data)', async () => {
    account({ orders: 3 });
    const deps = fakeDeps();
    await poll(KEEP3, deps);
    expect(emfRecords(deps)).toHaveLength(1);
    expect(records(deps).find(r => r.message === 'version cleanup summary')).toMatchObject({ versions: 0, failures: [] });
  });

  test('only functions whose names start with a configured prefix are cleaned up', async () => {
    account({ 'orders-api': 5, 'orders-worker': 5, 'payments': 5 });
    await poll({ ...KEEP3, functionNamePrefixes: ['orders-'] }, fakeDeps());
    expect(deletedQualifiers()).toEqual(['orders-api:2', 'orders-api:1', 'orders-worker:2', 'orders-worker:1']);
    expect(lambdaMock.commandCalls(ListAliasesCommand).map(c => c.args[0].input.FunctionName)).not.toContain('payments');
  });

  test('a throttled delete is retried', async () => {
    account({ f: 4 });
    lambdaMock.on(DeleteFunctionCommand).rejectsOnce(throttled()).resolves({});
    const deps = fakeDeps();
    const result = await poll(KEEP3, deps);
    expect(deletedQualifiers()).toEqual(['f:1', 'f:1']);
    expect(result.cleanup?.versions).toBe(1);
    expect(deps.sleeps).toEqual([75]);
  });

  test('a version Lambda refuses to delete (an alias now points to it, already gone) is skipped, not an error', async () => {
    account({ f: 5 });
    lambdaMock.on(DeleteFunctionCommand, { Qualifier: '2' }).rejects(new ResourceConflictException({ message: 'in use', $metadata: {}, Type: 'User' }));
    lambdaMock.on(DeleteFunctionCommand, { Qualifier: '1' }).rejects(awsError('ResourceNotFoundException', 404));
    const deps = fakeDeps();
    const result = await poll(KEEP3, deps);
    expect(result.cleanup).toMatchObject({ versions: 0, skipped: 2, failureCount: 0 });
    expect(records(deps).filter(r => r.message === 'version not deleted').map(r => [r.version, r.reason])).toEqual([
      ['2', 'in use or being updated (an alias may point to it now)'],
      ['1', 'already deleted'],
    ]);
  });

  test('a failed delete fails the poll, after the storage metric and the report are written', async () => {
    account({ a: 5, b: 4 });
    lambdaMock.on(DeleteFunctionCommand, { FunctionName: 'a', Qualifier: '2' }).rejects(awsError('AccessDeniedException', 403));
    const deps = fakeDeps();
    await expect(poll(KEEP3, deps)).rejects.toThrow('version cleanup: 1 call(s) failed, first DeleteFunction on a:2: AccessDeniedException');
    // the other deletions still ran
    expect(deletedQualifiers()).toEqual(['a:2', 'a:1', 'b:1']);
    expect(metricValues(deps)).toMatchObject({ CodeStorageUsedBytes: 70 * GB, VersionsDeleted: 2 });
    const summary = records(deps).find(r => r.message === 'version cleanup summary');
    expect(summary).toMatchObject({ level: 'ERROR', failures: [{ functionName: 'a', version: '2', operation: 'DeleteFunction', error: 'AccessDeniedException' }] });
  });

  test('when the aliases cannot be read, nothing of that function is deleted', async () => {
    account({ a: 6, b: 6 });
    lambdaMock.on(ListAliasesCommand, { FunctionName: 'a' }).rejects(awsError('AccessDeniedException', 403));
    const deps = fakeDeps();
    await expect(poll(KEEP3, deps)).rejects.toThrow('first ListAliases on a: AccessDeniedException');
    expect(deletedQualifiers()).toEqual(['b:3', 'b:2', 'b:1']);
  });

  test('short of time, it stops cleaning up, saves where, and the next poll finishes', async () => {
    account({ a: 6, b: 6 });
    const tags = tagStore();
    const clock = fakeClock();
    lambdaMock.on(DeleteFunctionCommand).callsFake(async () => { clock.advance(30_000); return {}; });
    // 100 s left: GetAccountSettings, the listing and two deletes of 30 s leave less than the reserve
    const first = await poll(KEEP3, clock.deps({ remainingMs: 100_000, functionArn: POLLER_ARN }));
    expect(first.cleanup?.stoppedEarly).toBe(true);
    expect(first.listing).toMatchObject({ complete: false, stoppedEarly: true });
    expect(deletedQualifiers()).toEqual(['a:3', 'a:2', 'a:1'].slice(0, first.cleanup!.versions));
    expect(Object.keys(tags).length).toBeGreaterThan(0);

    const second = await poll(KEEP3, clock.deps({ remainingMs: 300_000, functionArn: POLLER_ARN }));
    expect(second.listing).toMatchObject({ complete: true, resumed: true, passPolls: 2 });
    expect(new Set(deletedQualifiers())).toEqual(new Set(['a:3', 'a:2', 'a:1', 'b:3', 'b:2', 'b:1']));
    // the pass is over: its position is removed
    expect(tags).toEqual({});
    expect(TIME_RESERVE_MS).toBe(20_000);
  });
});

describe('the deploy-time poll (CloudFormation custom resource served by the poller)', () => {
  const EVENT: DeployEvent = {
    RequestType: 'Create',
    ResponseURL: 'https://cloudformation-custom-resource-response.s3.amazonaws.com/signed',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Monitoring/guid',
    RequestId: 'req-1',
    LogicalResourceId: 'StorageFirstPoll',
  };

  function responder() {
    const sent: { url: string; body: any }[] = [];
    return { sent, respond: async (url: string, body: string) => { sent.push({ url, body: JSON.parse(body) }); } };
  }

  test('Create: reads the storage, writes the metric, waits for it to reach CloudWatch, then answers SUCCESS', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(30 * GB));
    const { sent, respond } = responder();
    const deps = fakeDeps({ respond });
    await onDeploy(EVENT, deps);

    expect(metricValues(deps)).toEqual({ CodeStorageUsedBytes: 30 * GB, CodeStorageUsedPercent: 40 });
    expect(deps.sleeps).toEqual([METRIC_SETTLE_MS]);
    expect(sent).toEqual([{
      url: EVENT.ResponseURL,
      body: {
        Status: 'SUCCESS',
        Reason: 'code storage read',
        PhysicalResourceId: 'code-storage-first-poll',
        StackId: EVENT.StackId,
        RequestId: 'req-1',
        LogicalResourceId: 'StorageFirstPoll',
        Data: { UsedBytes: 30 * GB, UsedPercent: 40 },
      },
    }]);
  });

  test('it never lists or deletes during a deployment, whatever the cleanup mode', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(GB));
    const saved = process.env.CLEANUP_MODE;
    process.env.CLEANUP_MODE = 'DELETE';
    try {
      await onDeploy({ ...EVENT, RequestType: 'Update', PhysicalResourceId: 'code-storage-first-poll' }, fakeDeps({ respond: responder().respond }));
    } finally {
      if (saved === undefined) delete process.env.CLEANUP_MODE;
      else process.env.CLEANUP_MODE = saved;
    }
    expect(lambdaMock.calls().map(c => c.args[0].constructor.name)).toEqual(['GetAccountSettingsCommand']);
  });

  test('a poller that cannot read the storage fails the deployment, with the reason', async () => {
    lambdaMock.on(GetAccountSettingsCommand).rejects(awsError('AccessDeniedException', 403));
    const { sent, respond } = responder();
    await onDeploy(EVENT, fakeDeps({ respond }));
    expect(sent[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'code-storage-first-poll' });
    expect(sent[0].body.Reason).toContain('could not read GetAccountSettings: AccessDeniedException: AccessDeniedException raised');
  });

  test('the response is a PUT of the JSON body with an empty content type (what the pre-signed URL expects)', async () => {
    const received: { method?: string; contentType?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', chunk => { body += chunk; });
      req.on('end', () => {
        received.push({ method: req.method, contentType: req.headers['content-type'], body });
        res.statusCode = req.url === '/rejected' ? 403 : 200;
        res.end();
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await putResponse(`http://127.0.0.1:${port}/signed?X-Amz-Signature=abc`, '{"Status":"SUCCESS"}');
      await expect(putResponse(`http://127.0.0.1:${port}/rejected`, '{}')).rejects.toThrow('CloudFormation response rejected: HTTP 403');
    } finally {
      server.close();
    }
    expect(received[0]).toEqual({ method: 'PUT', contentType: '', body: '{"Status":"SUCCESS"}' });
  });

  test('Delete answers SUCCESS at once and calls nothing', async () => {
    const { sent, respond } = responder();
    await onDeploy({ ...EVENT, RequestType: 'Delete', PhysicalResourceId: 'code-storage-first-poll' }, fakeDeps({ respond }));
    expect(lambdaMock.calls()).toHaveLength(0);
    expect(sent.map(s => s.body.Status)).toEqual(['SUCCESS']);
  });

  test('the entry point routes a CloudFormation request to the deploy-time poll and a schedule event to a poll', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(GB));
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [] });
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      // a scheduled event: { "source": "aws.events", "detail-type": "Scheduled Event", ... }
      const result = await handler({ 'source': 'aws.events', 'detail-type': 'Scheduled Event' }, { getRemainingTimeInMillis: () => 300_000, invokedFunctionArn: POLLER_ARN });
      expect(result).toMatchObject({ usedBytes: GB });
    } finally {
      stdout.mockRestore();
    }
  });
});

describe('configuration and the Lambda entry point', () => {
  test('the environment the construct sets is read, with defaults', () => {
    expect(configFromEnv({})).toEqual({ largestFunctions: 10, cleanupMode: 'OFF', versionsToKeep: 3, functionNamePrefixes: [] });
    expect(configFromEnv({ LARGEST_FUNCTIONS: '0', CLEANUP_MODE: 'DELETE', VERSIONS_TO_KEEP: '5', FUNCTION_NAME_PREFIXES: '["a-","b_"]' }))
      .toEqual({ largestFunctions: 0, cleanupMode: 'DELETE', versionsToKeep: 5, functionNamePrefixes: ['a-', 'b_'] });
  });

  test.each([
    [{ CLEANUP_MODE: 'PURGE' }, 'CLEANUP_MODE is "PURGE"; expected OFF, DRY_RUN or DELETE'],
    [{ VERSIONS_TO_KEEP: '0' }, 'VERSIONS_TO_KEEP is "0"; expected a whole number from 1 to 1000'],
    [{ VERSIONS_TO_KEEP: 'NaN' }, 'VERSIONS_TO_KEEP is "NaN"; expected a whole number from 1 to 1000'],
    [{ LARGEST_FUNCTIONS: '2.5' }, 'LARGEST_FUNCTIONS is "2.5"; expected a whole number from 0 to 100'],
    [{ LARGEST_FUNCTIONS: '101' }, 'LARGEST_FUNCTIONS is "101"; expected a whole number from 0 to 100'],
    [{ FUNCTION_NAME_PREFIXES: '{"a":1}' }, 'FUNCTION_NAME_PREFIXES is {"a":1}; expected a JSON array of at most 50 function name prefixes'],
    [{ FUNCTION_NAME_PREFIXES: '["a",' }, 'FUNCTION_NAME_PREFIXES is ["a",; expected a JSON array'],
    [{ FUNCTION_NAME_PREFIXES: '["a*"]' }, 'FUNCTION_NAME_PREFIXES is ["a*"]; expected a JSON array'],
  ])('a bad environment value is an error naming the variable, the value and what is allowed: %j', (env, message) => {
    expect(() => configFromEnv(env)).toThrow(message);
  });

  test('a bad environment is found at cold start: it fails the deployment, and every scheduled poll, with the same message', async () => {
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let coldStart;
    try {
      coldStart = readConfiguration({ CLEANUP_MODE: 'bogus' });
    } finally {
      stdout.mockRestore();
    }
    expect(coldStart.error?.message).toBe('CLEANUP_MODE is "bogus"; expected OFF, DRY_RUN or DELETE');
    const run = createHandler(coldStart);
    await expect(run({}, { getRemainingTimeInMillis: () => 300_000 })).rejects.toThrow('invalid poller configuration: CLEANUP_MODE is "bogus"');
    expect(lambdaMock.calls()).toHaveLength(0);

    const sent: any[] = [];
    const deploy = { RequestType: 'Update', ResponseURL: 'https://x', StackId: 's', RequestId: 'r', LogicalResourceId: 'l', PhysicalResourceId: 'p' } as DeployEvent;
    await onDeploy(deploy, fakeDeps({ respond: async (_u, body) => { sent.push(JSON.parse(body)); } }), coldStart);
    expect(sent[0]).toMatchObject({ Status: 'FAILED', Reason: 'The Lambda code storage poller\'s configuration is invalid: CLEANUP_MODE is "bogus"; expected OFF, DRY_RUN or DELETE' });
    expect(lambdaMock.calls()).toHaveLength(0);
  });

  test('the handler polls with the configuration read at cold start, writes EMF to stdout and uses the invocation deadline', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(15 * GB));
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: versionsOf('f', 6) });
    lambdaMock.on(ListAliasesCommand).resolves({ Aliases: [] });
    const written: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => { written.push(String(chunk)); return true; });
    try {
      const run = createHandler(readConfiguration({ LARGEST_FUNCTIONS: '1', CLEANUP_MODE: 'DELETE', VERSIONS_TO_KEEP: '3', FUNCTION_NAME_PREFIXES: '[]' }));
      // 10 seconds left: below the reserve, so the listing does not even start
      const result = await run({}, { getRemainingTimeInMillis: () => 10_000, invokedFunctionArn: `${POLLER_ARN}:$LATEST` }) as PollResult;
      expect(result.usedPercent).toBe(20);
      expect(lambdaMock.commandCalls(ListFunctionsCommand)).toHaveLength(0);
      expect(lambdaMock.commandCalls(DeleteFunctionCommand)).toHaveLength(0);
      // the position is read from the poller's own (unqualified) ARN
      expect(lambdaMock.commandCalls(ListTagsCommand).map(c => c.args[0].input.Resource)).toEqual([POLLER_ARN]);
    } finally {
      stdout.mockRestore();
    }
    expect(written.every(w => w.endsWith('\n'))).toBe(true);
    const emfLine = JSON.parse(written[0]);
    expect(emfLine.CodeStorageUsedPercent).toBe(20);
    expect(emfLine._aws.CloudWatchMetrics[0].Namespace).toBe('CdkObserved/Lambda');
  });

  test('its own ARN comes from the invocation, without a qualifier', () => {
    expect(ownFunctionArn(`${POLLER_ARN}:live`)).toBe(POLLER_ARN);
    expect(ownFunctionArn(POLLER_ARN)).toBe(POLLER_ARN);
    expect(ownFunctionArn(undefined)).toBeUndefined();
  });
});

describe('every version something references is kept (how each is found)', () => {
  const KEEP1: PollerConfig = { largestFunctions: 0, cleanupMode: 'DELETE', versionsToKeep: 1, functionNamePrefixes: [] };
  const arn = (qualifier: string) => `arn:aws:lambda:us-east-1:123456789012:function:api:${qualifier}`;

  beforeEach(() => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(GB));
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: versionsOf('api', 9) });
    lambdaMock.on(ListAliasesCommand).resolves({ Aliases: [{ Name: 'live', FunctionVersion: '8', RoutingConfig: { AdditionalVersionWeights: { 7: 0.05 } } }] });
    lambdaMock.on(DeleteFunctionCommand).resolves({});
  });

  test('provisioned concurrency (ListProvisionedConcurrencyConfigs), event source mappings on a version ARN (ListEventSourceMappings, the whole region), and a permission on the version (GetPolicy)', async () => {
    lambdaMock.on(ListProvisionedConcurrencyConfigsCommand, { FunctionName: 'api' }).resolves({
      ProvisionedConcurrencyConfigs: [{ FunctionArn: arn('6') }, { FunctionArn: arn('live') }],
    });
    lambdaMock.on(ListEventSourceMappingsCommand, { Marker: undefined }).resolves({
      EventSourceMappings: [{ FunctionArn: arn('5') }, { FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:other:3' }],
      NextMarker: 'esm2',
    });
    lambdaMock.on(ListEventSourceMappingsCommand, { Marker: 'esm2' }).resolves({
      // on an alias or the function itself: no further version to keep
      EventSourceMappings: [{ FunctionArn: arn('live') }, { FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:api' }, { FunctionArn: arn('4') }],
    });
    lambdaMock.on(GetPolicyCommand, { FunctionName: 'api', Qualifier: '3' }).resolves({
      Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: arn('3') }] }),
    });
    const deps = fakeDeps();
    const result = await poll(KEEP1, deps);

    // 9 is the newest; 8 and 7 the alias's, 6 provisioned concurrency, 5 and 4 event source mappings, 3 a permission
    expect(deletedQualifiers()).toEqual(['api:2', 'api:1']);
    expect(result.cleanup?.kept).toEqual({ alias: 2, provisionedConcurrency: 1, eventSourceMapping: 2, resourcePolicy: 1 });
    expect(records(deps).find(r => r.message === 'deleted versions')?.keptReferenced).toEqual({
      8: 'alias', 7: 'alias', 6: 'provisionedConcurrency', 5: 'eventSourceMapping', 4: 'eventSourceMapping', 3: 'resourcePolicy',
    });
    // the mappings are read once per poll for the whole region, 100 a page; the policy once per candidate, by its qualifier
    expect(lambdaMock.commandCalls(ListEventSourceMappingsCommand).map(c => c.args[0].input)).toEqual([{ Marker: undefined, MaxItems: 100 }, { Marker: 'esm2', MaxItems: 100 }]);
    expect(lambdaMock.commandCalls(GetPolicyCommand).map(c => c.args[0].input.Qualifier)).toEqual(['3', '2', '1']);
  });

  test('without the event source mappings nothing is deleted, and the poll fails', async () => {
    lambdaMock.on(ListEventSourceMappingsCommand).rejects(awsError('AccessDeniedException', 403));
    const deps = fakeDeps();
    await expect(poll(KEEP1, deps)).rejects.toThrow('ListEventSourceMappings failed (AccessDeniedException): no version may be deleted without knowing the mappings');
    expect(lambdaMock.commandCalls(DeleteFunctionCommand)).toHaveLength(0);
    expect(metricValues(deps)).toHaveProperty('CodeStorageUsedBytes');
  });

  test('a version whose policy cannot be read is not deleted', async () => {
    lambdaMock.on(GetPolicyCommand, { Qualifier: '2' }).rejects(awsError('AccessDeniedException', 403));
    const deps = fakeDeps();
    await expect(poll(KEEP1, deps)).rejects.toThrow('first GetPolicy on api:2: AccessDeniedException');
    expect(deletedQualifiers()).toEqual(['api:6', 'api:5', 'api:4', 'api:3', 'api:1']);
  });
});

describe('a function deleted between the listing and its cleanup', () => {
  test('is not a failure: nothing to clean up, counted, and the poll succeeds', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(GB));
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [...versionsOf('gone', 6), ...versionsOf('kept', 6)] });
    lambdaMock.on(ListAliasesCommand, { FunctionName: 'gone' }).rejects(notFound('Function not found: gone'));
    lambdaMock.on(ListAliasesCommand, { FunctionName: 'kept' }).resolves({ Aliases: [] });
    lambdaMock.on(DeleteFunctionCommand).resolves({});
    const deps = fakeDeps();
    const result = await poll({ largestFunctions: 0, cleanupMode: 'DELETE', versionsToKeep: 3, functionNamePrefixes: [] }, deps);
    expect(result.cleanup).toMatchObject({ vanishedFunctions: 1, failureCount: 0, versions: 3 });
    expect(deletedQualifiers()).toEqual(['kept:3', 'kept:2', 'kept:1']);
    expect(records(deps).find(r => r.functionName === 'gone')?.message).toBe('function deleted since it was listed: nothing to clean up');
  });

  test('nor when it goes between reading its references and deleting (ResourceNotFoundException on delete)', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(GB));
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: versionsOf('gone', 5) });
    lambdaMock.on(ListAliasesCommand).resolves({ Aliases: [] });
    lambdaMock.on(DeleteFunctionCommand).rejects(notFound());
    const result = await poll({ largestFunctions: 0, cleanupMode: 'DELETE', versionsToKeep: 3, functionNamePrefixes: [] }, fakeDeps());
    expect(result.cleanup).toMatchObject({ skipped: 2, failureCount: 0 });
  });
});

describe('a repeating page marker', () => {
  test('stops the listing at once with the CodeStorageListingErrors metric, fails the poll, and the next pass starts afresh', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(GB));
    const tags = tagStore();
    tags['cdk-observed:listing-position'] = '1';
    tags['cdk-observed:listing-position:0'] = 'e30';
    lambdaMock.on(ListFunctionsCommand, { Marker: undefined }).resolves({ Functions: versionsOf('a', 1), NextMarker: 'm1' });
    lambdaMock.on(ListFunctionsCommand, { Marker: 'm1' }).resolves({ Functions: versionsOf('b', 1), NextMarker: 'm2' });
    lambdaMock.on(ListFunctionsCommand, { Marker: 'm2' }).resolves({ Functions: versionsOf('c', 1), NextMarker: 'm1' });
    const deps = fakeDeps({ functionArn: POLLER_ARN });
    await expect(poll({ ...OFF, largestFunctions: 5 }, deps)).rejects.toThrow('1 listing(s) stopped on a repeating page marker');
    expect(lambdaMock.commandCalls(ListFunctionsCommand)).toHaveLength(3);
    expect(metricValues(deps)).toMatchObject({ CodeStorageListingErrors: 1 });
    expect(records(deps).find(r => r.message === 'listing')).toMatchObject({ level: 'ERROR', complete: false, error: expect.stringContaining('ListFunctions returned a page marker it had already returned (after 3 page(s))') });
    expect(tags).toEqual({});
  });

  test('in a function\'s aliases: nothing of that function is deleted, the metric counts it', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(GB));
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: versionsOf('f', 6) });
    lambdaMock.on(ListAliasesCommand).resolves({ Aliases: [], NextMarker: 'same' });
    const deps = fakeDeps();
    await expect(poll({ ...OFF, cleanupMode: 'DELETE' }, deps)).rejects.toThrow('first ListAliases on f: RepeatingMarker');
    expect(lambdaMock.commandCalls(ListAliasesCommand)).toHaveLength(2);
    expect(lambdaMock.commandCalls(DeleteFunctionCommand)).toHaveLength(0);
    expect(metricValues(deps)).toMatchObject({ CodeStorageListingErrors: 1 });
  });
});

describe('retries never sleep past the remaining time', () => {
  test('25 s left and a throttled listing: it waits only while the reserve stays, then saves its position and ends in time', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(GB));
    const tags = tagStore();
    const clock = fakeClock();
    lambdaMock.on(ListFunctionsCommand).callsFake(async () => { clock.advance(250); throw throttled(); });
    // the default policy: 6 attempts, 0.5 s doubling to 20 s
    const deps = clock.deps({ remainingMs: 25_000, functionArn: POLLER_ARN });
    const started = clock.now();
    const result = await poll({ ...OFF, largestFunctions: 10 }, deps);

    // 0.375 + 0.75 + 1.5 s; the next wait (3 s) would leave less than the 20 s kept back
    expect(deps.sleeps).toEqual([375, 750, 1500]);
    expect(clock.now() - started).toBeLessThan(25_000 - TIME_RESERVE_MS + 2_000);
    expect(result.listing).toMatchObject({ complete: false, stoppedEarly: true });
    expect(tags['cdk-observed:listing-position']).toBe('1');
  });

  test('a wait longer than what is left is not taken (the service asked for 30 s with 25 s left)', async () => {
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(GB));
    tagStore();
    const clock = fakeClock();
    lambdaMock.on(ListFunctionsCommand).rejects(throttled('30'));
    const deps = clock.deps({ remainingMs: 25_000, retry: { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 60_000 } });
    const result = await poll({ ...OFF, largestFunctions: 10 }, deps);
    expect(deps.sleeps).toEqual([]);
    expect(result.listing?.stoppedEarly).toBe(true);
  });
});

describe('a pass that needs more than one poll', () => {
  /** `count` functions f00, f01 ... with `versions` numbered versions each, 50 versions a page, markers by position. */
  function pagedAccount(count: number, versions: number, clock: ReturnType<typeof fakeClock>, latencyMs: number) {
    const all: FunctionConfiguration[] = [];
    const refuse = new Set<string>();
    for (let i = 0; i < count; i++) all.push(...versionsOf(`f${String(i).padStart(2, '0')}`, versions, 1_000_000 + i));
    lambdaMock.on(GetAccountSettingsCommand).resolves(settings(GB));
    lambdaMock.on(ListFunctionsCommand).callsFake(async input => {
      clock.advance(latencyMs);
      if (input.Marker && refuse.delete(input.Marker)) throw awsError('InvalidParameterValueException', 400);
      const start = input.Marker ? Number(input.Marker) : 0;
      const next = start + 50 < all.length ? String(start + 50) : undefined;
      return { Functions: all.slice(start, start + 50), NextMarker: next };
    });
    return { refuseOnce: (marker: string) => refuse.add(marker) };
  }

  test('each poll stops in time and the next resumes from the saved marker; the largest functions come when the pass is complete', async () => {
    const clock = fakeClock();
    const tags = tagStore();
    // 40 functions x 6 versions and $LATEST = 280 versions, 6 pages of 10 s each; 40 s of each poll usable
    pagedAccount(40, 6, clock, 10_000);
    const config = { ...OFF, largestFunctions: 3 };
    const results: PollResult[] = [];
    for (let i = 0; i < 5; i++) {
      const started = clock.now();
      results.push(await poll(config, clock.deps({ remainingMs: 60_000, functionArn: POLLER_ARN })));
      expect(clock.now() - started).toBeLessThanOrEqual(60_000);
      if (results[i].listing?.complete) break;
      clock.advance(3_600_000);
    }
    // a page is read only with 20 s or more left: 5 pages in the first poll
    expect(results.map(r => [r.listing?.pages, r.listing?.complete])).toEqual([[5, false], [2, true]]);
    expect(lambdaMock.commandCalls(ListFunctionsCommand).map(c => c.args[0].input.Marker)).toEqual([
      undefined, '50', '100', '150', '200',
      // resumed on the page where the unfinished function (f35, versions 245-251) started
      '200', '250',
    ]);
    expect(results[0].largestFunctions).toEqual([]);
    // $LATEST (1 MB + i) and versions of 1 to 6 MB
    expect(results[1].largestFunctions).toEqual([39, 38, 37].map(i => ({ functionName: `f${i}`, versions: 6, totalBytes: 1_000_000 + i + 21_000_000 })));
    expect(results[1].listing?.passPolls).toBe(2);
    expect(tags).toEqual({});
  });

  test('functions a poll finished on the page it stopped on are not done again', async () => {
    const clock = fakeClock();
    tagStore();
    pagedAccount(20, 6, clock, 0);
    lambdaMock.on(ListAliasesCommand).callsFake(async () => { clock.advance(20_000); return { Aliases: [] }; });
    lambdaMock.on(DeleteFunctionCommand).resolves({});
    const config: PollerConfig = { largestFunctions: 0, cleanupMode: 'DELETE', versionsToKeep: 3, functionNamePrefixes: [] };
    for (let i = 0; i < 10; i++) {
      const result = await poll(config, clock.deps({ remainingMs: 100_000, functionArn: POLLER_ARN }));
      if (result.listing?.complete) break;
    }
    const aliasReads = lambdaMock.commandCalls(ListAliasesCommand).map(c => c.args[0].input.FunctionName);
    // 20 s per ListAliases and 100 s per poll: each poll finishes 4 functions and stops in the 5th
    // (with less than 20 s left for its provisioned concurrency), which the next poll does again;
    // the 4 functions before it on the same page are skipped, not done again
    expect(aliasReads).toEqual([
      'f00', 'f01', 'f02', 'f03', 'f04',
      'f04', 'f05', 'f06', 'f07', 'f08',
      'f08', 'f09', 'f10', 'f11', 'f12',
      'f12', 'f13', 'f14', 'f15', 'f16',
      'f16', 'f17', 'f18', 'f19',
    ]);
    expect(deletedQualifiers()).toHaveLength(20 * 3);
    expect(new Set(deletedQualifiers()).size).toBe(20 * 3);
  });

  test('another configuration starts a new pass; a marker Lambda no longer accepts starts one too', async () => {
    const clock = fakeClock();
    const tags = tagStore();
    const account = pagedAccount(40, 6, clock, 10_000);
    await poll({ ...OFF, largestFunctions: 3 }, clock.deps({ remainingMs: 60_000, functionArn: POLLER_ARN }));
    expect(tags['cdk-observed:listing-position']).toBeDefined();
    lambdaMock.resetHistory();
    const deps = clock.deps({ remainingMs: 60_000, functionArn: POLLER_ARN });
    await poll({ ...OFF, largestFunctions: 4 }, deps);
    expect(lambdaMock.commandCalls(ListFunctionsCommand)[0].args[0].input.Marker).toBeUndefined();
    expect(records(deps).some(r => r.message === 'the configuration changed since the saved position: a new pass starts')).toBe(true);

    lambdaMock.resetHistory();
    account.refuseOnce('200');
    const third = clock.deps({ remainingMs: 60_000, functionArn: POLLER_ARN });
    await poll({ ...OFF, largestFunctions: 4 }, third);
    expect(records(third).some(r => r.message === 'the saved page marker was refused: a new pass starts')).toBe(true);
    expect(lambdaMock.commandCalls(ListFunctionsCommand).map(c => c.args[0].input.Marker).slice(0, 2)).toEqual(['200', undefined]);
  });

  test('a shorter position removes the tags it no longer uses; a position that cannot be saved fails the poll after its metrics', async () => {
    const clock = fakeClock();
    const tags = tagStore();
    pagedAccount(40, 6, clock, 10_000);
    tags['cdk-observed:listing-position:5'] = 'stale';
    tags['cdk-observed:listing-position:6'] = 'stale';
    await poll({ ...OFF, largestFunctions: 3 }, clock.deps({ remainingMs: 60_000, functionArn: POLLER_ARN }));
    const count = Number(tags['cdk-observed:listing-position']);
    expect(Object.keys(tags).sort()).toEqual(['cdk-observed:listing-position', ...Array.from({ length: count }, (_, i) => `cdk-observed:listing-position:${i}`)].sort());
    expect(lambdaMock.commandCalls(UntagResourceCommand)[0].args[0].input.TagKeys).toEqual(['cdk-observed:listing-position:5', 'cdk-observed:listing-position:6']);

    // the second poll completes the pass and removes the position
    lambdaMock.on(UntagResourceCommand).rejects(awsError('AccessDeniedException', 403));
    const deps = clock.deps({ remainingMs: 60_000, functionArn: POLLER_ARN });
    await expect(poll({ ...OFF, largestFunctions: 3 }, deps)).rejects.toThrow('saving the listing position failed: AccessDeniedException');
    expect(metricValues(deps)).toHaveProperty('CodeStorageUsedBytes');
  });

  test('the position fits in the poller\'s tags (256 characters each, 16 at most); the largest list is shortened to fit, with a warning', async () => {
    const deps = fakeDeps();
    const largest = Array.from({ length: 100 }, (_, i) => ({ functionName: `${'x'.repeat(60)}-${String(i).padStart(3, '0')}`, versions: 12, totalBytes: 1e9 - i }));
    const state = { config: 'k', marker: 'm'.repeat(300), after: 'f', startedAt: NOW, polls: 2, pages: 700, totals: { functions: 1, versions: 2, bytes: 3, cleanedVersions: 0, cleanedBytes: 0 }, largest };
    const chunks = encodeState(state, deps)!;
    expect(chunks.length).toBeLessThanOrEqual(16);
    for (const c of chunks) expect(c).toMatch(/^[A-Za-z0-9_-]{1,256}$/);
    const tags: Record<string, string> = { 'cdk-observed:listing-position': String(chunks.length) };
    chunks.forEach((c, i) => { tags[`cdk-observed:listing-position:${i}`] = c; });
    const decoded = decodeState(tags)!;
    expect(decoded.marker).toBe(state.marker);
    expect(decoded.largest.length).toBeLessThan(100);
    expect(decoded.largest).toEqual(largest.slice(0, decoded.largest.length));
    expect(records(deps)).toEqual([expect.objectContaining({ level: 'WARN', kept: decoded.largest.length, of: 100 })]);
    expect(decodeState({ 'cdk-observed:listing-position': '2', 'cdk-observed:listing-position:0': 'e30' })).toBeUndefined();
  });
});
