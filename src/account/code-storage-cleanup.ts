/**
 * The version cleanup of one function, run as soon as the listing has seen all its versions: keep
 * the newest N numbered versions and every version something references, delete (or, in a dry
 * run, report) the rest. $LATEST is never a candidate; a delete always names a numbered version.
 */
// bundled into the poller handler, whose runtime provides the SDK (like code-storage-poller.lambda.ts)
// eslint-disable-next-line import/no-extraneous-dependencies
import { DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import { checkTime, errorName, log, operationOf, OutOfTime, PollerDeps, RepeatingMarker, withRetry } from './code-storage-calls';
import { CleanupMode } from './code-storage-contract';
import { hasOwnPolicy, KeptFor, referencedVersions } from './code-storage-references';

/** A numbered version as the listing saw it. */
export interface ListedVersion {
  readonly version: number;
  readonly codeSize: number;
}

/** What the cleanup is asked to do. */
export interface CleanupConfig {
  readonly cleanupMode: CleanupMode;
  /** Newest numbered versions kept per function (at least 1). */
  readonly versionsToKeep: number;
  /** Cleanup is limited to functions whose names start with one of these; empty: every function. */
  readonly functionNamePrefixes: readonly string[];
}

export interface CleanupFailure {
  readonly functionName: string;
  readonly version?: string;
  readonly operation: string;
  readonly error: string;
}

/** The failures listed in a result and its log record; the rest are counted. */
export const MAX_LISTED_FAILURES = 20;

/** What the cleanup did in one poll: counters, never lists of versions (those are in the log). */
export interface CleanupResult {
  readonly mode: CleanupMode;
  /** Deleted (DELETE) or that would be deleted (DRY_RUN). */
  versions: number;
  bytes: number;
  /** Versions Lambda refused to delete for a reason that is not an error of ours (in use, already gone). */
  skipped: number;
  /** Functions deleted between the listing and their cleanup: nothing to do, not a failure. */
  vanishedFunctions: number;
  /** Versions beyond the newest N kept because something references them, by reason. */
  readonly kept: Record<KeptFor, number>;
  /** The first MAX_LISTED_FAILURES failures; failureCount has them all. */
  readonly failures: CleanupFailure[];
  failureCount: number;
  /** The invocation ran short of time; the rest waits for the next poll. */
  stoppedEarly: boolean;
  /** Repeating page markers met while reading references. */
  repeatingMarkers: number;
}

export function emptyCleanup(mode: CleanupMode): CleanupResult {
  return {
    mode,
    versions: 0,
    bytes: 0,
    skipped: 0,
    vanishedFunctions: 0,
    kept: { alias: 0, provisionedConcurrency: 0, eventSourceMapping: 0, resourcePolicy: 0 },
    failures: [],
    failureCount: 0,
    stoppedEarly: false,
    repeatingMarkers: 0,
  };
}

function fail(result: CleanupResult, failure: CleanupFailure): void {
  result.failureCount++;
  if (result.failures.length < MAX_LISTED_FAILURES) result.failures.push(failure);
}

/** Lambda errors on DeleteFunction that mean "not now / not this one", not a failure of the poller. */
const SKIP_ON_DELETE: Record<string, string> = {
  ResourceNotFoundException: 'already deleted',
  ResourceConflictException: 'in use or being updated (an alias may point to it now)',
  InvalidParameterValueException: 'refused by Lambda (for example a Lambda@Edge replica)',
};

export function inScope(config: CleanupConfig, functionName: string): boolean {
  return config.functionNamePrefixes.length === 0 || config.functionNamePrefixes.some(p => functionName.startsWith(p));
}

/**
 * The numbered versions beyond the newest `keep` (newest first): the only ones cleanup may delete.
 * Counting newer versions on what the listing saw is safe even if it saw only part of a function:
 * a version is a candidate only when `keep` newer versions of it exist.
 */
export function beyondNewest(versions: readonly ListedVersion[], keep: number): ListedVersion[] {
  return [...versions].sort((a, b) => b.version - a.version).slice(keep);
}

/**
 * Cleans up one function and returns the versions it deleted (none in a dry run). Throws OutOfTime
 * (the function is done again on the next poll, which is harmless: what was deleted is no longer
 * listed); any other error is recorded in `result`, and what it concerns is not deleted.
 */
export async function cleanUpFunction(
  functionName: string,
  versions: readonly ListedVersion[],
  config: CleanupConfig,
  mappings: Map<string, Set<string>>,
  result: CleanupResult,
  deps: PollerDeps,
): Promise<ListedVersion[]> {
  if (config.cleanupMode === 'OFF' || !inScope(config, functionName)) return [];
  const candidates = beyondNewest(versions, config.versionsToKeep);
  if (candidates.length === 0) return [];

  let referenced: Map<string, KeptFor> | undefined;
  try {
    referenced = await referencedVersions(functionName, mappings, deps);
  } catch (error) {
    if (error instanceof OutOfTime) throw error;
    if (error instanceof RepeatingMarker) result.repeatingMarkers++;
    // without the references nothing of this function may be deleted
    fail(result, { functionName, operation: operationOf(error, 'ListAliases'), error: errorName(error) });
    return [];
  }
  if (!referenced) {
    result.vanishedFunctions++;
    log(deps, { level: 'INFO', message: 'function deleted since it was listed: nothing to clean up', functionName });
    return [];
  }

  const done: ListedVersion[] = [];
  const kept: Record<string, KeptFor> = {};
  try {
    for (const candidate of candidates) {
      const version = String(candidate.version);
      const reason = referenced.get(version);
      if (reason) {
        kept[version] = reason;
        result.kept[reason]++;
        continue;
      }
      checkTime('DeleteFunction', deps);
      let policy: boolean;
      try {
        policy = await hasOwnPolicy(functionName, version, deps);
      } catch (error) {
        if (error instanceof OutOfTime) throw error;
        fail(result, { functionName, version, operation: 'GetPolicy', error: errorName(error) });
        continue;
      }
      if (policy) {
        kept[version] = 'resourcePolicy';
        result.kept.resourcePolicy++;
        continue;
      }
      if (config.cleanupMode === 'DELETE') {
        try {
          await withRetry('DeleteFunction', () => deps.client.send(new DeleteFunctionCommand({ FunctionName: functionName, Qualifier: version })), deps);
        } catch (error) {
          if (error instanceof OutOfTime) throw error;
          if (SKIP_ON_DELETE[errorName(error)]) {
            result.skipped++;
            log(deps, { level: 'INFO', message: 'version not deleted', functionName, version, reason: SKIP_ON_DELETE[errorName(error)] });
          } else {
            fail(result, { functionName, version, operation: 'DeleteFunction', error: errorName(error) });
          }
          continue;
        }
      }
      done.push(candidate);
      result.versions++;
      result.bytes += candidate.codeSize;
    }
  } finally {
    if (done.length > 0 || Object.keys(kept).length > 0) {
      log(deps, {
        level: 'INFO',
        message: config.cleanupMode === 'DRY_RUN' ? 'versions a cleanup would delete (dry run)' : 'deleted versions',
        mode: config.cleanupMode,
        functionName,
        versions: done.map(v => ({ version: String(v.version), codeSize: v.codeSize })),
        keptNewest: config.versionsToKeep,
        keptReferenced: kept,
      });
    }
  }
  return config.cleanupMode === 'DELETE' ? done : [];
}
