import { RemovalPolicy } from 'aws-cdk-lib';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { TABLE_ALARMS, tableAlarmApplies } from './table-alarm-catalog';
import { TableAlarmOptions } from './table-alarm-options';
import { buildAlarms } from '../alarms/alarm-builder';
import { brand, hasBrand } from '../core/tree-state';

/**
 * Props of an ObservedTable: every prop of `dynamodb.TableV2`, with safer defaults, plus the
 * alarm settings.
 *
 * Defaults that differ from `TableV2`: point-in-time recovery on, deletion protection on,
 * encryption with the AWS managed key (`aws/dynamodb`, visible in CloudTrail) instead of an AWS
 * owned key. Like TableV2: on-demand billing and RETAIN on stack deletion.
 */
export interface ObservedTableProps extends dynamodb.TablePropsV2 {
  /**
   * Changes to the default alarms: switch one off, or give it another threshold.
   *
   * @default - every default alarm, with the catalog thresholds
   */
  readonly alarms?: TableAlarmOptions;

  /**
   * Where this table's alarms notify (on ALARM and on OK).
   *
   * @default - chosen by `AlarmNotifications`: the paging or the non-paging topic of the nearest enclosing scope, else the stack's default topic
   */
  readonly alarmTopic?: ITopic;
}

/**
 * A `dynamodb.TableV2` with safe defaults and throttling, error and capacity alarms attached.
 *
 * TableV2 rather than Table: it is the table construct aws-cdk-lib recommends for new tables,
 * its billing and replica settings are one consistent API, and a table can gain replicas later
 * without being replaced.
 */
export class ObservedTable extends dynamodb.TableV2 {
  /**
   * Whether `x` is an ObservedTable, made by any copy of this library loaded in the app (`instanceof`
   * fails across copies).
   */
  public static isObservedTable(x: any): x is ObservedTable {
    return hasBrand(x, 'ObservedTable');
  }

  /** The alarms this table created. */
  public readonly alarms: Alarm[];

  constructor(scope: Construct, id: string, props: ObservedTableProps) {
    const { alarms, alarmTopic, ...tableProps } = props;
    super(scope, id, {
      ...tableProps,
      pointInTimeRecoverySpecification: props.pointInTimeRecoverySpecification
        ?? (props.pointInTimeRecovery === undefined ? { pointInTimeRecoveryEnabled: true } : undefined),
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      encryption: props.encryption ?? dynamodb.TableEncryptionV2.awsManagedKey(),
    });
    brand(this, 'ObservedTable');
    const provisioned = props.billing?.mode === dynamodb.BillingMode.PROVISIONED;
    this.alarms = buildAlarms(TABLE_ALARMS, {
      owner: this,
      dimensions: { TableName: this.tableName },
      options: alarms,
      optionsProp: 'alarms',
      topic: alarmTopic,
      applies: key => tableAlarmApplies(key, provisioned),
    });
  }
}
