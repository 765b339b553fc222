import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { readmeSnippets, writeSnippetPrograms } from './readme-snippets';
import * as cdkObserved from '../../src';

const ROOT = path.join(__dirname, '..', '..');
const OUT = path.join(__dirname, '.snippets');

/**
 * Every TypeScript block of the README compiles against the package's types and synthesizes, with
 * the few names a reader is assumed to have (see readme-snippets.ts).
 */
describe('README snippets', () => {
  const programs = writeSnippetPrograms(path.join(ROOT, 'README.md'), OUT, path.join(ROOT, 'src'), Object.keys(cdkObserved));
  // snippets run where a user's app would: a folder with its handler bundle in dist/handler
  const cwd = process.cwd();
  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-app-'));
    fs.mkdirSync(path.join(dir, 'dist', 'handler'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist', 'handler', 'index.js'), 'exports.handler = async () => ({});');
    process.chdir(dir);
    // as a user's synth does: templates validated against CloudFormation's schemas (test/setup-env.ts)
    process.env.CDK_VALIDATION = 'true';
  });
  afterAll(() => {
    process.chdir(cwd);
    process.env.CDK_VALIDATION = 'false';
    fs.rmSync(OUT, { recursive: true, force: true });
  });

  test('the README has TypeScript blocks to check', () => {
    expect(programs.length).toBeGreaterThanOrEqual(10);
    expect(readmeSnippets('```ts\na;\n```\n```ts handler\nb;\n```\n```sh\nc\n```').map(s => s.code)).toEqual(['a;']);
  });

  test('each compiles', () => {
    const program = ts.createProgram(programs.map(p => p.file), {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      strict: true,
      noEmit: true,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    });
    const errors = ts.getPreEmitDiagnostics(program).map(d => {
      const file = d.file ? path.basename(d.file.fileName) : '';
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      return `${file}:${at}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(errors).toEqual([]);
  });

  test.each(readmeSnippets(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).map(s => [s.line]))(
    'the block at README line %i synthesizes', line => {
      const file = path.join(OUT, `readme-line-${line}.ts`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { assembly } = require(file);
      expect(assembly.stacks.length).toBeGreaterThan(0);
    });
});
