import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { ObservedErrorCode } from './error-codes';
import { codedError, invalidProp, problemText } from './errors';
import { nearestState, setState, stateOf } from './tree-state';

/** Options of `ObservedDefaults.configure`: what depends on the organization, not on the construct. */
export interface ObservedDefaultsOptions {
  /**
   * How long every log group the library creates under the scope keeps its logs: functions' logs,
   * API access logs, the monitors' logs. A construct's own retention prop (`logRetention`,
   * `accessLogRetention`) still wins. One of CloudWatch Logs' allowed values (AWS Control Tower's
   * CT.CLOUDWATCH.PR.2 asks for at least `ONE_YEAR`, or `INFINITE`).
   *
   * @default - each construct's own default (1 month for functions and access logs, 1 year for the code storage monitor)
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The KMS key that encrypts every log group the library creates under the scope (AWS Control
   * Tower's CT.CLOUDWATCH.PR.3), and the alarm topic the library creates when no topic is given
   * (`AlarmNotifications`). It must be a symmetric key in the region of the log groups.
   *
   * A key defined in this app (`kms.Key`) gets the key policy statements the services need:
   * CloudWatch Logs (`logs.<region>.amazonaws.com`, for log groups of this account and region
   * only, by the `kms:EncryptionContext:aws:logs:arn` condition) and, for the alarm topic,
   * CloudWatch alarms (`cloudwatch.amazonaws.com`, for this account only). The policy of an
   * imported key cannot be changed here: see `encryptionKeyPolicyGranted`.
   *
   * @default - log groups encrypted by CloudWatch Logs' own keys; the alarm topic not encrypted
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * State that the policy of an imported `encryptionKey` already lets CloudWatch Logs and
   * CloudWatch alarms use it (the statements described at `encryptionKey`). Without it, an
   * imported key fails `ObservedDefaults.configure`: CloudWatch Logs would refuse to create the log
   * groups during the deployment.
   *
   * @default false
   */
  readonly encryptionKeyPolicyGranted?: boolean;
}

/** CloudWatch Logs' allowed retention values, in days (`RetentionDays.INFINITE` keeps logs forever). */
const ALLOWED_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const DEFAULTS = 'ObservedDefaults';
const GRANTED = 'ObservedDefaults.granted';

/**
 * The one place where an app or a stack gives what its organization decides for everything the
 * library creates: how long logs are kept, and the KMS key that encrypts them. Call it once for
 * an app or a stack, before or after the constructs are created; the nearest configured scope
 * wins.
 */
export class ObservedDefaults {
  /** CloudWatch Logs' allowed retention values, in days. */
  public static readonly ALLOWED_RETENTION_DAYS: number[] = [...ALLOWED_RETENTION_DAYS];

  /**
   * Set the organization's defaults for what the library creates under `scope`.
   */
  public static configure(scope: IConstruct, options: ObservedDefaultsOptions): void {
    const where = `ObservedDefaults.configure(${scope.node.path || 'app'})`;
    checkRetention(where, 'logRetention', options.logRetention);
    const key = options.encryptionKey;
    if (key && !options.encryptionKeyPolicyGranted) {
      const added = grantToLogs(key);
      if (!added) {
        throw codedError(ObservedErrorCode.MISSING_PROP, `${where}: encryptionKey is ${key.node.path} (${Token.isUnresolved(key.keyArn) ? 'an imported key' : key.keyArn}), whose key policy cannot be changed in this app; `
          + 'CloudWatch Logs must be allowed to use it or the log groups fail to deploy. Add to the key\'s policy, where the key is defined, a statement allowing the service principal '
          + 'logs.<region>.amazonaws.com kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey* and kms:Describe* on condition ArnLike kms:EncryptionContext:aws:logs:arn '
          + 'arn:aws:logs:<region>:<account>:log-group:*, and one allowing cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (for the alarm topic); then set encryptionKeyPolicyGranted: true.', scope);
      }
    }
    setState<ObservedDefaultsOptions>(scope, DEFAULTS, { ...options });
  }

  private constructor() {}
}

/** The options of the nearest configured scope, if any. */
export function nearestDefaults(construct: IConstruct): ObservedDefaultsOptions | undefined {
  return nearestState<ObservedDefaultsOptions>(construct, DEFAULTS);
}

/** Fails with the construct path, the prop and the allowed values when a retention is not one of CloudWatch Logs'. */
export function checkRetention(where: IConstruct | string, prop: string, retention: logs.RetentionDays | undefined): void {
  if (retention === undefined || Token.isUnresolved(retention) || retention === logs.RetentionDays.INFINITE) return;
  if (!ALLOWED_RETENTION_DAYS.includes(retention)) {
    invalidProp(ObservedErrorCode.UNSUPPORTED_VALUE, where, prop, `${retention} days`, `allowed are CloudWatch Logs' values ${ALLOWED_RETENTION_DAYS.join(', ')} days, or RetentionDays.INFINITE`);
  }
}

/**
 * Fails the synth when the nearest `ObservedDefaults` key is of another region than `resource`
 * (CloudWatch Logs and SNS use keys of their own region only).
 */
export function keyOfSameRegion(resource: IConstruct, what: string): void {
  resource.node.addValidation({
    validate: () => {
      const key = nearestDefaults(resource)?.encryptionKey;
      const keyRegion = key?.env.region;
      const region = Stack.of(resource).region;
      if (!key || keyRegion === undefined || Token.isUnresolved(keyRegion) || Token.isUnresolved(region) || keyRegion === region) return [];
      return [problemText(ObservedErrorCode.CROSS_ENVIRONMENT,
        `ObservedDefaults encryptionKey ${key.node.path} is in ${keyRegion}; ${what} (in ${region}) only with a key of its own region. Configure a key of ${region} for this stack.`)];
    },
  });
}

/**
 * Lets CloudWatch alarms use the key of the alarm topic (SNS asks the publisher for
 * kms:GenerateDataKey and kms:Decrypt), once per key. False when the key's policy cannot be
 * changed here (an imported key: `encryptionKeyPolicyGranted` states it is done).
 */
export function grantToAlarms(key: kms.IKey): boolean {
  return grantOnce(key, 'alarms', () => {
    const stack = Stack.of(key);
    return new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    });
  });
}

/** Lets CloudWatch Logs use the key for the log groups of the key's account and region, once per key. */
function grantToLogs(key: kms.IKey): boolean {
  return grantOnce(key, 'logs', () => {
    const stack = Stack.of(key);
    return new iam.PolicyStatement({
      sid: 'CloudWatchLogsEncryptLogGroups',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        },
      },
    });
  });
}

function grantOnce(key: kms.IKey, what: string, statement: () => iam.PolicyStatement): boolean {
  const granted = stateOf<Set<string>>(key, GRANTED, () => new Set<string>());
  if (granted.has(what)) return true;
  const { statementAdded } = key.addToResourcePolicy(statement(), true);
  if (statementAdded) granted.add(what);
  return statementAdded;
}
