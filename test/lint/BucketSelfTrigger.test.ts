import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { testStack } from '../helpers';
import { fn, lines, lint, twoStacks } from './lint';

const RULE = 'BucketSelfTrigger';

function setup(filter?: s3.NotificationKeyFilter, event = s3.EventType.OBJECT_CREATED) {
  const stack = testStack();
  const bucket = new s3.Bucket(stack, 'Uploads');
  const handler = fn(stack, 'Thumbnailer');
  if (filter) bucket.addEventNotification(event, new LambdaDestination(handler), filter);
  else bucket.addEventNotification(event, new LambdaDestination(handler));
  return { stack, bucket, handler };
}

describe('BucketSelfTrigger', () => {
  test('a function notified of every new object that may write the bucket is a warning (the evidence is a permission) naming filter, grant and fix', () => {
    const { stack, bucket, handler } = setup();
    bucket.grantReadWrite(handler);
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-BucketSelfTrigger TestStack/Thumbnailer/Resource']);
    expect(findings[0].message).toContain('The template shows the permission, not whether the code writes there');
    expect(findings[0].message).toContain('Function TestStack/Thumbnailer is invoked by bucket TestStack/Uploads for s3:ObjectCreated:* on every key (through TestStack/Uploads/Notifications)');
    expect(findings[0].message).toContain('s3:PutObject on <TestStack/Uploads.Arn>/*');
    expect(findings[0].message).toContain('Write outputs under a prefix the notification does not match');
  });

  test('disjoint prefixes are fine; overlapping ones are not', () => {
    const ok = setup({ prefix: 'in/' });
    ok.bucket.grantPut(ok.handler, 'out/*');
    expect(lint(ok.stack, RULE)).toEqual([]);

    const same = setup({ prefix: 'in/' });
    same.bucket.grantPut(same.handler, 'in/processed/*');
    expect(lint(same.stack, RULE)[0].message).toContain('on keys starting with "in/"');

    const broad = setup({ prefix: 'in/' });
    broad.bucket.grantPut(broad.handler, '*');
    expect(lint(broad.stack, RULE)).toHaveLength(1);
  });

  test('suffixes are compared too: writing .png under a .jpg notification is fine, writing anything is not', () => {
    const ok = setup({ suffix: '.jpg' });
    ok.bucket.grantPut(ok.handler, 'thumbs/*.png');
    expect(lint(ok.stack, RULE)).toEqual([]);

    const overlap = setup({ suffix: '.jpg' });
    overlap.bucket.grantPut(overlap.handler, 'thumbs/*');
    expect(lint(overlap.stack, RULE)[0].message).toContain('ending with ".jpg"');
  });

  test('removal notifications loop through deletes, not puts', () => {
    const puts = setup(undefined, s3.EventType.OBJECT_REMOVED);
    puts.bucket.grantPut(puts.handler);
    expect(lint(puts.stack, RULE)).toEqual([]);

    const deletes = setup(undefined, s3.EventType.OBJECT_REMOVED);
    deletes.bucket.grantDelete(deletes.handler);
    expect(lint(deletes.stack, RULE)[0].message).toContain('s3:DeleteObject on');
  });

  test('a wildcard grant and a literal object ARN count', () => {
    const wild = setup();
    wild.handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    expect(lint(wild.stack, RULE)).toHaveLength(1);

    const stack = testStack();
    const bucket = new s3.Bucket(stack, 'Uploads', { bucketName: 'my-uploads' });
    const handler = fn(stack, 'Thumbnailer');
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED_PUT, new LambdaDestination(handler), { prefix: 'in/' });
    handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::my-uploads/in/*'] }));
    expect(lint(stack, RULE)[0].message).toContain('s3:PutObject on arn:aws:s3:::my-uploads/in/*');
  });

  test('across stacks: the bucket and its notification in one stack, the function in another', () => {
    const { app, a, b } = twoStacks();
    const handler = fn(a, 'Thumbnailer');
    const bucket = new s3.Bucket(b, 'Uploads');
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new LambdaDestination(handler));
    bucket.grantPut(handler);
    expect(lines(lint(app, RULE))).toEqual(['warning ServerlessOps-BucketSelfTrigger A/Thumbnailer/Resource']);
  });

  test('L1s: the bucket\'s own NotificationConfiguration', () => {
    const stack = testStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const f = new lambda.CfnFunction(stack, 'Fn', { code: { zipFile: 'x' }, role: role.roleArn, runtime: 'nodejs22.x', handler: 'index.handler' });
    const bucket = new s3.CfnBucket(stack, 'Bucket', {
      notificationConfiguration: { lambdaConfigurations: [{ event: 's3:ObjectCreated:*', function: f.attrArn, filter: { s3Key: { rules: [{ name: 'prefix', value: 'in/' }] } } }] },
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [`${bucket.attrArn}/in/*`] }));
    expect(lines(lint(stack, RULE))).toEqual(['warning ServerlessOps-BucketSelfTrigger TestStack/Fn']);
  });

  test('one finding per function and bucket, listing the notifications the grant reaches', () => {
    const { stack, bucket, handler } = setup({ suffix: '.pdf' });
    bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new LambdaDestination(handler), { suffix: '.png' });
    bucket.addEventNotification(s3.EventType.OBJECT_REMOVED, new LambdaDestination(handler), { suffix: '.jpg' });
    bucket.grantReadWrite(handler);
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-BucketSelfTrigger TestStack/Thumbnailer/Resource']);
    expect(findings[0].message).toContain('for s3:ObjectCreated:*, s3:ObjectRemoved:* on keys ending with ".pdf", keys ending with ".png" and keys ending with ".jpg"');
  });

  test('the notifications handler aws-cdk-lib adds is not the user\'s function and is never reported', () => {
    const { stack, bucket, handler } = setup();
    bucket.grantReadWrite(handler);
    expect(lint(stack).filter(f => f.path.includes('BucketNotificationsHandler'))).toEqual([]);
  });
});
