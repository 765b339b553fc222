import * as fs from 'fs';
import * as path from 'path';

/** The version of this package, as npm installed it (lib/core -> package.json). */
export function packageVersion(): string {
  for (const dir of [path.join(__dirname, '..', '..'), path.join(__dirname, '..', '..', '..')]) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cdk-observed') return pkg.version ?? 'unknown';
    }
  }
  return 'unknown';
}

/**
 * The flags every command-line tool of the package answers the same way: `-h`/`--help` prints the
 * usage and exits 0, `-v`/`--version` prints the version and exits 0. Returns the exit code when
 * one of them was given, undefined otherwise.
 */
export function answerStandardFlags(argv: readonly string[], usage: string, out: (text: string) => void): number | undefined {
  if (argv.some(a => a === '-h' || a === '--help' || a === 'help')) {
    out(`${usage}\n`);
    return 0;
  }
  if (argv.some(a => a === '-v' || a === '--version')) {
    out(`${packageVersion()}\n`);
    return 0;
  }
  return undefined;
}
