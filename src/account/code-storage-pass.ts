/**
 * One poll's share of a pass over every function version (ListFunctions with FunctionVersion=ALL,
 * 50 versions a page): pages are read one at a time and each function is handled as soon as the
 * listing has moved past it (its versions are consecutive in the listing), so what is held at
 * any moment is one page and the versions of one function, plus counters and the largest N.
 * Short of time, the poll stops and returns where the next one resumes.
 */
// bundled into the poller handler, whose runtime provides the SDK (like code-storage-poller.lambda.ts)
// eslint-disable-next-line import/no-extraneous-dependencies
import { FunctionConfiguration, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { errorName, log, OutOfTime, pages, PollerDeps, RepeatingMarker } from './code-storage-calls';
import { CleanupConfig, cleanUpFunction, CleanupResult, emptyCleanup, ListedVersion } from './code-storage-cleanup';
import { configKey, FunctionUsage, PassState, PassTotals } from './code-storage-pass-state';
import { versionsWithEventSourceMappings } from './code-storage-references';

/** What the poller is asked to do (from its environment). */
export interface PollerConfig extends CleanupConfig {
  /** How many of the largest functions to report; 0 skips the listing unless cleanup needs it. */
  readonly largestFunctions: number;
}

/** How this poll's share of the listing went. */
export interface ListingResult {
  /** Pages of ListFunctions read in this poll. */
  readonly pages: number;
  /** This poll resumed a pass a previous poll had started. */
  readonly resumed: boolean;
  /** The pass reached the last page in this poll. */
  readonly complete: boolean;
  /** The poll ran short of time and saved where the next one resumes. */
  readonly stoppedEarly: boolean;
  /** Polls the pass has taken so far (this one included). */
  readonly passPolls: number;
  /** Most function versions held at once (one page plus one function's versions). */
  readonly maxHeldVersions: number;
  /** Why the listing stopped short, when it did for another reason than time. */
  readonly error?: string;
}

export interface PassOutcome {
  readonly listing: ListingResult;
  /** Where the next poll resumes; undefined when the pass is over (complete, or abandoned). */
  readonly next?: PassState;
  /** Set when the pass completed in this poll. */
  readonly largest?: FunctionUsage[];
  readonly totals: PassTotals;
  readonly cleanup?: CleanupResult;
  /** Listings stopped on a repeating page marker (the metric CodeStorageListingErrors). */
  readonly repeatingMarkers: number;
  /** The listing itself failed (after its retries); the position is kept. */
  readonly listingFailure?: string;
}

/** A function being read: its versions so far. */
interface OpenFunction {
  readonly name: string;
  /** Marker of the page its first version was on. */
  readonly startMarker?: string;
  latestBytes: number;
  readonly numbered: ListedVersion[];
}

const NUMBERED = /^[0-9]+$/;

/** Adds a function to the largest N (largest first; a function seen again replaces itself). */
export function rankLargest(largest: FunctionUsage[], usage: FunctionUsage, count: number): FunctionUsage[] {
  if (count <= 0) return largest;
  const others = largest.filter(f => f.functionName !== usage.functionName);
  if (others.length >= count && usage.totalBytes <= others[others.length - 1].totalBytes) return others.length === largest.length ? largest : others;
  const ranked = [...others, usage].sort((a, b) => b.totalBytes - a.totalBytes || a.functionName.localeCompare(b.functionName));
  return ranked.slice(0, count);
}

/**
 * Runs (or resumes) the pass until it ends or time runs short. Never throws for a lack of time,
 * a repeating marker or a failed listing: they are in the outcome. Throws OutOfTime only when not
 * even the event source mappings could be read before the reserve.
 */
export async function runPass(config: PollerConfig, saved: PassState | undefined, deps: PollerDeps): Promise<PassOutcome> {
  const key = configKey(config);
  const resumedState = saved && saved.config === key ? saved : undefined;
  if (saved && !resumedState) log(deps, { level: 'INFO', message: 'the configuration changed since the saved position: a new pass starts' });

  const cleanup = config.cleanupMode === 'OFF' ? undefined : emptyCleanup(config.cleanupMode);
  // event source mappings are read for the whole region once per poll, before any function
  let mappings = new Map<string, Set<string>>();
  if (cleanup) {
    try {
      mappings = await versionsWithEventSourceMappings(deps);
    } catch (error) {
      if (error instanceof OutOfTime) throw error;
      const repeating = error instanceof RepeatingMarker ? 1 : 0;
      const polls = (resumedState?.polls ?? 0) + 1;
      return {
        listing: { pages: 0, resumed: resumedState !== undefined, complete: false, stoppedEarly: false, passPolls: polls, maxHeldVersions: 0, error: `ListEventSourceMappings: ${errorName(error)}` },
        // the position stays
        next: resumedState ? { ...resumedState, polls } : undefined,
        totals: resumedState?.totals ?? emptyTotals(),
        cleanup,
        repeatingMarkers: repeating,
        listingFailure: `ListEventSourceMappings failed (${errorName(error)}): no version may be deleted without knowing the mappings`,
      };
    }
  }

  const totals: PassTotals = { ...(resumedState?.totals ?? emptyTotals()) };
  let largest = [...(resumedState?.largest ?? [])];
  const resumeMarker = resumedState?.marker;
  const resumeAfter = resumedState?.after;
  let open: OpenFunction | undefined;
  let lastDone = resumeAfter;
  let nextToRead = resumeMarker;
  let pagesRead = 0;
  let maxHeld = 0;

  const finish = async (fn: OpenFunction) => {
    let left = fn.numbered;
    if (cleanup) {
      const deleted = await cleanUpFunction(fn.name, fn.numbered, config, mappings, cleanup, deps);
      // what was deleted no longer counts (a dry run deletes nothing)
      if (deleted.length > 0) left = fn.numbered.filter(v => !deleted.includes(v));
    }
    const totalBytes = fn.latestBytes + left.reduce((s, v) => s + v.codeSize, 0);
    totals.functions++;
    totals.versions += left.length;
    totals.bytes += totalBytes;
    largest = rankLargest(largest, { functionName: fn.name, versions: left.length, totalBytes }, config.largestFunctions);
  };

  const read = async (marker: string | undefined) => {
    const page = await deps.client.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', Marker: marker, MaxItems: 50 }));
    return { items: page.Functions, nextMarker: page.NextMarker };
  };

  const position = (): PassState => ({
    config: key,
    marker: open ? open.startMarker : nextToRead,
    after: lastDone,
    startedAt: resumedState?.startedAt ?? deps.now(),
    polls: (resumedState?.polls ?? 0) + 1,
    pages: (resumedState?.pages ?? 0) + pagesRead,
    totals: withCleanup(totals, cleanup),
    largest,
  });
  const listing = (complete: boolean, stoppedEarly: boolean, error?: string): ListingResult => ({
    pages: pagesRead,
    resumed: resumedState !== undefined,
    complete,
    stoppedEarly,
    passPolls: (resumedState?.polls ?? 0) + 1,
    maxHeldVersions: maxHeld,
    error,
  });
  const referenceMarkers = () => cleanup?.repeatingMarkers ?? 0;

  try {
    for await (const page of pages<FunctionConfiguration>('ListFunctions', read, deps, resumeMarker)) {
      pagesRead++;
      const skipThrough = pagesRead === 1 ? resumeAfter : undefined;
      for (const version of page.items) {
        const name = version.FunctionName;
        if (!name) continue;
        // functions a previous poll finished on this page
        if (skipThrough !== undefined && name <= skipThrough) continue;
        if (open && open.name !== name) {
          await finish(open);
          lastDone = open.name;
          open = undefined;
        }
        open ??= { name, startMarker: page.marker, latestBytes: 0, numbered: [] };
        const codeSize = version.CodeSize ?? 0;
        if (version.Version && NUMBERED.test(version.Version)) open.numbered.push({ version: Number(version.Version), codeSize });
        else open.latestBytes += codeSize;
        maxHeld = Math.max(maxHeld, page.items.length + open.numbered.length);
      }
      nextToRead = page.nextMarker;
    }
    if (open) {
      await finish(open);
      lastDone = open.name;
      open = undefined;
    }
  } catch (error) {
    if (cleanup && error instanceof OutOfTime) cleanup.stoppedEarly = true;
    if (error instanceof OutOfTime) {
      log(deps, { level: 'INFO', message: 'short of time: the listing resumes on the next poll', operation: error.operation, pages: pagesRead });
      const next = position();
      return { listing: listing(false, true), next, totals: next.totals, cleanup, repeatingMarkers: referenceMarkers() };
    }
    if (error instanceof RepeatingMarker) {
      log(deps, { level: 'ERROR', message: error.message, operation: error.operation });
      // the markers cannot be trusted: the next pass starts from the first page
      return { listing: listing(false, false, error.message), totals: position().totals, cleanup, repeatingMarkers: 1 + referenceMarkers() };
    }
    if (errorName(error) === 'InvalidParameterValueException' && pagesRead === 0 && resumeMarker !== undefined) {
      // a saved marker Lambda no longer accepts (expired): start the pass again
      log(deps, { level: 'WARN', message: 'the saved page marker was refused: a new pass starts', error: errorName(error) });
      return runPass(config, undefined, deps);
    }
    log(deps, { level: 'ERROR', message: 'the listing failed; the next poll resumes where it stopped', error: errorName(error) });
    const next = position();
    return {
      listing: listing(false, false, `ListFunctions: ${errorName(error)}`),
      next,
      totals: next.totals,
      cleanup,
      repeatingMarkers: referenceMarkers(),
      listingFailure: `ListFunctions failed: ${errorName(error)}`,
    };
  }
  return { listing: listing(true, false), largest, totals: withCleanup(totals, cleanup), cleanup, repeatingMarkers: referenceMarkers() };
}

function emptyTotals(): PassTotals {
  return { functions: 0, versions: 0, bytes: 0, cleanedVersions: 0, cleanedBytes: 0 };
}

/** The pass totals with this poll's cleanup added. */
function withCleanup(totals: PassTotals, cleanup: CleanupResult | undefined): PassTotals {
  return { ...totals, cleanedVersions: totals.cleanedVersions + (cleanup?.versions ?? 0), cleanedBytes: totals.cleanedBytes + (cleanup?.bytes ?? 0) };
}
