import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BucketConsumerOptions, ObservedFunction } from '../../src';
import { MINIMAL, synth, testStack } from '../helpers';
import { nagFindings } from '../nag';

function consume(options: BucketConsumerOptions) {
  const stack = testStack();
  const bucket = new s3.Bucket(stack, 'Images', { enforceSSL: true, serverAccessLogsPrefix: 'access-logs/' });
  const fn = new ObservedFunction(stack, 'Thumbnailer', MINIMAL);
  fn.consumeBucket(bucket, options);
  return { stack, bucket, fn };
}

describe('fn.consumeBucket with separate input and output prefixes', () => {
  const { stack } = consume({ inputPrefix: 'uploads/', outputPrefix: 'thumbnails/', suffix: '.jpg' });
  const template = synth(stack);

  test('the notification filters on the input prefix and suffix', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [{
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'suffix', Value: '.jpg' }, { Name: 'prefix', Value: 'uploads/' }] } },
          LambdaFunctionArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Thumbnailer'), 'Arn'] },
        }],
      },
    });
  });

  test('write access only under the output prefix, read access under the input prefix', () => {
    const policy = Object.values(template.findResources('AWS::IAM::Policy'))
      .find(p => JSON.stringify(p.Properties.Roles).includes('ThumbnailerServiceRole'))!;
    const statements: any[] = policy.Properties.PolicyDocument.Statement;
    const put = statements.find(s => [s.Action].flat().includes('s3:PutObject'));
    expect(put.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Images/), 'Arn'] }, '/thumbnails/*']] });
    const read = statements.find(s => [s.Action].flat().includes('s3:GetObject'));
    expect(read.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Images/), 'Arn'] }, '/uploads/*']] });
    const writesElsewhere = statements.filter(s => [s.Action].flat().some((a: string) => /^s3:(Put|Delete)/.test(a)))
      .flatMap(s => [s.Resource].flat()).filter(r => !JSON.stringify(r).includes('/thumbnails/*'));
    expect(writesElsewhere).toEqual([]);
  });

  test('cdk-nag 3 AwsSolutions and Serverless: no finding (aws-cdk-lib\'s notification handler acknowledged)', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('overlapping key spaces are a synth error naming both', () => {
  test.each<[string, BucketConsumerOptions, string]>([
    ['output inside input', { inputPrefix: 'data/', outputPrefix: 'data/out/' },
      "TestStack/Thumbnailer: consumeBucket(TestStack/Images) outputPrefix is 'data/out/'; it overlaps inputPrefix 'data/' (one is a prefix of the other). Objects the function writes would trigger it again."],
    ['input inside output', { inputPrefix: 'out/in/', outputPrefix: 'out/' },
      "TestStack/Thumbnailer: consumeBucket(TestStack/Images) outputPrefix is 'out/'; it overlaps inputPrefix 'out/in/' (one is a prefix of the other)."],
    ['the same prefix', { inputPrefix: 'x/', outputPrefix: 'x/' }, "outputPrefix is 'x/'; it overlaps inputPrefix 'x/'"],
    ['writing without an input prefix', { outputPrefix: 'processed/' },
      "TestStack/Thumbnailer: consumeBucket(TestStack/Images) inputPrefix is not set; it is required while the function writes to the bucket (outputPrefix 'processed/')."],
  ])('%s', (_name, options, message) => {
    expect(() => consume(options)).toThrow(message);
  });

  test('prefixes that only share a start are not an overlap', () => {
    expect(() => consume({ inputPrefix: 'in/', outputPrefix: 'index/' })).not.toThrow();
  });

  test('read-only consumers need no input prefix and get no write access', () => {
    const { stack } = consume({});
    const policies = JSON.stringify(synth(stack).findResources('AWS::IAM::Policy'));
    expect(policies).not.toContain('s3:PutObject');
  });
});
