import * as fs from 'fs';
import * as path from 'path';
import { packageVersion } from '../../src/core/cli-flags';
import { main as sarifMain } from '../../src/lint/cli';
import { main as simulatorMain } from '../../src/simulator/cli';

/** Runs a CLI's main and collects what it wrote to stdout and stderr. */
function run(main: (argv: string[], out: (t: string) => void, err: (t: string) => void) => number, argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, t => { stdout += t; }, t => { stderr += t; });
  return { code, stdout, stderr };
}

describe.each([
  ['cdk-observed-sarif', sarifMain as (argv: string[], out: (t: string) => void, err: (t: string) => void) => number],
  ['cdk-observed', simulatorMain as (argv: string[], out: (t: string) => void, err: (t: string) => void) => number],
])('%s', (name, main) => {
  test.each([['--help'], ['-h']])('%s prints the usage and exits 0', flag => {
    const r = run(main, [flag]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: ${name}`, 'i'));
  });

  test('--version prints the package version and exits 0', () => {
    const r = run(main, ['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(packageVersion());
  });

  test('an unknown option exits 2 with the usage', () => {
    const r = run(main, ['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/--bogus/);
    expect(r.stdout + r.stderr).toMatch(/usage:/i);
  });
});

test('cdk-observed: simulate --help, and an unknown command, as users expect', () => {
  expect(run(simulatorMain, ['simulate', '--help']).code).toBe(0);
  const unknown = run(simulatorMain, ['simulte']);
  expect(unknown.code).toBe(2);
  expect(unknown.stdout).toMatch(/^unknown command: simulte/);
  expect(run(simulatorMain, ['simulate', '--template']).code).toBe(2);
});

test('the package version is read from package.json', () => {
  expect(packageVersion()).toBe(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
});
