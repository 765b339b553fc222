/**
 * The README's tables of defaults and alarms, rendered from the code (the alarm catalog and the
 * construct's default constants). `npm run docs:alarms` writes them into README.md; a test fails
 * when README.md and this rendering differ, so the docs cannot drift from the behaviour.
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ACCOUNT_CONCURRENCY_ALARMS } from '../src/account/account-concurrency-alarm-catalog';
import { CODE_STORAGE_ALARMS } from '../src/account/code-storage-alarm-catalog';
import { HTTP_API_ALARMS, REST_API_ALARMS } from '../src/api/api-alarm-catalog';
import { AlarmCatalog, describeCondition, describeMetric, describeWindow } from '../src/core/alarm-catalog';
import { FUNCTION_ALARMS } from '../src/function/function-alarm-catalog';
import { ObservedFunction } from '../src/function/observed-function';
import { QUEUE_ALARMS } from '../src/queue/queue-alarm-catalog';
import { TABLE_ALARMS } from '../src/table/table-alarm-catalog';
import { TABLE_STREAM_ALARMS } from '../src/table/table-stream-alarm-catalog';

export const README = join(__dirname, '..', 'README.md');

function alarmTable<K extends string>(catalog: AlarmCatalog<K>): string {
  const rows = (Object.keys(catalog) as K[]).map(key => {
    const e = catalog[key];
    const on = e.enabledByDefault ? 'on' : 'off';
    return `| \`${key}\` | ${e.id} | ${describeMetric(e)} | ${describeCondition(e)} | ${describeWindow(e)} | ${e.treatMissingData} | ${on}, ${e.when} | ${e.catches} |`;
  });
  return [
    '| option (`alarms.…`) | alarm name suffix | metric | fires when | window | missing data | created | catches |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function functionDefaultsTable(): string {
  const F = ObservedFunction;
  const rows: [string, string, string][] = [
    ['`timeout`', F.DEFAULT_TIMEOUT.toHumanString(), 'long enough for a cold start and a few downstream calls with SDK retries; below API Gateway\'s 29 s'],
    ['`memorySize`', `${F.DEFAULT_MEMORY_SIZE_MB} MB`, 'memory sets the CPU share; far faster cold starts than 128 MB'],
    ['`tracing`', 'ACTIVE', 'X-Ray traces every invocation'],
    ['`loggingFormat`', 'JSON', 'structured logs; the timeout and memory alarms read the JSON `platform.report` records'],
    ['log group', `created by the construct, ${F.DEFAULT_LOG_RETENTION} days retention (\`logRetention\`, or \`ObservedDefaults\` for the app with its KMS key)`, 'finite retention; no log-retention custom resource'],
    ['`recursiveLoop`', 'TERMINATE', 'Lambda stops infinite loops through SQS, SNS, S3 and Lambda'],
    ['`retryAttempts` (async)', String(F.DEFAULT_RETRY_ATTEMPTS), 'Lambda\'s maximum'],
    ['`maxEventAge` (async)', F.DEFAULT_MAX_EVENT_AGE.toHumanString(), 'Lambda\'s maximum'],
    ['on-failure destination (async)', 'an SQS queue: SSE, TLS only, 14 days (`asyncFailureQueue`)', 'failed events are kept, with the error, instead of being dropped'],
    ['execution role', 'logs only to its own log group', 'no `AWSLambdaBasicExecutionRole` (logs on every log group)'],
  ];
  return ['| setting | default | why |', '|---|---|---|', ...rows.map(r => `| ${r.join(' | ')} |`)].join('\n');
}

/** Marker name -> rendered content. */
export function renderedSections(): Record<string, string> {
  return {
    'function-defaults': functionDefaultsTable(),
    'function-alarms': alarmTable(FUNCTION_ALARMS),
    'queue-alarms': alarmTable(QUEUE_ALARMS),
    'table-alarms': alarmTable(TABLE_ALARMS),
    'table-stream-alarms': alarmTable(TABLE_STREAM_ALARMS),
    'rest-api-alarms': alarmTable(REST_API_ALARMS),
    'http-api-alarms': alarmTable(HTTP_API_ALARMS),
    'code-storage-alarms': alarmTable(CODE_STORAGE_ALARMS),
    'account-concurrency-alarms': alarmTable(ACCOUNT_CONCURRENCY_ALARMS),
  };
}

/** The README with every generated section replaced by its current rendering. */
export function renderReadme(readme: string): string {
  let out = readme;
  for (const [name, content] of Object.entries(renderedSections())) {
    const pattern = new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!pattern.test(out)) throw new Error(`README.md has no <!-- generated:${name} --> section`);
    out = out.replace(pattern, (_m, start, end) => `${start}${content}\n${end}`);
  }
  return out;
}

if (require.main === module) {
  writeFileSync(README, renderReadme(readFileSync(README, 'utf8')));
  console.log('README.md tables rendered from the alarm catalog');
}
