import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';

const ID = 'ObservedApiGatewayAccount';

/**
 * The role API Gateway writes execution logs with, set on the account (a setting per account and
 * region: AWS::ApiGateway::Account). Without it a stage with execution logging fails to deploy.
 *
 * One per stack, shared by every REST API of the stack that does not bring its own. Role and
 * setting are retained when the stack is deleted, so APIs of other stacks keep logging; every
 * stack that holds one sets the account to an equivalent role.
 */
export function apiGatewayAccount(scope: IConstruct): apigateway.CfnAccount {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(ID) as Construct | undefined;
  if (existing) return existing.node.defaultChild as apigateway.CfnAccount;

  const holder = new Construct(stack, ID);
  const role = new iam.Role(holder, 'CloudWatchRole', {
    assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    description: 'Lets API Gateway write the execution logs of REST API stages to CloudWatch Logs (cdk-observed)',
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
  });
  role.applyRemovalPolicy(RemovalPolicy.RETAIN);
  const account = new apigateway.CfnAccount(holder, 'Resource', { cloudWatchRoleArn: role.roleArn });
  account.applyRemovalPolicy(RemovalPolicy.RETAIN);
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason: 'The AWS managed policy made for this role: API Gateway creates the log groups of execution logs itself (API-Gateway-Execution-Logs_<api id>/<stage>), so their names are not known to scope a policy to.',
  });
  return account;
}
