import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ServerlessChecks } from 'cdk-nag';
import type * as sarif from 'sarif';
import { fn } from './lint';
import { main } from '../../src/lint/cli';
import { ServerlessOpsChecks } from '../../src/lint/pack';
import { SarifReport } from '../../src/lint/sarif';

/** The SARIF 2.1.0 schema (draft-04) compiled with ajv 8: its `id` is `$id` there, and formats are checked. */
function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  // the schema's language pattern is not valid with the u flag ajv 8 uses by default
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
  ajv.addFormat('uri-reference', /^[^\s]*$/);
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
  return ajv.compile(schema);
}

const validate = sarifValidator();

function expectValid(log: unknown): void {
  const ok = validate(log);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

const ENV = { account: '123456789012', region: 'us-east-1' };

/** Synthesizes an app with an error, a warning and an acknowledged finding, with ServerlessOps and cdk-nag's Serverless pack. */
function synthesized(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sarif-'));
  const app = new App({ outdir: dir });
  const stack = new Stack(app, 'Shop', { env: ENV });
  const worker = fn(stack, 'Worker', 60, { recursiveLoop: lambda.RecursiveLoop.ALLOW });
  worker.addEventSource(new SqsEventSource(new sqs.Queue(stack, 'Jobs')));
  Validations.of(worker).acknowledge({ id: 'ServerlessOps-MissingAlarms', reason: 'alarms live in the monitoring account' });
  Validations.of(app).addPlugins(new ServerlessOpsChecks(), new ServerlessChecks());
  expect(() => app.synth()).toThrow(); // the error-level findings fail it; the report is written all the same
  return dir;
}

describe('SARIF', () => {
  let dir: string;
  let log: sarif.Log;
  beforeAll(() => {
    dir = synthesized();
    log = JSON.parse(SarifReport.fromCloudAssembly(path.relative(process.cwd(), dir)));
  });

  test('the log from a cloud assembly is valid SARIF 2.1.0 (and the schema check does reject invalid logs)', () => {
    expect(log.version).toBe('2.1.0');
    expectValid(log);
    expect(validate({ version: '2.1.0', runs: [{ tool: {} }] })).toBe(false);
    expect(validate({ ...log, runs: [{ ...log.runs[0], results: [{ message: { text: 'x' }, level: 'fatal' }] }] })).toBe(false);
  });

  test('one run per plugin; ours lists every rule with its level and explanation', () => {
    // aws-cdk-lib's own template validation may add a run of its own (a 60 s function behind a 30 s visibility)
    expect(log.runs.map(r => r.tool.driver.name).filter(n => n !== 'CloudFormation Validate').sort()).toEqual(['Serverless', 'ServerlessOps']);
    const ours = log.runs.find(r => r.tool.driver.name === 'ServerlessOps')!;
    expect(ours.tool.driver.rules!.map(r => r.id)).toEqual(expect.arrayContaining(new ServerlessOpsChecks().ruleIds!));
    const rule = ours.tool.driver.rules!.find(r => r.id === 'ServerlessOps-SqsVisibilityTimeout')!;
    expect(rule.defaultConfiguration?.level).toBe('error');
    expect(rule.fullDescription?.text).toContain('6x the function timeout');
  });

  test('results carry rule, level, message, the template line of the resource and the construct path', () => {
    const ours = log.runs.find(r => r.tool.driver.name === 'ServerlessOps')!;
    const result = ours.results!.find(r => r.ruleId === 'ServerlessOps-SqsVisibilityTimeout')!;
    expect(result.level).toBe('error');
    expect(result.message.text).toContain('Queue Shop/Jobs has a visibility timeout of 30 s');
    expect(ours.tool.driver.rules![result.ruleIndex!].id).toBe(result.ruleId);
    const location = result.locations![0];
    expect(location.logicalLocations![0].fullyQualifiedName).toMatch(/^Shop\/Worker\/SqsEventSource:ShopJobs[0-9A-F]+\/Resource$/);
    const uri = location.physicalLocation!.artifactLocation!.uri!;
    expect(uri).toBe(path.relative(process.cwd(), path.join(dir, 'Shop.template.json')).split(path.sep).join('/'));
    const lines = fs.readFileSync(uri, 'utf8').split('\n');
    expect(lines[location.physicalLocation!.region!.startLine! - 1]).toContain(`"${location.logicalLocations![0].name}": {`);
    expect(ours.results!.find(r => r.ruleId === 'ServerlessOps-RecursiveLoopAllowed')!.level).toBe('warning');
  });

  test('results carry the property path each rule reports, as a logical location and a property', () => {
    const ours = log.runs.find(r => r.tool.driver.name === 'ServerlessOps')!;
    const loop = ours.results!.find(r => r.ruleId === 'ServerlessOps-RecursiveLoopAllowed')!;
    expect(loop.properties!.propertyPaths).toEqual(['Properties/RecursiveLoop']);
    expect(loop.locations![0].logicalLocations![1]).toEqual({
      fullyQualifiedName: 'Shop/Worker/Resource/Properties/RecursiveLoop', name: 'Properties/RecursiveLoop', kind: 'property',
    });
  });

  test('an acknowledged finding is a result with a suppression carrying the reason', () => {
    const ours = log.runs.find(r => r.tool.driver.name === 'ServerlessOps')!;
    const suppressed = ours.results!.filter(r => r.suppressions);
    expect(suppressed.map(r => [r.ruleId, r.suppressions![0].kind, r.suppressions![0].justification])).toEqual([
      ['ServerlessOps-MissingAlarms', 'inSource', 'alarms live in the monitoring account'],
    ]);
  });

  test('other plugins\' findings (construct paths only) are located through the assembly metadata', () => {
    const nag = log.runs.find(r => r.tool.driver.name === 'Serverless')!;
    const located = nag.results!.filter(r => r.locations![0].physicalLocation);
    expect(located.length).toBe(nag.results!.length);
    expect(located[0].locations![0].physicalLocation!.region!.startLine).toBeGreaterThan(1);
  });

  test('fromPluginReport makes valid SARIF without synthesizing; an empty report still has our run', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    fn(stack, 'Fn', 10, { recursiveLoop: lambda.RecursiveLoop.ALLOW });
    const fromReport = JSON.parse(SarifReport.fromPluginReport('ServerlessOps', new ServerlessOpsChecks().validateScope(app)));
    expectValid(fromReport);
    expect(fromReport.runs[0].results.map((r: sarif.Result) => r.ruleId).sort()).toEqual(['ServerlessOps-MissingAlarms', 'ServerlessOps-RecursiveLoopAllowed']);

    const empty = JSON.parse(SarifReport.fromPluginReport('ServerlessOps', { success: true, violations: [] }));
    expectValid(empty);
    expect(empty.runs).toHaveLength(1);
    expect(empty.runs[0].results).toEqual([]);
  });
});

describe('the CLI', () => {
  let dir: string;
  beforeAll(() => { dir = synthesized(); });

  function run(...args: string[]): { code: number; out: string; err: string } {
    let out = '';
    let err = '';
    const code = main(args, t => { out += t; }, t => { err += t; });
    return { code, out, err };
  }

  test('writes SARIF for the cloud assembly to stdout, with a summary on stderr', () => {
    const r = run(dir);
    expect(r.code).toBe(0);
    expectValid(JSON.parse(r.out));
    expect(r.err).toMatch(/cdk-observed-sarif: \d+ errors, \d+ warnings, 1 acknowledged/);
  });

  test('--output writes a file; --fail-on error exits 1 when there are errors', () => {
    const file = path.join(dir, 'lint.sarif');
    const r = run(dir, '--output', file, '--fail-on', 'error');
    expect(r.code).toBe(1);
    expectValid(JSON.parse(fs.readFileSync(file, 'utf8')));
    expect(r.err).toContain(`-> ${file}`);
  });

  test('usage and input errors exit 2 with a message', () => {
    expect(run('--fail-on', 'sometimes').err).toContain('--fail-on is sometimes; allowed are error and warning');
    expect(run('--fail-on', 'sometimes').code).toBe(2);
    expect(run('--bogus').code).toBe(2);
    const missing = run(path.join(os.tmpdir(), 'no-such-assembly'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('validation-report.json does not exist: synthesize the app with a validation plugin registered');
    expect(run('--help').out).toContain('usage: cdk-observed-sarif');
  });
});

test('a warning-free, error-free assembly exits 0 with --fail-on warning', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sarif-clean-'));
  const app = new App({ outdir: dir });
  const stack = new Stack(app, 'Clean', { env: ENV });
  const f = fn(stack, 'Fn', 10);
  f.metricErrors().createAlarm(stack, 'E', { threshold: 1, evaluationPeriods: 1 });
  f.metricThrottles().createAlarm(stack, 'T', { threshold: 1, evaluationPeriods: 1 });
  Validations.of(app).addPlugins(new ServerlessOpsChecks());
  app.synth();
  let out = '';
  expect(main([dir, '--fail-on', 'warning'], t => { out += t; }, () => undefined)).toBe(0);
  const log = JSON.parse(out);
  expect(log.runs.map((r: sarif.Run) => [r.tool.driver.name, r.results!.length])).toEqual([['ServerlessOps', 0]]);
});
