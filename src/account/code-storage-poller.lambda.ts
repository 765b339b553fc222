/**
 * The code-storage poller: a scheduled function that
 *
 * 1. reads GetAccountSettings and writes the code storage in use (bytes, and percent of the
 *    account limit) as embedded metric format (EMF) records in its own log;
 * 2. optionally lists every version of every function (ListFunctions with FunctionVersion=ALL,
 *    paginated) and reports the largest functions by the total size of their versions;
 * 3. optionally cleans up old versions: it keeps the newest N numbered versions of each function
 *    and every version an alias points to (both the alias's version and a weighted alias's second
 *    version), never touches $LATEST, and in DRY_RUN mode only reports what it would delete.
 *
 * Every AWS call is retried with exponential backoff and jitter on throttling and server errors.
 * Anything that still fails is reported and, after the metrics are written, rethrown: the
 * function's Errors metric and the missing storage metric are what the alarms watch.
 *
 * CloudFormation also invokes it once when the monitor is created (a custom resource served by
 * this function): it reads the storage, writes the metric and only then lets the alarms be
 * created, so the missing-data alarm does not start in ALARM, and a poller that cannot read
 * GetAccountSettings (an SCP, say) fails the deployment instead of alarming an hour later.
 */
import { request as httpRequest } from 'http';
import { request as httpsRequest } from 'https';
import {
  AliasConfiguration,
  DeleteFunctionCommand,
  FunctionConfiguration,
  GetAccountSettingsCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import { CleanupMode, ENV, METRIC, METRIC_NAMESPACE } from './code-storage-contract';

/** What the poller is asked to do (from its environment). */
export interface PollerConfig {
  /** How many of the largest functions to report; 0 skips the listing unless cleanup needs it. */
  readonly largestFunctions: number;
  readonly cleanupMode: CleanupMode;
  /** Newest numbered versions kept per function (at least 1). */
  readonly versionsToKeep: number;
  /** Cleanup is limited to functions whose names start with one of these; empty: every function. */
  readonly functionNamePrefixes: readonly string[];
}

/** Backoff of retried calls: attempt n waits between half and all of min(max, base * 2^(n-1)). */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 20_000 };

/** Stop cleaning up when less than this is left of the invocation, so the poll ends cleanly. */
export const TIME_RESERVE_MS = 20_000;

/** Everything the poller touches outside itself, injectable for tests. */
export interface PollerDeps {
  readonly client: LambdaClient;
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1): the jitter of the backoff. */
  readonly random: () => number;
  /** Writes one log line (a JSON record). */
  readonly write: (line: string) => void;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** Milliseconds left in this invocation. */
  readonly remainingTimeMs: () => number;
  readonly retry?: RetryPolicy;
  /** Sends the response to a CloudFormation custom resource request (an HTTPS PUT to its URL). */
  readonly respond?: (responseUrl: string, body: string) => Promise<void>;
}

/** One function's share of code storage: $LATEST plus every published version. */
export interface FunctionUsage {
  readonly functionName: string;
  readonly versions: number;
  readonly totalBytes: number;
}

/** A numbered version of a function. */
export interface VersionRef {
  readonly functionName: string;
  readonly version: string;
  readonly codeSize: number;
}

export interface CleanupResult {
  readonly mode: CleanupMode;
  /** Deleted (DELETE) or that would be deleted (DRY_RUN). */
  readonly versions: VersionRef[];
  readonly bytes: number;
  /** Versions Lambda refused to delete for a reason that is not an error of ours (in use, already gone). */
  readonly skipped: (VersionRef & { reason: string })[];
  readonly failures: { functionName: string; version?: string; operation: string; error: string }[];
  /** The invocation ran short of time; the rest waits for the next poll. */
  readonly stoppedEarly: boolean;
}

export interface PollResult {
  readonly usedBytes: number;
  readonly limitBytes: number;
  readonly usedPercent: number;
  readonly largestFunctions: FunctionUsage[];
  readonly cleanup?: CleanupResult;
}

/** Error names that mean "slow down", retried with backoff. */
const THROTTLING = new Set([
  'TooManyRequestsException', 'ThrottlingException', 'Throttling', 'ThrottledException',
  'RequestLimitExceeded', 'TooManyRequests', 'RequestThrottled', 'RequestThrottledException',
]);
/** Error names of transient server or network failures, retried with backoff. */
const TRANSIENT = new Set([
  'ServiceException', 'InternalFailure', 'InternalServerError', 'ServiceUnavailable',
  'ServiceUnavailableException', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError',
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN',
]);

interface AwsError {
  name?: string;
  code?: string;
  message?: string;
  retryAfterSeconds?: string | number;
  $metadata?: { httpStatusCode?: number };
}

function errorName(error: unknown): string {
  const e = error as AwsError | undefined;
  return e?.name ?? e?.code ?? 'Error';
}

export function isRetryable(error: unknown): boolean {
  const e = error as AwsError | undefined;
  const name = errorName(error);
  const status = e?.$metadata?.httpStatusCode;
  return THROTTLING.has(name) || TRANSIENT.has(name) || TRANSIENT.has(e?.code ?? '')
    || status === 429 || (status !== undefined && status >= 500);
}

/** The wait before retry number `attempt` (1-based), honouring a Retry-After the service sent. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: number, error?: unknown): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = ceiling / 2 + random * ceiling / 2;
  const retryAfter = Number((error as AwsError | undefined)?.retryAfterSeconds);
  const floor = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(policy.maxDelayMs, retryAfter * 1000) : 0;
  return Math.round(Math.max(jittered, floor));
}

/** Runs `call`, retrying throttling and transient errors with backoff; other errors are thrown at once. */
export async function withRetry<T>(operation: string, call: () => Promise<T>, deps: PollerDeps): Promise<T> {
  const policy = deps.retry ?? DEFAULT_RETRY;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryable(error) || attempt >= policy.maxAttempts) throw error;
      const delayMs = backoffMs(attempt, policy, deps.random(), error);
      log(deps, { level: 'WARN', message: 'retrying after a throttled or transient error', operation, attempt, delayMs, error: errorName(error) });
      await deps.sleep(delayMs);
    }
  }
}

function log(deps: PollerDeps, record: Record<string, unknown>): void {
  deps.write(JSON.stringify(record));
}

/** An embedded metric format record: CloudWatch Logs turns the named fields into metrics. */
function emf(deps: PollerDeps, metrics: { name: string; unit: string; value: number }[], properties: Record<string, unknown>): void {
  const record: Record<string, unknown> = {
    _aws: {
      Timestamp: deps.now(),
      CloudWatchMetrics: [{
        Namespace: METRIC_NAMESPACE,
        Dimensions: [[]],
        Metrics: metrics.map(m => ({ Name: m.name, Unit: m.unit })),
      }],
    },
    ...properties,
  };
  for (const m of metrics) record[m.name] = m.value;
  deps.write(JSON.stringify(record));
}

/** Every function version in the region: one paginated ListFunctions stream. */
async function listAllVersions(deps: PollerDeps): Promise<FunctionConfiguration[]> {
  const all: FunctionConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await withRetry('ListFunctions', () => deps.client.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', Marker: marker, MaxItems: 50 })), deps);
    all.push(...(page.Functions ?? []));
    marker = page.NextMarker;
  } while (marker);
  return all;
}

async function listAliases(functionName: string, deps: PollerDeps): Promise<AliasConfiguration[]> {
  const all: AliasConfiguration[] = [];
  let marker: string | undefined;
  do {
    const page = await withRetry('ListAliases', () => deps.client.send(new ListAliasesCommand({ FunctionName: functionName, Marker: marker, MaxItems: 50 })), deps);
    all.push(...(page.Aliases ?? []));
    marker = page.NextMarker;
  } while (marker);
  return all;
}

/** Versions an alias points to, including the second version of a weighted alias. */
export function aliasTargets(aliases: AliasConfiguration[]): Set<string> {
  const targets = new Set<string>();
  for (const alias of aliases) {
    if (alias.FunctionVersion) targets.add(alias.FunctionVersion);
    for (const version of Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {})) targets.add(version);
  }
  return targets;
}

const NUMBERED = /^[0-9]+$/;

/** The functions' versions grouped by function name. */
function byFunction(versions: FunctionConfiguration[]): Map<string, FunctionConfiguration[]> {
  const groups = new Map<string, FunctionConfiguration[]>();
  for (const v of versions) {
    if (!v.FunctionName) continue;
    const list = groups.get(v.FunctionName) ?? [];
    list.push(v);
    groups.set(v.FunctionName, list);
  }
  return groups;
}

export function largestFunctions(groups: Map<string, FunctionConfiguration[]>, count: number): FunctionUsage[] {
  const usage: FunctionUsage[] = [...groups].map(([functionName, versions]) => ({
    functionName,
    versions: versions.filter(v => v.Version && NUMBERED.test(v.Version)).length,
    totalBytes: versions.reduce((sum, v) => sum + (v.CodeSize ?? 0), 0),
  }));
  return usage.sort((a, b) => b.totalBytes - a.totalBytes || a.functionName.localeCompare(b.functionName)).slice(0, count);
}

/**
 * The numbered versions cleanup may delete: all but the newest `keep`, minus alias targets.
 * $LATEST is never a candidate (it is not numbered).
 */
export function deletableVersions(versions: FunctionConfiguration[], keep: number, protectedVersions: Set<string>): FunctionConfiguration[] {
  const numbered = versions
    .filter(v => v.Version !== undefined && NUMBERED.test(v.Version))
    .sort((a, b) => Number(b.Version) - Number(a.Version));
  return numbered.slice(keep).filter(v => !protectedVersions.has(v.Version!));
}

/** Lambda errors on DeleteFunction that mean "not now / not this one", not a failure of the poller. */
const SKIP_ON_DELETE: Record<string, string> = {
  ResourceNotFoundException: 'already deleted',
  ResourceConflictException: 'in use or being updated (an alias may point to it now)',
  InvalidParameterValueException: 'refused by Lambda (for example a Lambda@Edge replica)',
};

async function cleanUp(config: PollerConfig, groups: Map<string, FunctionConfiguration[]>, deps: PollerDeps): Promise<CleanupResult> {
  const mode = config.cleanupMode;
  const versions: VersionRef[] = [];
  const skipped: (VersionRef & { reason: string })[] = [];
  const failures: CleanupResult['failures'] = [];
  let stoppedEarly = false;
  const inScope = (name: string) => config.functionNamePrefixes.length === 0 || config.functionNamePrefixes.some(p => name.startsWith(p));

  for (const [functionName, all] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    if (!inScope(functionName)) continue;
    // only functions with more numbered versions than are kept need their aliases read
    if (all.filter(v => v.Version && NUMBERED.test(v.Version)).length <= config.versionsToKeep) continue;
    if (deps.remainingTimeMs() < TIME_RESERVE_MS) {
      stoppedEarly = true;
      break;
    }
    let protectedVersions: Set<string>;
    try {
      protectedVersions = aliasTargets(await listAliases(functionName, deps));
    } catch (error) {
      // without the aliases nothing of this function may be deleted
      failures.push({ functionName, operation: 'ListAliases', error: errorName(error) });
      continue;
    }
    const candidates = deletableVersions(all, config.versionsToKeep, protectedVersions);
    const done: VersionRef[] = [];
    for (const v of candidates) {
      const ref: VersionRef = { functionName, version: v.Version!, codeSize: v.CodeSize ?? 0 };
      if (mode === 'DRY_RUN') {
        done.push(ref);
        continue;
      }
      if (deps.remainingTimeMs() < TIME_RESERVE_MS) {
        stoppedEarly = true;
        break;
      }
      try {
        await withRetry('DeleteFunction', () => deps.client.send(new DeleteFunctionCommand({ FunctionName: functionName, Qualifier: ref.version })), deps);
        done.push(ref);
      } catch (error) {
        const reason = SKIP_ON_DELETE[errorName(error)];
        if (reason) skipped.push({ ...ref, reason });
        else failures.push({ functionName, version: ref.version, operation: 'DeleteFunction', error: errorName(error) });
      }
    }
    if (done.length > 0) {
      log(deps, {
        level: 'INFO',
        message: mode === 'DRY_RUN' ? 'versions a cleanup would delete (dry run)' : 'deleted versions',
        mode,
        functionName,
        versions: done.map(v => ({ version: v.version, codeSize: v.codeSize })),
        keptNewest: config.versionsToKeep,
        keptForAliases: [...protectedVersions].sort((a, b) => Number(a) - Number(b)),
      });
    }
    versions.push(...done);
    if (stoppedEarly) break;
  }
  return { mode, versions, bytes: versions.reduce((s, v) => s + v.codeSize, 0), skipped, failures, stoppedEarly };
}

/** Reads GetAccountSettings and writes the storage metrics. */
async function readStorage(deps: PollerDeps): Promise<{ usedBytes: number; limitBytes: number; usedPercent: number }> {
  const settings = await withRetry('GetAccountSettings', () => deps.client.send(new GetAccountSettingsCommand({})), deps);
  const usedBytes = settings.AccountUsage?.TotalCodeSize;
  const limitBytes = settings.AccountLimit?.TotalCodeSize;
  if (usedBytes === undefined || limitBytes === undefined || limitBytes <= 0) {
    throw new Error(`GetAccountSettings returned no code storage figures (usage ${usedBytes}, limit ${limitBytes})`);
  }
  const usedPercent = Math.round(10_000 * usedBytes / limitBytes) / 100;
  emf(deps, [
    { name: METRIC.usedBytes, unit: 'Bytes', value: usedBytes },
    { name: METRIC.usedPercent, unit: 'Percent', value: usedPercent },
  ], { message: 'code storage', limitBytes, functionCount: settings.AccountUsage?.FunctionCount });
  return { usedBytes, limitBytes, usedPercent };
}

/** One poll. Writes the metrics before anything that may fail; throws when any part failed. */
export async function poll(config: PollerConfig, deps: PollerDeps): Promise<PollResult> {
  const { usedBytes, limitBytes, usedPercent } = await readStorage(deps);

  const needsListing = config.largestFunctions > 0 || config.cleanupMode !== 'OFF';
  if (!needsListing) return { usedBytes, limitBytes, usedPercent, largestFunctions: [] };

  const groups = byFunction(await listAllVersions(deps));
  const largest = largestFunctions(groups, config.largestFunctions);
  if (largest.length > 0) log(deps, { level: 'INFO', message: 'largest functions by total version size', functions: largest });

  if (config.cleanupMode === 'OFF') return { usedBytes, limitBytes, usedPercent, largestFunctions: largest };

  const cleanup = await cleanUp(config, groups, deps);
  if (cleanup.versions.length > 0) {
    const dryRun = cleanup.mode === 'DRY_RUN';
    emf(deps, [
      { name: dryRun ? METRIC.versionsDeletable : METRIC.versionsDeleted, unit: 'Count', value: cleanup.versions.length },
      { name: dryRun ? METRIC.reclaimableBytes : METRIC.freedBytes, unit: 'Bytes', value: cleanup.bytes },
    ], { message: dryRun ? 'version cleanup (dry run)' : 'version cleanup', mode: cleanup.mode });
  }
  log(deps, {
    level: cleanup.failures.length > 0 ? 'ERROR' : 'INFO',
    message: 'version cleanup summary',
    mode: cleanup.mode,
    versions: cleanup.versions.length,
    bytes: cleanup.bytes,
    skipped: cleanup.skipped,
    failures: cleanup.failures,
    stoppedEarly: cleanup.stoppedEarly,
  });
  if (cleanup.failures.length > 0) {
    const first = cleanup.failures[0];
    throw new Error(`version cleanup: ${cleanup.failures.length} call(s) failed, first ${first.operation} on ${first.functionName}${first.version ? `:${first.version}` : ''}: ${first.error}`);
  }
  return { usedBytes, limitBytes, usedPercent, largestFunctions: largest, cleanup };
}

/** The request CloudFormation sends to a custom resource. */
export interface DeployEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId?: string;
}

export function isDeployEvent(event: unknown): event is DeployEvent {
  const e = event as Partial<DeployEvent> | undefined;
  return typeof e?.RequestType === 'string' && typeof e.ResponseURL === 'string';
}

/**
 * Time for the deploy-time metric to reach CloudWatch (embedded metric format is extracted from
 * the log within seconds) before the alarms that read it are created.
 */
export const METRIC_SETTLE_MS = 60_000;

export const PHYSICAL_ID = 'code-storage-first-poll';

/**
 * The deploy-time poll: on Create and Update, read the storage and write the metric (no listing,
 * no cleanup: nothing is deleted during a deployment); on Delete, nothing. Always answers
 * CloudFormation, so a deployment never hangs on it.
 */
export async function onDeploy(event: DeployEvent, deps: PollerDeps): Promise<void> {
  let status = 'SUCCESS';
  let reason: string | undefined;
  let data: Record<string, number> | undefined;
  if (event.RequestType !== 'Delete') {
    try {
      const storage = await readStorage(deps);
      data = { UsedBytes: storage.usedBytes, UsedPercent: storage.usedPercent };
      await deps.sleep(METRIC_SETTLE_MS);
    } catch (error) {
      status = 'FAILED';
      // (a custom resource response is limited to 4 KB)
      reason = `The Lambda code storage poller could not read GetAccountSettings: ${errorName(error)}: ${String((error as Error)?.message).slice(0, 1000)}. `
        + 'Check that the poller role may call lambda:GetAccountSettings (service control policies, permission boundaries).';
      log(deps, { level: 'ERROR', message: 'deploy-time poll failed', error: errorName(error), reason });
    }
  }
  const body = JSON.stringify({
    Status: status,
    Reason: reason ?? 'code storage read',
    PhysicalResourceId: event.PhysicalResourceId ?? PHYSICAL_ID,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data,
  });
  const respond = deps.respond ?? putResponse;
  await respond(event.ResponseURL, body);
}

/** PUT the response to CloudFormation's pre-signed S3 URL (https; plain http only in tests). */
export function putResponse(responseUrl: string, body: string): Promise<void> {
  const request = responseUrl.startsWith('http:') ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const req = request(responseUrl, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, res => {
      res.resume();
      res.on('end', () => (res.statusCode ?? 500) < 300 ? resolve() : reject(new Error(`CloudFormation response rejected: HTTP ${res.statusCode}`)));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The poller's configuration from its environment; a bad value is a deployment bug, so it throws. */
export function configFromEnv(env: Record<string, string | undefined>): PollerConfig {
  const int = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} is ${raw}; expected a whole number >= ${min}`);
    return value;
  };
  const mode = (env[ENV.cleanupMode] ?? 'OFF') as CleanupMode;
  if (!['OFF', 'DRY_RUN', 'DELETE'].includes(mode)) throw new Error(`${ENV.cleanupMode} is ${mode}; expected OFF, DRY_RUN or DELETE`);
  const prefixes: unknown = JSON.parse(env[ENV.functionNamePrefixes] || '[]');
  if (!Array.isArray(prefixes) || !prefixes.every(p => typeof p === 'string')) {
    throw new Error(`${ENV.functionNamePrefixes} is ${env[ENV.functionNamePrefixes]}; expected a JSON array of strings`);
  }
  return {
    largestFunctions: int(ENV.largestFunctions, 10, 0),
    cleanupMode: mode,
    versionsToKeep: int(ENV.versionsToKeep, 3, 1),
    functionNamePrefixes: prefixes,
  };
}

// The SDK's own retries are off: withRetry is the one retry layer, so attempts and waits are known.
let client: LambdaClient | undefined;

/** The Lambda entry point: a poll when the schedule invokes it, the deploy-time poll when CloudFormation does. */
export async function handler(event: unknown, context?: { getRemainingTimeInMillis?: () => number }): Promise<PollResult | void> {
  client ??= new LambdaClient({ maxAttempts: 1 });
  const deps: PollerDeps = {
    client,
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
    random: Math.random,
    write: line => process.stdout.write(line + '\n'),
    now: Date.now,
    remainingTimeMs: () => context?.getRemainingTimeInMillis?.() ?? Number.MAX_SAFE_INTEGER,
  };
  if (isDeployEvent(event)) return onDeploy(event, deps);
  return poll(configFromEnv(process.env), deps);
}
