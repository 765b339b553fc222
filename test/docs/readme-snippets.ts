/**
 * The README's TypeScript blocks as programs, in the way jsii-rosetta compiles examples: each block
 * runs inside one fixture that provides the names the README assumes a reader has (an app, a stack
 * as `this` and `stack`, function props, a topic, ...). A block's own imports and declarations take
 * precedence over the fixture's; `declare const x: T;` lines name fixture values. Blocks whose info
 * string carries a second word (```ts handler) are code that runs in Lambda, not in a CDK app: skipped.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Snippet {
  /** 1-based line of the opening fence in README.md */
  readonly line: number;
  readonly code: string;
}

export function readmeSnippets(readme: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (['ts', 'typescript'].includes(open[1]) && open[2].trim() === '') {
      snippets.push({ line: i + 1, code: lines.slice(i + 1, end).join('\n') });
    }
    i = end;
  }
  return snippets;
}

/** Names the fixture imports, each from its module, unless the snippet imports the name itself. */
const FIXTURE_IMPORTS: Record<string, string> = {
  'App': 'aws-cdk-lib',
  'Aspects': 'aws-cdk-lib',
  'Duration': 'aws-cdk-lib',
  'Stack': 'aws-cdk-lib',
  'Validations': 'aws-cdk-lib',
  'Construct': 'constructs',
  '* as apigateway': 'aws-cdk-lib/aws-apigateway',
  '* as apigwv2': 'aws-cdk-lib/aws-apigatewayv2',
  '* as cloudwatch': 'aws-cdk-lib/aws-cloudwatch',
  '* as dynamodb': 'aws-cdk-lib/aws-dynamodb',
  '* as lambda': 'aws-cdk-lib/aws-lambda',
  '* as s3': 'aws-cdk-lib/aws-s3',
  '* as sns': 'aws-cdk-lib/aws-sns',
  '* as sqs': 'aws-cdk-lib/aws-sqs',
};

/**
 * Values the fixture declares, in order (later ones may use earlier ones); each only when the
 * snippet, or a value it needs, names it, so that a snippet sees no construct it did not ask for.
 */
const FIXTURE_VALUES: [string, string][] = [
  ['stack', 'const stack = this;'],
  ['runtime', 'const runtime = lambda.Runtime.NODEJS_24_X;'],
  ['handler', "const handler = 'index.handler';"],
  ['code', "const code = lambda.Code.fromInline('exports.handler = async () => ({});');"],
  ['partitionKey', "const partitionKey = { name: 'pk', type: dynamodb.AttributeType.STRING };"],
  ['alerts', "const alerts = new sns.Topic(this, 'FixtureAlerts');"],
  ['pager', "const pager = new sns.Topic(this, 'FixturePager');"],
  ['tickets', "const tickets = new sns.Topic(this, 'FixtureTickets');"],
  ['fn', "const fn = new cdkObserved.ObservedFunction(this, 'FixtureFn', { runtime, handler, code, timeout: Duration.seconds(5) });"],
  ['worker', "const worker = new cdkObserved.ObservedFunction(this, 'FixtureWorker', { runtime, handler, code, timeout: Duration.seconds(5) });"],
  ['thumbnailer', "const thumbnailer = new cdkObserved.ObservedFunction(this, 'FixtureThumbnailer', { runtime, handler, code });"],
  ['bucket', "const bucket = new s3.Bucket(this, 'FixtureBucket', { enforceSSL: true });"],
  ['table', "const table = new cdkObserved.ObservedTable(this, 'FixtureTable', { partitionKey, dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES });"],
  ['queue', "const queue = new cdkObserved.ObservedQueue(this, 'FixtureQueue');"],
  ['ordersStack', 'const ordersStack = this;'],
  // a monitoring stack holds something of its own (the team's dashboards, say): never empty
  ['monitoringStack', "const monitoringStack = new Stack(app, 'FixtureMonitoring', { env: ENV }); new sns.Topic(monitoringStack, 'Team');"],
];

function fixtureValues(body: string): string[] {
  const needed = new Set<string>();
  const mentions = (text: string, name: string) => new RegExp(`\\b${name}\\b`).test(text);
  // latest first: a value's own dependencies come earlier in the list
  for (const [name, line] of [...FIXTURE_VALUES].reverse()) {
    const users = [body, ...FIXTURE_VALUES.filter(([n]) => needed.has(n)).map(([, l]) => l)];
    if (users.some(text => mentions(text.replace(line, ''), name))) needed.add(name);
  }
  return FIXTURE_VALUES.filter(([name]) => needed.has(name)).map(([, line]) => `    ${line}`);
}

/**
 * The program for one snippet: its imports (cdk-observed resolved to the sources), the fixture's
 * imports it lacks, then the snippet's statements in a block inside a stack's constructor, and a synth.
 */
export function snippetProgram(snippet: Snippet, srcDir: string, packageExports: readonly string[]): string {
  const lines = snippet.code.split('\n');
  const imports: string[] = [];
  const body: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (/^import\s/.test(lines[i])) {
      let statement = lines[i];
      while (!/;\s*(\/\/.*)?$/.test(statement) && i + 1 < lines.length) statement += `\n${lines[++i]}`;
      imports.push(statement.replace(/from 'cdk-observed'/, `from '${srcDir}'`));
    } else if (!/^declare const \w+/.test(lines[i])) {
      body.push(lines[i]);
    }
  }
  const imported = new Set(imports.flatMap(s => {
    const named = /\{([^}]*)\}/.exec(s)?.[1].split(',').map(n => n.trim().split(/\s+as\s+/).pop()!) ?? [];
    const ns = /\*\s+as\s+(\w+)/.exec(s)?.[1];
    const def = /^import\s+(\w+)\s+from/.exec(s)?.[1];
    return [...named, ns, def].filter((n): n is string => !!n);
  }));
  const fixtureImports = Object.entries(FIXTURE_IMPORTS)
    .filter(([name]) => !imported.has(name.replace('* as ', '')))
    .map(([name, from]) => name.startsWith('*') ? `import ${name} from '${from}';` : `import { ${name} } from '${from}';`);
  // every export of the package the snippet does not import itself, as the reader's editor would offer
  const offered = packageExports.filter(n => !imported.has(n));
  return [
    ...imports,
    ...fixtureImports,
    `import * as cdkObserved from '${srcDir}';`,
    `import { ${offered.join(', ')} } from '${srcDir}';`,
    'const ENV = { account: \'123456789012\', region: \'us-east-1\' };',
    'const app = new App({ context: { \'@aws-cdk/core:validateAgainstDefaultRules\': true } });',
    'class ReadmeSnippet extends Stack {',
    '  constructor(scope: Construct, id: string) {',
    '    super(scope, id, { env: ENV });',
    ...fixtureValues(body.join('\n')),
    '    {',
    ...body.map(l => `      ${l}`),
    '    }',
    '    // the rest of the user\'s app, created after the snippet\'s configuration',
    "    new cdkObserved.ObservedFunction(this, 'RestOfTheApp', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({});') });",
    '  }',
    '}',
    'new ReadmeSnippet(app, \'Snippet\');',
    'export const assembly = app.synth();',
    '',
  ].join('\n');
}

/**
 * Writes one program per snippet into outDir. packageExports: the names the package exports (the
 * keys of `require(srcDir)`), each offered to a snippet that does not import it.
 */
export function writeSnippetPrograms(readmeFile: string, outDir: string, srcDir: string,
  packageExports: readonly string[]): { file: string; snippet: Snippet }[] {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const relSrc = path.relative(outDir, srcDir).split(path.sep).join('/');
  return readmeSnippets(fs.readFileSync(readmeFile, 'utf8')).map(snippet => {
    const file = path.join(outDir, `readme-line-${snippet.line}.ts`);
    fs.writeFileSync(file, snippetProgram(snippet, relSrc.startsWith('.') ? relSrc : `./${relSrc}`, packageExports));
    return { file, snippet };
  });
}
