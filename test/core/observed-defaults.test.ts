import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CodeStorageMonitor, ObservedDefaults, ObservedFunction, ObservedHttpApi, ObservedRestApi } from '../../src';
import { MINIMAL, synth, testStack } from '../helpers';

const ENV = { account: '123456789012', region: 'us-east-1' };

/** Every log group the library creates, in one stack. */
function everyLogGroup(stack: Stack): void {
  const fn = new ObservedFunction(stack, 'Fn', { ...MINIMAL, asyncFailureQueue: false });
  new ObservedRestApi(stack, 'Rest').addLambdaRoute('GET', '/x', fn, { authorizationType: apigateway.AuthorizationType.IAM });
  new ObservedHttpApi(stack, 'Http', { allowUnauthenticatedAccess: true });
  new CodeStorageMonitor(stack, 'CodeStorage');
}

function logGroups(template: Template): any[] {
  return Object.values(template.findResources('AWS::Logs::LogGroup')).map(r => r.Properties);
}

describe('ObservedDefaults: one retention and one KMS key for every log group the library creates', () => {
  test('configured after the constructs: functions, both APIs and the code storage monitor take both', () => {
    const stack = testStack();
    everyLogGroup(stack);
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    ObservedDefaults.configure(stack, { logRetention: logs.RetentionDays.TWO_YEARS, encryptionKey: key });
    const groups = logGroups(synth(stack));
    expect(groups).toHaveLength(4);
    for (const g of groups) {
      expect(g.RetentionInDays).toBe(731);
      expect(g.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
    }
  });

  test('the key policy lets CloudWatch Logs use the key for the log groups of this account and region only', () => {
    const stack = testStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    ObservedDefaults.configure(stack, { encryptionKey: key });
    ObservedDefaults.configure(stack, { encryptionKey: key }); // granted once
    const statements = synth(stack).findResources('AWS::KMS::Key')[stack.getLogicalId(key.node.defaultChild as kms.CfnKey)]
      .Properties.KeyPolicy.Statement.filter((s: any) => s.Sid === 'CloudWatchLogsEncryptLogGroups');
    expect(statements).toEqual([{
      Sid: 'CloudWatchLogsEncryptLogGroups',
      Effect: 'Allow',
      Principal: { Service: 'logs.us-east-1.amazonaws.com' },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:123456789012:log-group:*']] } } },
    }]);
  });

  test('a construct\'s own retention prop wins; the nearest configured scope wins; without a setting the construct defaults stay', () => {
    const app = new App();
    ObservedDefaults.configure(app, { logRetention: logs.RetentionDays.ONE_YEAR });
    const near = new Stack(app, 'Near', { env: ENV });
    ObservedDefaults.configure(near, { logRetention: logs.RetentionDays.FIVE_YEARS });
    new ObservedFunction(near, 'Default', MINIMAL);
    new ObservedFunction(near, 'Own', { ...MINIMAL, logRetention: logs.RetentionDays.ONE_WEEK });
    const far = new Stack(app, 'Far', { env: ENV });
    new ObservedFunction(far, 'Fn', MINIMAL);
    expect(logGroups(Template.fromStack(near)).map(g => g.RetentionInDays).sort()).toEqual([1827, 7]);
    expect(logGroups(Template.fromStack(far)).map(g => g.RetentionInDays)).toEqual([365]);

    const plain = testStack();
    everyLogGroup(plain);
    const groups = logGroups(synth(plain));
    expect(groups.map(g => g.RetentionInDays).sort()).toEqual([30, 30, 30, 365]);
    for (const g of groups) expect(g.KmsKeyId).toBeUndefined();
  });

  test('INFINITE keeps logs forever (no RetentionInDays)', () => {
    const stack = testStack();
    ObservedDefaults.configure(stack, { logRetention: logs.RetentionDays.INFINITE });
    new ObservedFunction(stack, 'Fn', MINIMAL);
    synth(stack).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.absent() });
  });

  test('a key in another stack of the app is referenced across stacks', () => {
    const app = new App();
    const keys = new Stack(app, 'Keys', { env: ENV });
    const key = new kms.Key(keys, 'Key', { enableKeyRotation: true });
    const svc = new Stack(app, 'Svc', { env: ENV });
    ObservedDefaults.configure(app, { encryptionKey: key });
    new ObservedFunction(svc, 'Fn', MINIMAL);
    const [group] = logGroups(Template.fromStack(svc));
    expect(group.KmsKeyId).toEqual({ 'Fn::ImportValue': expect.stringMatching(/^Keys:/) });
  });

  test('a key of another region fails at synth, naming the key, both regions and the fix', () => {
    const app = new App();
    const keys = new Stack(app, 'Keys', { env: { ...ENV, region: 'eu-west-1' } });
    const svc = new Stack(app, 'Svc', { env: ENV, crossRegionReferences: true });
    ObservedDefaults.configure(app, { encryptionKey: new kms.Key(keys, 'Key', { enableKeyRotation: true }) });
    new ObservedFunction(svc, 'Fn', MINIMAL);
    expect(() => app.synth()).toThrow(/Svc\/Fn\/LogGroup.*ObservedDefaults encryptionKey Keys\/Key is in eu-west-1; CloudWatch Logs can encrypt this log group \(in us-east-1\) only with a key of its own region/s);
    expect(() => app.synth()).toThrow(/Svc\/ObservedAlarmsTopic.*SNS can encrypt the alarm topic \(in us-east-1\) only with a key of its own region/s);
  });

  test('a retention CloudWatch Logs does not allow fails with the scope, the prop, the value and the allowed values', () => {
    const stack = testStack();
    expect(() => ObservedDefaults.configure(stack, { logRetention: 42 as logs.RetentionDays }))
      .toThrow('ObservedDefaults.configure(TestStack): logRetention is 42 days; allowed are CloudWatch Logs\' values 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days, or RetentionDays.INFINITE.');
    expect(() => new ObservedFunction(stack, 'Fn', { ...MINIMAL, logRetention: 0 as logs.RetentionDays }))
      .toThrow(/^TestStack\/Fn: logRetention is 0 days; allowed are CloudWatch Logs' values/);
    expect(() => new ObservedHttpApi(stack, 'Http', { accessLogRetention: 2 as logs.RetentionDays }))
      .toThrow(/^TestStack\/Http: accessLogRetention is 2 days/);
    expect(() => new ObservedRestApi(stack, 'Rest', { accessLogRetention: 2 as logs.RetentionDays }))
      .toThrow(/^TestStack\/Rest: accessLogRetention is 2 days/);
  });

  test('an imported key fails clearly unless its policy is stated to grant the services; then nothing is added', () => {
    const stack = testStack();
    const imported = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(() => ObservedDefaults.configure(stack, { encryptionKey: imported }))
      .toThrow(/^ObservedDefaults\.configure\(TestStack\): encryptionKey is TestStack\/Imported \(arn:aws:kms:us-east-1:123456789012:key\/1234abcd-12ab-34cd-56ef-1234567890ab\), whose key policy cannot be changed in this app; .* set encryptionKeyPolicyGranted: true\.$/);
    ObservedDefaults.configure(stack, { encryptionKey: imported, encryptionKeyPolicyGranted: true });
    new ObservedFunction(stack, 'Fn', MINIMAL);
    const template = synth(stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
  });
});
