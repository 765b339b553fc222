import { Lazy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { checkRetention, keyOfSameRegion, nearestDefaults } from './observed-defaults';

/**
 * A log group the library creates. Its retention is the construct's own prop when given, else the
 * nearest `ObservedDefaults.logRetention`, else the construct's default; its KMS key is the
 * nearest `ObservedDefaults.encryptionKey`. Both are read when the app is synthesized, so
 * `ObservedDefaults.configure` may be called before or after the construct is created.
 *
 * @param prop the construct's retention prop, for the error message
 */
export function createLogGroup(scope: Construct, id: string, retention: logs.RetentionDays | undefined,
  prop: { owner: Construct | string; name: string; fallback: logs.RetentionDays }): logs.LogGroup {
  checkRetention(prop.owner, prop.name, retention);
  const logGroup = new logs.LogGroup(scope, id, { retention: retention ?? prop.fallback });
  const cfn = logGroup.node.defaultChild as logs.CfnLogGroup;
  if (retention === undefined) {
    cfn.retentionInDays = Lazy.number({
      produce: () => {
        const days = nearestDefaults(logGroup)?.logRetention ?? prop.fallback;
        return days === logs.RetentionDays.INFINITE ? undefined : days;
      },
    });
  }
  cfn.kmsKeyId = Lazy.string({ produce: () => nearestDefaults(logGroup)?.encryptionKey?.keyArn });
  keyOfSameRegion(logGroup, 'CloudWatch Logs can encrypt this log group');
  return logGroup;
}
