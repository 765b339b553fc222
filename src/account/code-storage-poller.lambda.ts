/**
 * The code-storage poller: a scheduled function that
 *
 * 1. reads GetAccountSettings and writes the code storage in use (bytes, and percent of the
 *    account limit) as embedded metric format (EMF) records in its own log;
 * 2. optionally lists every version of every function (ListFunctions with FunctionVersion=ALL,
 *    page by page, one function at a time: see code-storage-pass.ts) and, once a pass over the
 *    whole region is complete, reports the largest functions by the total size of their versions;
 * 3. optionally cleans up old versions as it goes (code-storage-cleanup.ts): it keeps the newest N
 *    numbered versions of each function and every version something references
 *    (code-storage-references.ts), never touches $LATEST, and in DRY_RUN mode only reports.
 *
 * A pass that needs more time than one invocation has stops with time to spare, saves its position
 * in the poller's own tags (code-storage-pass-state.ts) and resumes on the next poll. Every call is
 * retried with backoff, never past the invocation's remaining time (code-storage-calls.ts).
 * Anything that still fails is reported and, after the metrics are written, rethrown: the
 * function's Errors metric and the missing storage metric are what the alarms watch.
 *
 * CloudFormation also invokes it when the monitor is created or its configuration changes (a
 * custom resource served by this function): it checks its configuration, reads the storage,
 * writes the metric and only then lets the alarms be created, so the missing-data alarm does not
 * start in ALARM, and a poller that is misconfigured or cannot read GetAccountSettings (an SCP,
 * say) fails the deployment instead of alarming an hour later.
 */
import { request as httpRequest } from 'http';
import { request as httpsRequest } from 'https';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { errorName, log, OutOfTime, PollerDeps, withRetry } from './code-storage-calls';
import { CleanupResult, MAX_LISTED_FAILURES } from './code-storage-cleanup';
import { CleanupMode, ENV, METRIC, METRIC_NAMESPACE } from './code-storage-contract';
import { ListingResult, PollerConfig, runPass } from './code-storage-pass';
import { FunctionUsage, loadPass, savePass } from './code-storage-pass-state';

export { backoffMs, DEFAULT_RETRY, isRetryable, TIME_RESERVE_MS, withRetry } from './code-storage-calls';
export type { PollerDeps, RetryPolicy } from './code-storage-calls';
export type { CleanupResult } from './code-storage-cleanup';
export type { ListingResult, PollerConfig } from './code-storage-pass';
export type { FunctionUsage } from './code-storage-pass-state';

export interface PollResult {
  readonly usedBytes: number;
  readonly limitBytes: number;
  readonly usedPercent: number;
  /** The largest functions, when a pass over every function completed in this poll; else empty. */
  readonly largestFunctions: FunctionUsage[];
  /** This poll's share of the listing, when it listed. */
  readonly listing?: ListingResult;
  /** This poll's cleanup, when cleanup is on. */
  readonly cleanup?: CleanupResult;
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

/**
 * One poll. Writes the storage metrics before anything that may fail; saves where the listing
 * stopped; throws when any part failed (after writing what it did).
 */
export async function poll(config: PollerConfig, deps: PollerDeps): Promise<PollResult> {
  const { usedBytes, limitBytes, usedPercent } = await readStorage(deps);

  const needsListing = config.largestFunctions > 0 || config.cleanupMode !== 'OFF';
  if (!needsListing) return { usedBytes, limitBytes, usedPercent, largestFunctions: [] };

  const saved = await loadPass(deps);
  let outcome;
  try {
    outcome = await runPass(config, saved.state, deps);
  } catch (error) {
    if (!(error instanceof OutOfTime)) throw error;
    // not even the event source mappings could be read in time: the saved position stays
    log(deps, { level: 'WARN', message: 'short of time before the listing started; the next poll resumes', operation: error.operation });
    return { usedBytes, limitBytes, usedPercent, largestFunctions: [] };
  }
  const errors: string[] = [];
  try {
    if (outcome.next || saved.present) await savePass(outcome.next, saved, deps);
  } catch (error) {
    errors.push(`saving the listing position failed: ${errorName(error)}: ${(error as Error)?.message}`);
  }

  const { listing, cleanup } = outcome;
  const largest = outcome.largest && config.largestFunctions > 0 ? outcome.largest : [];
  if (largest.length > 0) log(deps, { level: 'INFO', message: 'largest functions by total version size', functions: largest, passPolls: listing.passPolls });
  if (outcome.repeatingMarkers > 0) {
    emf(deps, [{ name: METRIC.listingErrors, unit: 'Count', value: outcome.repeatingMarkers }], { message: 'listing stopped on a repeating page marker' });
    errors.push(`${outcome.repeatingMarkers} listing(s) stopped on a repeating page marker`);
  }
  if (outcome.listingFailure) errors.push(outcome.listingFailure);
  log(deps, {
    level: errors.length > 0 ? 'ERROR' : 'INFO',
    message: 'listing',
    ...listing,
    pass: listing.complete ? outcome.totals : undefined,
  });

  if (cleanup) {
    if (cleanup.versions > 0) {
      const dryRun = cleanup.mode === 'DRY_RUN';
      emf(deps, [
        { name: dryRun ? METRIC.versionsDeletable : METRIC.versionsDeleted, unit: 'Count', value: cleanup.versions },
        { name: dryRun ? METRIC.reclaimableBytes : METRIC.freedBytes, unit: 'Bytes', value: cleanup.bytes },
      ], { message: dryRun ? 'version cleanup (dry run)' : 'version cleanup', mode: cleanup.mode });
    }
    log(deps, {
      level: cleanup.failureCount > 0 ? 'ERROR' : 'INFO',
      message: 'version cleanup summary',
      ...cleanup,
    });
    if (cleanup.failureCount > 0) {
      const first = cleanup.failures[0];
      errors.push(`version cleanup: ${cleanup.failureCount} call(s) failed, first ${first.operation} on ${first.functionName}${first.version ? `:${first.version}` : ''}: ${first.error}`
        + (cleanup.failureCount > MAX_LISTED_FAILURES ? ` (the first ${MAX_LISTED_FAILURES} are in the log)` : ''));
    }
  }
  if (errors.length > 0) throw new Error(errors.join('; '));
  return { usedBytes, limitBytes, usedPercent, largestFunctions: largest, listing, cleanup };
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
 * The deploy-time poll: on Create and Update, check the configuration the poller was deployed
 * with, read the storage and write the metric (no listing, no cleanup: nothing is deleted during a
 * deployment); on Delete, nothing. Always answers CloudFormation, so a deployment never hangs on
 * it; a bad configuration or an unreadable storage fails the deployment with the reason.
 */
export async function onDeploy(event: DeployEvent, deps: PollerDeps, configuration: ColdStart = { config: undefined }): Promise<void> {
  let status = 'SUCCESS';
  let reason: string | undefined;
  let data: Record<string, number> | undefined;
  if (event.RequestType !== 'Delete') {
    if (configuration.error) {
      status = 'FAILED';
      reason = `The Lambda code storage poller's configuration is invalid: ${configuration.error.message.slice(0, 1000)}`;
      log(deps, { level: 'ERROR', message: 'deploy-time check failed', reason });
    } else {
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

/** The ranges the construct allows (checked again here, where the values are used). */
const MAX_LARGEST = 100;
const MAX_KEEP = 1000;
const MAX_PREFIXES = 50;
const PREFIX = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The poller's configuration from its environment. A bad value is a deployment bug: it throws an
 * error naming the variable, the value and what is allowed.
 */
export function configFromEnv(env: Record<string, string | undefined>): PollerConfig {
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} is ${JSON.stringify(raw)}; expected a whole number from ${min} to ${max}`);
    return value;
  };
  const mode = (env[ENV.cleanupMode] ?? 'OFF') as CleanupMode;
  if (!['OFF', 'DRY_RUN', 'DELETE'].includes(mode)) throw new Error(`${ENV.cleanupMode} is ${JSON.stringify(mode)}; expected OFF, DRY_RUN or DELETE`);
  const rawPrefixes = env[ENV.functionNamePrefixes] || '[]';
  let prefixes: unknown;
  try {
    prefixes = JSON.parse(rawPrefixes);
  } catch {
    prefixes = undefined;
  }
  if (!Array.isArray(prefixes) || prefixes.length > MAX_PREFIXES || !prefixes.every(p => typeof p === 'string' && PREFIX.test(p))) {
    throw new Error(`${ENV.functionNamePrefixes} is ${rawPrefixes}; expected a JSON array of at most ${MAX_PREFIXES} function name prefixes (1-64 characters of a-z, A-Z, 0-9, - and _)`);
  }
  return {
    largestFunctions: int(ENV.largestFunctions, 10, 0, MAX_LARGEST),
    cleanupMode: mode,
    versionsToKeep: int(ENV.versionsToKeep, 3, 1, MAX_KEEP),
    functionNamePrefixes: prefixes,
  };
}

/** The configuration read once per execution environment, or why it is invalid. */
export interface ColdStart {
  readonly config?: PollerConfig;
  readonly error?: Error;
}

export function readConfiguration(env: Record<string, string | undefined>): ColdStart {
  try {
    return { config: configFromEnv(env) };
  } catch (error) {
    // in the log at cold start, before any invocation fails on it
    process.stdout.write(JSON.stringify({ level: 'ERROR', message: 'invalid poller configuration', error: (error as Error).message }) + '\n');
    return { error: error as Error };
  }
}

// The SDK's own retries are off: withRetry is the one retry layer, whose waits see the deadline.
// A call that hangs is cut off by the request timeout, so it cannot eat the time kept back.
let client: LambdaClient | undefined;

/** The unqualified ARN of the function an invocation runs in (the schedule invokes it unqualified). */
export function ownFunctionArn(invokedFunctionArn: string | undefined): string | undefined {
  const parts = (invokedFunctionArn ?? '').split(':');
  return parts.length >= 7 && parts[5] === 'function' ? parts.slice(0, 7).join(':') : undefined;
}

/** What Lambda passes the handler besides the event (the part the poller uses). */
export interface InvocationContext {
  readonly getRemainingTimeInMillis?: () => number;
  readonly invokedFunctionArn?: string;
}

/**
 * The entry point for a configuration read at cold start: a poll when the schedule invokes it, the
 * deploy-time check and poll when CloudFormation does. A bad configuration fails the deployment
 * (the custom resource answers FAILED) and every scheduled invocation, with the same message.
 */
export function createHandler(coldStart: ColdStart): (event: unknown, context?: InvocationContext) => Promise<PollResult | void> {
  return async (event, context) => {
    client ??= new LambdaClient({ maxAttempts: 1, requestHandler: { requestTimeout: 10_000, connectionTimeout: 3_000 } });
    const deps: PollerDeps = {
      client,
      sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
      random: Math.random,
      write: line => process.stdout.write(line + '\n'),
      now: Date.now,
      remainingTimeMs: () => context?.getRemainingTimeInMillis?.() ?? Number.MAX_SAFE_INTEGER,
      functionArn: ownFunctionArn(context?.invokedFunctionArn),
    };
    if (isDeployEvent(event)) return onDeploy(event, deps, coldStart);
    if (coldStart.error) throw new Error(`invalid poller configuration: ${coldStart.error.message}`);
    return poll(coldStart.config!, deps);
  };
}

/** The Lambda entry point, with the environment checked once, at cold start. */
export const handler = createHandler(readConfiguration(process.env));
