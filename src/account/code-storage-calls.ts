/**
 * How the code-storage poller calls AWS: one retry layer (backoff with jitter, Retry-After) that
 * never sleeps past the invocation's remaining time, and pagination that stops on a repeating
 * page marker. Bundled into the poller; imports nothing but the SDK types.
 */
// bundled into the poller handler, whose runtime provides the SDK (like code-storage-poller.lambda.ts)
// eslint-disable-next-line import/no-extraneous-dependencies
import { LambdaClient } from '@aws-sdk/client-lambda';

/** Backoff of retried calls: attempt n waits between half and all of min(max, base * 2^(n-1)). */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 20_000 };

/**
 * Time kept back from every invocation: no page, no cleanup step and no retry wait starts when
 * less than this is left, so the poll saves where it stopped and writes its metrics in time.
 */
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
  /**
   * The poller's own unqualified ARN: where the listing's resume state is kept (its tags).
   * Without it every poll starts the listing from the beginning.
   */
  readonly functionArn?: string;
  /** Sends the response to a CloudFormation custom resource request (an HTTPS PUT to its URL). */
  readonly respond?: (responseUrl: string, body: string) => Promise<void>;
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

export function errorName(error: unknown): string {
  const e = error as AwsError | undefined;
  return e?.name ?? e?.code ?? 'Error';
}

/** The call an error came from, when it was recorded with `during`. */
export function operationOf(error: unknown, fallback: string): string {
  const operation = (error as { operation?: unknown } | undefined)?.operation;
  return typeof operation === 'string' ? operation : fallback;
}

/** Runs `call`, recording on its error which operation failed. */
export async function during<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error && typeof error === 'object' && !('operation' in error)) Object.assign(error, { operation });
    throw error;
  }
}

export function isNotFound(error: unknown): boolean {
  return errorName(error) === 'ResourceNotFoundException';
}

export function isRetryable(error: unknown): boolean {
  const e = error as AwsError | undefined;
  const name = errorName(error);
  const status = e?.$metadata?.httpStatusCode;
  return THROTTLING.has(name) || TRANSIENT.has(name) || TRANSIENT.has(e?.code ?? '')
    || status === 429 || (status !== undefined && status >= 500);
}

/**
 * The invocation ran short of time: the work stops where it is and the next poll resumes it.
 * Not a failure.
 */
export class OutOfTime extends Error {
  public readonly name = 'OutOfTime';
  constructor(public readonly operation: string, public readonly lastError?: unknown) {
    super(`${operation}: stopped with too little of the invocation left${lastError ? ` (last error ${errorName(lastError)})` : ''}`);
  }
}

/** A paginated listing returned a marker it had returned before: following it would loop. */
export class RepeatingMarker extends Error {
  public readonly name = 'RepeatingMarker';
  constructor(public readonly operation: string, public readonly pagesRead: number) {
    super(`${operation} returned a page marker it had already returned (after ${pagesRead} page(s)); the listing stops instead of looping`);
  }
}

/** Throws OutOfTime when less than `reserveMs` of the invocation is left. */
export function checkTime(operation: string, deps: PollerDeps, reserveMs = TIME_RESERVE_MS): void {
  if (deps.remainingTimeMs() < reserveMs) throw new OutOfTime(operation);
}

/** The wait before retry number `attempt` (1-based), honouring a Retry-After the service sent. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: number, error?: unknown): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = ceiling / 2 + random * ceiling / 2;
  const retryAfter = Number((error as AwsError | undefined)?.retryAfterSeconds);
  const floor = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(policy.maxDelayMs, retryAfter * 1000) : 0;
  return Math.round(Math.max(jittered, floor));
}

/**
 * Runs `call`, retrying throttling and transient errors with backoff; other errors are thrown at
 * once. A wait that would leave less than `reserveMs` of the invocation is not taken: the call
 * gives up with OutOfTime instead (the SDK's own retries are off, since its waits cannot see the
 * invocation's deadline).
 */
export async function withRetry<T>(operation: string, call: () => Promise<T>, deps: PollerDeps, reserveMs = TIME_RESERVE_MS): Promise<T> {
  const policy = deps.retry ?? DEFAULT_RETRY;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryable(error) || attempt >= policy.maxAttempts) throw error;
      const delayMs = backoffMs(attempt, policy, deps.random(), error);
      if (deps.remainingTimeMs() - delayMs < reserveMs) throw new OutOfTime(operation, error);
      log(deps, { level: 'WARN', message: 'retrying after a throttled or transient error', operation, attempt, delayMs, error: errorName(error) });
      await deps.sleep(delayMs);
    }
  }
}

/** One page of a paginated listing. */
export interface Page<T> {
  readonly items: T[];
  /** The marker this page was read with (undefined: the first page). */
  readonly marker?: string;
  /** The marker of the next page, if any. */
  readonly nextMarker?: string;
}

/**
 * Reads a paginated listing page by page, from `startMarker`. Each page is read only with at least
 * `reserveMs` of the invocation left (else OutOfTime) and retried like any call; a marker that
 * comes back a second time ends the listing with RepeatingMarker. Only the markers are kept, never
 * the pages already read.
 */
export async function* pages<T>(
  operation: string,
  read: PageReader<T>,
  deps: PollerDeps,
  startMarker?: string,
  reserveMs = TIME_RESERVE_MS,
): AsyncGenerator<Page<T>> {
  const seen = new Set<string>();
  let marker = startMarker;
  let count = 0;
  for (;;) {
    checkTime(operation, deps, reserveMs);
    const page = await withRetry(operation, () => read(marker), deps, reserveMs);
    count++;
    if (marker !== undefined) seen.add(marker);
    const next = page.nextMarker || undefined;
    if (next !== undefined && seen.has(next)) throw new RepeatingMarker(operation, count);
    yield { items: page.items ?? [], marker, nextMarker: next };
    if (next === undefined) return;
    marker = next;
  }
}

/** Reads one page: its items and the next page's marker. */
export type PageReader<T> = (marker: string | undefined) => Promise<{ items?: T[]; nextMarker?: string }>;

/** Every item of a paginated listing (for the short per-function lists: aliases, configurations). */
export async function all<T>(operation: string, read: PageReader<T>, deps: PollerDeps): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages(operation, read, deps)) items.push(...page.items);
  return items;
}

export function log(deps: PollerDeps, record: Record<string, unknown>): void {
  deps.write(JSON.stringify(record));
}
