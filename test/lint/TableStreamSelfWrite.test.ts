import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { testStack } from '../helpers';
import { fn, lines, lint, twoStacks } from './lint';

const RULE = 'TableStreamSelfWrite';
const KEY = { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } };
const SOURCE = { startingPosition: lambda.StartingPosition.LATEST };

describe('TableStreamSelfWrite', () => {
  test('a stream consumer allowed to write its table, without filter criteria, is a warning on the mapping (the evidence is a permission)', () => {
    const stack = testStack();
    const table = new dynamodb.Table(stack, 'Orders', { ...KEY, stream: dynamodb.StreamViewType.NEW_IMAGE });
    const projector = fn(stack, 'Projector');
    projector.addEventSource(new DynamoEventSource(table, SOURCE));
    table.grantWriteData(projector);
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual([expect.stringMatching(/^warning ServerlessOps-TableStreamSelfWrite TestStack\/Projector\/DynamoDBEventSource:TestStackOrders[0-9A-F]+\/Resource$/)]);
    expect(findings[0].message).toContain('Function TestStack/Projector consumes the stream of table TestStack/Orders');
    expect(findings[0].message).toContain('dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:DeleteItem and dynamodb:BatchWriteItem');
    expect(findings[0].message).toContain('does not cover for DynamoDB streams');
    expect(findings[0].message).toContain('Add filter criteria that drop the function\'s own writes');
  });

  test('filter criteria, read-only access or another table are fine', () => {
    const stack = testStack();
    const table = new dynamodb.Table(stack, 'Orders', { ...KEY, stream: dynamodb.StreamViewType.NEW_IMAGE });
    const filtered = fn(stack, 'Filtered');
    filtered.addEventSource(new DynamoEventSource(table, {
      ...SOURCE, filters: [lambda.FilterCriteria.filter({ dynamodb: { NewImage: { writer: { S: lambda.FilterRule.notEquals('projector') } } } })],
    }));
    table.grantWriteData(filtered);
    const reader = fn(stack, 'Reader');
    reader.addEventSource(new DynamoEventSource(table, SOURCE));
    table.grantReadData(reader);
    const elsewhere = fn(stack, 'Elsewhere');
    elsewhere.addEventSource(new DynamoEventSource(table, SOURCE));
    new dynamodb.Table(stack, 'Projection', KEY).grantWriteData(elsewhere);
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('TableV2 (AWS::DynamoDB::GlobalTable) streams too', () => {
    const stack = testStack();
    const table = new dynamodb.TableV2(stack, 'Orders', { ...KEY, dynamoStream: dynamodb.StreamViewType.NEW_IMAGE });
    const projector = fn(stack, 'Projector');
    projector.addEventSource(new DynamoEventSource(table, SOURCE));
    table.grantWriteData(projector);
    expect(lint(stack, RULE)).toHaveLength(1);
  });

  test('a wildcard write grant covers the table', () => {
    const stack = testStack();
    const table = new dynamodb.Table(stack, 'Orders', { ...KEY, stream: dynamodb.StreamViewType.NEW_IMAGE });
    const projector = fn(stack, 'Projector');
    projector.addEventSource(new DynamoEventSource(table, SOURCE));
    projector.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }));
    expect(lint(stack, RULE)[0].message).toContain('dynamodb:PutItem on *');
  });

  test('across stacks: the table in one stack, the consumer in another', () => {
    const { app, a, b } = twoStacks();
    const table = new dynamodb.Table(a, 'Orders', { ...KEY, stream: dynamodb.StreamViewType.NEW_IMAGE });
    const projector = fn(b, 'Projector');
    projector.addEventSource(new DynamoEventSource(table, SOURCE));
    table.grantWriteData(projector);
    expect(lint(app, RULE).map(f => f.path)).toEqual([expect.stringMatching(/^B\/Projector\/DynamoDBEventSource:/)]);
  });

  test('L1s: a mapping on the table\'s StreamArn and an inline role policy on its Arn', () => {
    const stack = testStack();
    const table = new dynamodb.CfnTable(stack, 'Orders', {
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
      billingMode: 'PAY_PER_REQUEST',
      streamSpecification: { streamViewType: 'NEW_IMAGE' },
    });
    const role = new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      policies: [{ policyName: 'write', policyDocument: { Statement: [{ Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: table.attrArn }] } }],
    });
    const f = new lambda.CfnFunction(stack, 'Fn', { code: { zipFile: 'x' }, role: role.attrArn, runtime: 'nodejs22.x', handler: 'index.handler' });
    new lambda.CfnEventSourceMapping(stack, 'Map', { eventSourceArn: table.attrStreamArn, functionName: f.ref, startingPosition: 'LATEST' });
    expect(lines(lint(stack, RULE))).toEqual(['warning ServerlessOps-TableStreamSelfWrite TestStack/Map']);
  });
});
