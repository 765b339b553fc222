import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ObservedTable } from '../../src';
import { testStack } from '../helpers';
import { fn, lines, lint } from './lint';

const RULE = 'FixedTableCapacity';
const KEY = { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } };
const SCALED = dynamodb.Capacity.autoscaled({ maxCapacity: 50 });

/** A queue consumer allowed to write `table`: its rate follows the queue's traffic. */
function writer(stack: ReturnType<typeof testStack>, table: dynamodb.ITable, id = 'Writer') {
  const worker = fn(stack, id, 10);
  worker.addEventSource(new SqsEventSource(new sqs.Queue(stack, `${id}Jobs`, { visibilityTimeout: Duration.seconds(60) })));
  table.grantWriteData(worker);
  return worker;
}

describe('FixedTableCapacity', () => {
  test('aws-cdk-lib\'s default Table (provisioned, 5 and 5) written by a queue consumer is a warning on the table naming capacities, writer and fixes', () => {
    const stack = testStack();
    writer(stack, new dynamodb.Table(stack, 'Orders', KEY));
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-FixedTableCapacity TestStack/Orders/Resource']);
    expect(findings[0].message).toContain('Table TestStack/Orders is provisioned with fixed capacity (read 5 RCU and write 5 WCU) and no auto scaling, '
      + 'and function TestStack/Writer (invoked by an event source) may read or write it at the rate of their traffic.');
    expect(findings[0].message).toContain('billingMode: PAY_PER_REQUEST');
    expect(findings[0].message).toContain('autoScaleReadCapacity / autoScaleWriteCapacity');
  });

  test('a table only a scheduled function uses is not judged (its rate is fixed); an event-pattern rule\'s target or an API Gateway role is', () => {
    const scheduled = testStack();
    const table = new dynamodb.Table(scheduled, 'Requests', KEY);
    const job = fn(scheduled, 'Job', 10);
    table.grantWriteData(job);
    new events.Rule(scheduled, 'Every2Minutes', { schedule: events.Schedule.expression('rate(2 minutes)') }).addTarget(new targets.LambdaFunction(job));
    expect(lint(scheduled, RULE)).toEqual([]);

    const driven = testStack();
    const loaded = new dynamodb.Table(driven, 'Loaded', KEY);
    const load = fn(driven, 'Load', 10);
    loaded.grantWriteData(load);
    new events.Rule(driven, 'OnTransformed', { eventPattern: { source: ['etl'] } }).addTarget(new targets.LambdaFunction(load));
    const putItem = new iam.Role(driven, 'ApiRole', { assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com') });
    loaded.grantWriteData(putItem);
    const [finding] = lint(driven, RULE);
    expect(finding.message).toContain('function TestStack/Load (invoked by EventBridge events) and API Gateway (role TestStack/ApiRole)');
  });

  test('on-demand is fine; so is provisioned capacity that auto scaling scales, read and write', () => {
    const stack = testStack();
    writer(stack, new dynamodb.Table(stack, 'OnDemand', { ...KEY, billingMode: dynamodb.BillingMode.PAY_PER_REQUEST }), 'A');
    const scaled = new dynamodb.Table(stack, 'Scaled', KEY);
    scaled.autoScaleReadCapacity({ minCapacity: 5, maxCapacity: 100 }).scaleOnUtilization({ targetUtilizationPercent: 70 });
    scaled.autoScaleWriteCapacity({ minCapacity: 5, maxCapacity: 100 }).scaleOnUtilization({ targetUtilizationPercent: 70 });
    writer(stack, scaled, 'B');
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('only the capacities without auto scaling are named, a global secondary index\'s included', () => {
    const stack = testStack();
    const table = new dynamodb.Table(stack, 'Orders', { ...KEY, readCapacity: 20, writeCapacity: 10 });
    table.autoScaleReadCapacity({ minCapacity: 20, maxCapacity: 200 }).scaleOnUtilization({ targetUtilizationPercent: 70 });
    table.addGlobalSecondaryIndex({ indexName: 'byCustomer', partitionKey: { name: 'customer', type: dynamodb.AttributeType.STRING }, readCapacity: 3, writeCapacity: 4 });
    table.autoScaleGlobalSecondaryIndexWriteCapacity('byCustomer', { minCapacity: 4, maxCapacity: 40 }).scaleOnUtilization({ targetUtilizationPercent: 70 });
    writer(stack, table);
    const findings = lint(stack, RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('(write 10 WCU and index byCustomer read 3 RCU)');
  });

  test('an ObservedTable (a global table: writes always scale) with fixed read capacity is reported, index included; token capacities are not judged', () => {
    const stack = testStack();
    const fixed = new ObservedTable(stack, 'Fixed', {
      ...KEY,
      billing: dynamodb.Billing.provisioned({ readCapacity: dynamodb.Capacity.fixed(5), writeCapacity: SCALED }),
      globalSecondaryIndexes: [{
        indexName: 'byCustomer',
        partitionKey: { name: 'customer', type: dynamodb.AttributeType.STRING },
        readCapacity: dynamodb.Capacity.fixed(3),
      }],
    });
    writer(stack, fixed, 'A');
    const autoscaled = new ObservedTable(stack, 'Autoscaled', {
      ...KEY,
      billing: dynamodb.Billing.provisioned({ readCapacity: SCALED, writeCapacity: SCALED }),
    });
    writer(stack, autoscaled, 'B');
    const units = new CfnParameter(stack, 'Units', { type: 'Number' });
    writer(stack, new dynamodb.Table(stack, 'FromParameter', { ...KEY, readCapacity: units.valueAsNumber, writeCapacity: units.valueAsNumber }), 'C');
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-FixedTableCapacity TestStack/Fixed/Resource']);
    expect(findings[0].message).toContain('(read 5 RCU and index byCustomer read 3 RCU)');
  });
});
