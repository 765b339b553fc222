import { awscdk, javascript, JsonFile } from 'projen';

/**
 * The oldest aws-cdk-lib we support, proven by .ci/run (the packed package in a user's app).
 * cdk-nag 3's Validations API exists from 2.258, but up to 2.268 `Validations.acknowledge` rejects
 * the per-resource ids cdk-nag reports (`AwsSolutions-IAM5[Resource::<Bucket.Arn>/in/*]`) with
 * InvalidValidationId, and TableV2 prints deprecation warnings for its own grants.
 */
const MIN_CDK_VERSION = '2.269.0';
/** The aws-cdk-lib we develop and test against (the newest 2.x). */
const DEV_CDK_VERSION = '2.276.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-observed',
  description:
    'AWS CDK constructs for serverless apps with safe defaults and production alarms already attached, plus a cdk-nag rule pack for the operational mistakes no default can prevent.',
  keywords: ['aws-cdk', 'cdk', 'lambda', 'serverless', 'cloudwatch', 'alarms', 'observability', 'cdk-nag'],
  author: 'cdk-observed',
  authorAddress: 'dev@cdk-observed.dev',
  repositoryUrl: 'https://github.com/cdk-observed/cdk-observed.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdkVersion: MIN_CDK_VERSION,
  constructsVersion: '10.5.1',
  // develop against the newest 2.x rather than the oldest we accept
  peerDependencyOptions: { pinnedDevDependency: false },
  jsiiVersion: '~6.0.0',

  // handlers in src/**/*.lambda.ts are bundled by esbuild (target node24); the runtime's AWS SDK v3
  // is used (@aws-sdk/* stays external, projen's default for this runtime)
  lambdaOptions: { runtime: awscdk.LambdaRuntime.NODEJS_24_X },

  // command-line tools: SARIF from a cloud assembly's validation report; the alarm simulator
  bin: {
    'cdk-observed-sarif': 'lib/lint/cli.js',
    'cdk-observed': 'lib/simulator/cli.js',
  },

  // cdk-nag is needed at run time by the lint pack and its types are part of our API
  peerDeps: ['cdk-nag@^3.0.2'],
  devDeps: [
    `aws-cdk-lib@${DEV_CDK_VERSION}`,
    'constructs@^10.8.1',
    'cdk-nag@^3.0.2',
    // pinned: the registry's aws-cdk 3.0.0 is a stale build that rejects current cloud assemblies
    'aws-cdk@^2',
    'ts-node@^10.9.2',
    // TypeScript 7 breaks ts-node and ts-jest: keep the line jsii 6 is built on
    'typescript@~6.0.3',
    // projen asks for the tag ts6.0, which @types/node does not publish
    '@types/node@^20',
    // handler bundling (projen's *.lambda.ts support) and handler tests
    'esbuild',
    '@aws-sdk/client-lambda',
    'aws-sdk-client-mock',
    // SARIF output of the lint pack: types, and the 2.1.0 schema (shipped by @microsoft/jest-sarif) to validate against
    '@types/sarif',
    '@microsoft/jest-sarif@1.0.0-beta.0',
    'ajv@^8',
    // bench/scale.bench.ts only: the peer measured beside us in the same run
    'cdk-monitoring-constructs@^10',
    // property tests of bad input and placement
    'fast-check@^4',
    // Control Tower proactive controls as cfn-guard rules, run on every construct's output
    '@cdklabs/cdk-validator-cfnguard',
  ],

  // Releases: projen's release workflow (.github/workflows/release.yml) builds once and publishes to
  // npm, PyPI, Maven Central, NuGet and the Go module repository; the version is bumped from the
  // conventional commits since the last tag (fix: patch, feat: minor, while major is 0). The tests
  // of a change run in .ci/run, so no separate build workflow, PR linting or Mergify is generated.
  github: true,
  githubOptions: { mergify: false, pullRequestLint: false },
  buildWorkflow: false,
  release: true,
  releaseToNpm: true,
  majorVersion: 0,
  depsUpgrade: false,
  pullRequestTemplate: false,

  publishToPypi: { distName: 'cdk-observed', module: 'cdk_observed' },
  publishToMaven: {
    javaPackage: 'dev.cdkobserved',
    mavenGroupId: 'dev.cdkobserved',
    mavenArtifactId: 'cdk-observed',
  },
  publishToNuget: { dotNetNamespace: 'CdkObserved', packageId: 'CdkObserved' },
  publishToGo: { moduleName: 'github.com/cdk-observed/cdk-observed-go' },

  eslintOptions: {
    // a test run never rewrites files: `npx projen eslint --fix` fixes on request
    commandOptions: { fix: false },
    dirs: ['src'],
    devdirs: ['test', 'demo', 'bench', 'scripts', 'projenrc', '.projenrc.ts'],
  },
  jestOptions: {
    // a test run never rewrites snapshots; coverage is a summary line on stdout and files in coverage/
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    coverageText: false,
    jestConfig: {
      coverageReporters: ['text-summary', 'lcov', 'cobertura', 'json-summary'],
      // istanbul instruments only our transformed sources; V8's precise coverage slows every line
      // of aws-cdk-lib the tests run as well (measured: about 2x the test time, against 1.6x)
      coverageProvider: 'babel',
      // CloudFormation schema validation only in the tests about it (see test/setup-env.ts)
      setupFiles: ['<rootDir>/test/setup-env.ts'],
      // synthesizing stacks is CPU-bound: the machine and CI have 2 cores
      maxWorkers: 2,
    },
  },
  gitignore: ['cdk.out/', 'bench/results/', '.ci-out/', 'test/docs/.snippets/'],
});

// The demo, benchmarks and scripts type-check (and lint) against the library's sources.
for (const dir of ['demo', 'bench', 'scripts']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: { noEmit: true, rootDir: '..' },
      include: ['**/*.ts'],
    },
  });
}


// The constructs load their handler bundles (assets/) at synth: bundle before jest on a clean clone,
// and before every jsii compile, so that a package packed after `projen compile` carries them.
project.testTask.prependSpawn(project.bundler.bundleTask);
project.compileTask.prependSpawn(project.bundler.bundleTask);

// The demo app (cdk.json) synthesizes offline, with no AWS credentials.
const demo = project.addTask('demo', {
  description: 'Synthesize the demo app in cdk.json (templates in cdk.out/), print its lint findings and a summary',
  exec: 'cdk synth --quiet',
  env: { CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' },
});
demo.exec('ts-node --transpile-only scripts/demo-summary.ts cdk.out');

// Generated documentation must not drift from the catalog.
project.addTask('docs:alarms', {
  description: "Write the README's alarm and defaults tables from the alarm catalog",
  exec: 'ts-node --transpile-only scripts/readme-tables.ts',
});

project.addTask('bench', {
  description: 'Synth-time and template-size benchmarks (ratios against bare aws-cdk-lib, measured in one run)',
  exec: 'ts-node --transpile-only bench/synth.bench.ts',
});

project.addTask('bench:scale', {
  description: 'Scale benchmark: 20 stacks of 50 ObservedFunctions with ObservedQueues; ms and bytes per alarm beside cdk-monitoring-constructs, in one run',
  exec: 'ts-node --transpile-only bench/scale.bench.ts',
});

project.addTask('bench:lint', {
  description: 'Lint-time benchmark: ServerlessOps validateScope at 200, 1,000 and 2,000 resources beside cdk-nag ServerlessChecks, in one run',
  exec: 'ts-node --transpile-only bench/lint.bench.ts',
});

project.addTask('bench:detection', {
  description: 'Detection benchmark: our default alarms vs serverless-plugin-aws-alerts and cdk-watchful defaults on simulated incidents',
  exec: 'ts-node --transpile-only bench/detection.bench.ts',
});

project.addTask('fuzz', {
  description: 'Property tests of bad input at scale: 10,000 generated uses of every public construct and method, synthesized and linted; fails on an unhelpful refusal or a wrong template',
  exec: 'ts-node --transpile-only scripts/fuzz.ts 10000 17 2',
});

project.addTask('corpus', {
  description: 'The rule pack on the corpus of public serverless CDK apps (test/corpus): fails when a finding appears or disappears without a recorded verdict',
  exec: 'ts-node --transpile-only scripts/corpus.ts',
});

project.addTask('pacmak:code-only', {
  description: 'Prove code generation for Python, Java, .NET and Go passes (packages only JavaScript offline)',
  exec: 'jsii-pacmak --target python --target java --target dotnet --target go --code-only --outdir dist/code-only',
});

for (const p of ['/demo/', '/bench/', '/scripts/', '/cdk.json', '/.ci/', '/cdk.out/']) {
  project.addPackageIgnore(p);
}

project.synth();
