/**
 * What the code-storage poller and its construct agree on: the environment variables the
 * construct sets, and the metrics the handler writes. This file is bundled into the handler, so it
 * imports nothing.
 */

/** Namespace of the metrics the poller writes (the library's Lambda namespace). */
export const METRIC_NAMESPACE = 'CdkObserved/Lambda';

/** The metrics the poller writes, as embedded metric format records in its log. */
export const METRIC = {
  /** Bytes of code storage in use (GetAccountSettings AccountUsage.TotalCodeSize). Every poll. */
  usedBytes: 'CodeStorageUsedBytes',
  /** Used bytes as a share of the account limit (AccountLimit.TotalCodeSize), in percent. Every poll. */
  usedPercent: 'CodeStorageUsedPercent',
  /** Versions the cleanup deleted in a poll. Only written when it is above 0. */
  versionsDeleted: 'VersionsDeleted',
  /** Bytes of code storage the cleanup freed in a poll. Only written when it is above 0. */
  freedBytes: 'CodeStorageFreedBytes',
  /** Versions a dry-run cleanup would have deleted. Only written when it is above 0. */
  versionsDeletable: 'VersionsDeletable',
  /** Bytes a dry-run cleanup would have freed. Only written when it is above 0. */
  reclaimableBytes: 'CodeStorageReclaimableBytes',
  /**
   * Listings stopped because a paginated call returned a page marker it had returned before
   * (following it would loop). Only written when it is above 0; the poll also fails.
   */
  listingErrors: 'CodeStorageListingErrors',
} as const;

/**
 * Key of the poller's own tags that hold where its listing stopped (the poller resumes there on
 * its next poll); the state is split over `<key>:0`, `<key>:1` ...
 */
export const STATE_TAG = 'cdk-observed:listing-position';

/** Environment variables of the poller function. */
export const ENV = {
  /** How many of the largest functions to report (0: none). */
  largestFunctions: 'LARGEST_FUNCTIONS',
  /** OFF, DRY_RUN or DELETE. */
  cleanupMode: 'CLEANUP_MODE',
  /** Newest numbered versions kept per function. */
  versionsToKeep: 'VERSIONS_TO_KEEP',
  /** JSON array of function name prefixes the cleanup is limited to; empty: every function. */
  functionNamePrefixes: 'FUNCTION_NAME_PREFIXES',
} as const;

/** What the poller does with old versions. */
export type CleanupMode = 'OFF' | 'DRY_RUN' | 'DELETE';
