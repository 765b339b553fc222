import { LogQuery } from './alarm-catalog';

/**
 * The Logs Insights queries that explain a function's alarms, over the JSON logs our functions
 * write (`loggingFormat: JSON`): application lines with a `level`, and the runtime's
 * `platform.report` record of every invocation (`record.status`, `record.metrics.durationMs`,
 * `maxMemoryUsedMB`, `memorySizeMB`, and `initDurationMs` on cold starts). The investigation steps
 * of AWS's Operating Lambda series (isolating issues): errors without the informational lines,
 * memory used against memory size, the share of cold starts, the slowest invocations.
 *
 * Short on purpose: each is linked from an alarm description, where CloudWatch allows 1,024
 * characters in all.
 */
export const FUNCTION_LOG_QUERIES = {
  errors: {
    id: 'errors',
    title: 'errors',
    // application lines at ERROR or FATAL, and invocations the runtime reports as failed
    query: 'filter level in ["ERROR","FATAL"] or record.status in ["error","failure","timeout"] | sort @timestamp desc | limit 100',
    view: 'table',
  },
  timeouts: {
    id: 'timeouts',
    title: 'timed-out invocations',
    query: 'filter record.status="timeout" | fields @timestamp, record.requestId, record.metrics.durationMs | sort @timestamp desc | limit 100',
    view: 'table',
  },
  slowest: {
    id: 'slowest',
    title: 'slowest invocations',
    query: 'filter type="platform.report" | fields @timestamp, record.requestId, record.metrics.durationMs, record.metrics.initDurationMs | sort record.metrics.durationMs desc | limit 25',
    view: 'table',
  },
  memory: {
    id: 'memory',
    title: 'memory used of memory size',
    query: 'filter type="platform.report" | stats max(record.metrics.maxMemoryUsedMB) as maxUsedMB, max(record.metrics.memorySizeMB) as sizeMB, max(100*record.metrics.maxMemoryUsedMB/record.metrics.memorySizeMB) as usedPercent by bin(5m)',
    view: 'line',
  },
  coldStarts: {
    id: 'coldStarts',
    title: 'cold starts in % of invocations',
    query: 'filter type="platform.report" | stats count(record.metrics.initDurationMs) as coldStarts, count(*) as invocations, 100*coldStarts/invocations as coldStartPercent by bin(5m)',
    view: 'line',
  },
} satisfies { readonly [id: string]: LogQuery };

/** The queries a function's dashboard row shows, in order. */
export const FUNCTION_DASHBOARD_QUERIES: readonly LogQuery[] = [
  FUNCTION_LOG_QUERIES.errors, FUNCTION_LOG_QUERIES.slowest, FUNCTION_LOG_QUERIES.memory, FUNCTION_LOG_QUERIES.coldStarts,
];
