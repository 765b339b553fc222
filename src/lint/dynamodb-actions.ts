/**
 * The DynamoDB item actions the rules look for in IAM statements (the data plane; control-plane
 * and stream actions left out).
 */

/** The actions that write an item: each puts a record on the table's stream and consumes write capacity. */
export const DYNAMODB_WRITE_ACTIONS: readonly string[] = [
  'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete',
];

/** The actions that read items and consume read capacity. */
export const DYNAMODB_READ_ACTIONS: readonly string[] = [
  'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:PartiQLSelect',
];
