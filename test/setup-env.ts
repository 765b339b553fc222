/**
 * jest setupFiles: aws-cdk-lib (2.262 and later) validates every synthesized template against
 * CloudFormation's schemas in-process, which costs about 2.5 s of CPU for the first synth of each
 * test file and most of every later one: 3-4 times the rest of a test. Tests about our logic run
 * without it; the tests whose point is that templates are valid (test/core/cfn-validation.test.ts,
 * the property tests of bad input, the README snippets) turn it on with `withSchemaValidation`
 * (test/helpers.ts). `CDK_VALIDATION=true npm test` runs every test with it.
 */
process.env.CDK_VALIDATION = process.env.CDK_VALIDATION ?? 'false';
