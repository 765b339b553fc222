import { CfnResource } from 'aws-cdk-lib';
import { relation } from '../app-index';
import { T } from '../resource-types';
import { asArray, member, partsIn, prop, readJson } from '../values';
import { functionOfParts } from './functions';
import { targetOf } from './names';

/** An S3 event notification to a function. */
export interface BucketNotification {
  readonly bucket: CfnResource;
  readonly events: readonly string[];
  /** The key prefix filter ('' for none); undefined when it is not known at synth. */
  readonly prefix: string | undefined;
  /** The key suffix filter ('' for none); undefined when it is not known at synth. */
  readonly suffix: string | undefined;
  /** The resource that configures it (the bucket, or CDK's notifications custom resource). */
  readonly via: CfnResource;
}

/** The S3 event notifications that invoke a function. */
export const bucketNotificationsOf = relation<BucketNotification>((index, add) => {
  // aws-cdk-lib's bucket.addEventNotification(): a custom resource with the S3 API's shape
  for (const res of index.ofType(T.bucketNotifications)) {
    const bucket = targetOf(index, res, prop(res, 'BucketName'), T.bucket, /^(.+)$/);
    const config = readJson(res, prop(res, 'NotificationConfiguration'));
    if (!bucket) continue;
    for (const c of asArray(member(config, 'LambdaFunctionConfigurations'))) {
      const rules = asArray(member(member(member(c, 'Filter'), 'Key'), 'FilterRules'));
      add(functionOfParts(index, partsIn(member(c, 'LambdaFunctionArn'))), {
        bucket,
        via: res,
        events: asArray(member(c, 'Events')).filter(isString),
        prefix: filterValue(rules, 'prefix'),
        suffix: filterValue(rules, 'suffix'),
      });
    }
  }
  // CloudFormation's own NotificationConfiguration on the bucket (L1s)
  for (const bucket of index.ofType(T.bucket)) {
    const configs = readJson(bucket, prop(bucket, 'NotificationConfiguration', 'LambdaConfigurations'));
    for (const c of asArray(configs)) {
      const rules = asArray(member(member(member(c, 'Filter'), 'S3Key'), 'Rules'));
      const event = member(c, 'Event');
      add(functionOfParts(index, partsIn(member(c, 'Function'))), {
        bucket,
        via: bucket,
        events: isString(event) ? [event] : [],
        prefix: filterValue(rules, 'prefix'),
        suffix: filterValue(rules, 'suffix'),
      });
    }
  }
});

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

/** A prefix or suffix filter: '' when there is none, undefined when it is not a literal. */
function filterValue(rules: unknown[], name: string): string | undefined {
  const rule = rules.find(r => typeof member(r, 'Name') === 'string' && (member(r, 'Name') as string).toLowerCase() === name);
  if (rule === undefined) return '';
  const v = member(rule, 'Value');
  return typeof v === 'string' ? v : undefined;
}
