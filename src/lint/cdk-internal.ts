import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Resources that aws-cdk-lib adds on its own are not the user's mistakes: the handler functions
 * of its custom resources (S3 bucket notifications, log retention, `AwsCustomResource`, the
 * custom-resources `Provider` framework, core `CustomResourceProvider`s such as auto-delete-objects,
 * bucket deployments) and everything under them (their roles and policies).
 *
 * They are recognised by the construct ids aws-cdk-lib gives them (stable across versions: they
 * are part of the logical IDs of deployed stacks, so changing them would replace resources) and
 * by the `aws:cdk:is-custom-resource-handler-*` metadata newer handlers carry.
 */
const CDK_INTERNAL_IDS: readonly RegExp[] = [
  /^LogRetention[0-9a-f]{32}$/, // aws-logs LogRetention (fn.logRetention)
  /^BucketNotificationsHandler[0-9a-f]{32}$/, // aws-s3 bucket notifications
  /^AWS679f53fac002430cb0da5b7982bd2287$/, // custom-resources AwsCustomResource singleton
  /^CustomCDKBucketDeployment[0-9a-fA-F]{32}$/, // aws-s3-deployment BucketDeployment singleton
  /CustomResourceProvider$/, // core CustomResourceProvider (auto-delete objects/images, triggers, cross-region refs, ...)
  /^framework-(onEvent|isComplete|onTimeout)$/, // custom-resources Provider framework
  /^@aws-cdk\//, // nested stacks of aws-cdk-lib providers (EKS kubectl, DynamoDB replicas)
];

const HANDLER_METADATA = 'aws:cdk:is-custom-resource-handler-';

/** Whether a resource (or one of its scopes) was added by aws-cdk-lib on its own. */
export function isCdkInternal(node: CfnResource): boolean {
  for (let scope: IConstruct | undefined = node; scope; scope = scope.node.scope) {
    if (CDK_INTERNAL_IDS.some(re => re.test(scope!.node.id))) return true;
    if (scope.node.metadata.some(m => m.type.startsWith(HANDLER_METADATA))) return true;
  }
  return false;
}
