/**
 * Where the poller's listing stands between polls. A pass over every function version can take
 * more than one invocation (10,000 functions with 6 versions each are 1,400 pages); the poll that
 * runs short of time saves its position and the next poll resumes there.
 *
 * The position is kept in the poller function's own tags (ListTags / TagResource / UntagResource
 * on its own ARN): no extra resource to deploy, no cost, no other client, and the role's grant
 * names one ARN. A tag value holds 256 characters, so the state (JSON, base64url) is split over
 * up to STATE_CHUNKS tags.
 */
import { createHash } from 'crypto';
// bundled into the poller handler, whose runtime provides the SDK (like code-storage-poller.lambda.ts)
// eslint-disable-next-line import/no-extraneous-dependencies
import { ListTagsCommand, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-lambda';
import { log, PollerDeps, withRetry } from './code-storage-calls';
import { STATE_TAG } from './code-storage-contract';

/** One function's share of code storage: $LATEST plus every published version. */
export interface FunctionUsage {
  readonly functionName: string;
  readonly versions: number;
  readonly totalBytes: number;
}

/** Totals of a pass (over every poll it took). */
export interface PassTotals {
  functions: number;
  versions: number;
  bytes: number;
  /** Deleted, or that a dry run would delete. */
  cleanedVersions: number;
  cleanedBytes: number;
}

/** A pass in progress. */
export interface PassState {
  /** Of the configuration the pass ran with: another configuration starts a new pass. */
  readonly config: string;
  /** Marker of the page to read next (undefined: the first page). */
  readonly marker?: string;
  /** On that page, functions up to this name were done already. */
  readonly after?: string;
  readonly startedAt: number;
  readonly polls: number;
  readonly pages: number;
  readonly totals: PassTotals;
  /** The largest functions so far, largest first. */
  readonly largest: FunctionUsage[];
}

/** At most this many tags hold the state: 4,096 characters (50 tags is the limit per function). */
export const STATE_CHUNKS = 16;
const CHUNK = 256;

export function configKey(config: object): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
}

function chunkKey(i: number): string {
  return `${STATE_TAG}:${i}`;
}

/** The state as tag values; the largest-functions list is shortened until it fits (with a warning). */
export function encodeState(state: PassState, deps: PollerDeps): string[] | undefined {
  let largest = state.largest;
  for (;;) {
    const text = Buffer.from(JSON.stringify({ ...state, largest })).toString('base64url');
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += CHUNK) chunks.push(text.slice(i, i + CHUNK));
    if (chunks.length <= STATE_CHUNKS) {
      if (largest.length < state.largest.length) {
        log(deps, { level: 'WARN', message: 'the largest functions carried to the next poll were shortened to fit the resume state', kept: largest.length, of: state.largest.length });
      }
      return chunks;
    }
    if (largest.length === 0) return undefined;
    largest = largest.slice(0, largest.length - 1);
  }
}

export function decodeState(tags: Record<string, string>): PassState | undefined {
  const count = Number(tags[STATE_TAG]);
  if (!Number.isInteger(count) || count < 1 || count > STATE_CHUNKS) return undefined;
  let text = '';
  for (let i = 0; i < count; i++) {
    const chunk = tags[chunkKey(i)];
    if (chunk === undefined) return undefined;
    text += chunk;
  }
  try {
    const state = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as PassState;
    const valid = typeof state.config === 'string' && Array.isArray(state.largest) && typeof state.totals === 'object'
      && (state.marker === undefined || typeof state.marker === 'string');
    return valid ? state : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the saved pass; undefined when there is none (or it cannot be read: a new pass starts). */
export async function loadPass(deps: PollerDeps): Promise<SavedPass> {
  if (!deps.functionArn) return { chunkKeys: [], present: false };
  const { Tags } = await withRetry('ListTags', () => deps.client.send(new ListTagsCommand({ Resource: deps.functionArn })), deps);
  const tags = Tags ?? {};
  const chunkKeys = Object.keys(tags).filter(k => k.startsWith(`${STATE_TAG}:`));
  const state = decodeState(tags);
  if (!state && tags[STATE_TAG] !== undefined) log(deps, { level: 'WARN', message: 'the saved listing position could not be read; a new pass starts' });
  return { state, chunkKeys, present: tags[STATE_TAG] !== undefined };
}

/** What loadPass found: the state, and how many tags held it. */
export interface SavedPass {
  readonly state?: PassState;
  /** The state tags holding a chunk, whatever their number (stale ones included). */
  readonly chunkKeys: string[];
  readonly present: boolean;
}

/**
 * Saves the pass (or, with undefined, removes it), with the little time that is kept back for it.
 * `previous` is what loadPass found, so the tags no longer used are removed.
 */
export async function savePass(state: PassState | undefined, previous: SavedPass, deps: PollerDeps): Promise<void> {
  if (!deps.functionArn) return;
  const resource = deps.functionArn;
  const chunks = state ? encodeState(state, deps) : [];
  if (chunks === undefined) throw new Error(`the listing position does not fit in ${STATE_CHUNKS} tags of ${CHUNK} characters`);
  if (chunks.length > 0) {
    const tags: Record<string, string> = { [STATE_TAG]: String(chunks.length) };
    chunks.forEach((c, i) => { tags[chunkKey(i)] = c; });
    await withRetry('TagResource', () => deps.client.send(new TagResourceCommand({ Resource: resource, Tags: tags })), deps, 1_000);
  }
  const used = new Set(chunks.map((_, i) => chunkKey(i)));
  const stale = previous.chunkKeys.filter(k => !used.has(k)).sort();
  if (chunks.length === 0 && previous.present) stale.push(STATE_TAG);
  if (stale.length > 0) {
    await withRetry('UntagResource', () => deps.client.send(new UntagResourceCommand({ Resource: resource, TagKeys: stale })), deps, 1_000);
  }
}
