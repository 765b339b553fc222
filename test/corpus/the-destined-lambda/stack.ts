import { App, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { EventBridgeDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as sns from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { serviceIntegrationApi } from '../service-integration';
import { stubCode } from '../stub';

/** A topic invokes a function asynchronously; its success and failure destinations are an event bus with two rules. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'TheDestinedLambdaStack');
  const bus = new events.EventBus(stack, 'DestinedEventBus', { eventBusName: 'the-destined-lambda' });
  const topic = new sns.Topic(stack, 'theDestinedLambdaTopic', { displayName: 'The Destined Lambda CDK Pattern Topic' });
  const destined = new lambda.Function(stack, 'destinedLambda', {
    runtime: lambda.Runtime.NODEJS_12_X,
    code: stubCode(),
    handler: 'destinedLambda.handler',
    retryAttempts: 0,
    onSuccess: new EventBridgeDestination(bus),
    onFailure: new EventBridgeDestination(bus),
  });
  topic.addSubscription(new LambdaSubscription(destined));

  const success = new lambda.Function(stack, 'SuccessLambdaHandler', { runtime: lambda.Runtime.NODEJS_12_X, code: stubCode(), handler: 'success.handler', timeout: Duration.seconds(3) });
  new events.Rule(stack, 'successRule', {
    eventBus: bus,
    description: 'all success events are caught here and logged centrally',
    eventPattern: { detail: { requestContext: { condition: ['Success'] }, responsePayload: { source: ['cdkpatterns.the-destined-lambda'], action: ['message'] } } },
  }).addTarget(new targets.LambdaFunction(success));
  const failure = new lambda.Function(stack, 'FailureLambdaHandler', { runtime: lambda.Runtime.NODEJS_12_X, code: stubCode(), handler: 'failure.handler', timeout: Duration.seconds(3) });
  new events.Rule(stack, 'failureRule', {
    eventBus: bus,
    description: 'all failure events are caught here and logged centrally',
    eventPattern: { detail: { responsePayload: { errorType: ['Error'] } } },
  }).addTarget(new targets.LambdaFunction(failure));

  const role = new iam.Role(stack, 'ApiGatewaySnsRole', { assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com') });
  topic.grantPublish(role);
  serviceIntegrationApi(stack, 'theDestinedLambdaAPI', {
    resource: 'SendEvent',
    method: 'GET',
    uri: 'arn:aws:apigateway:us-east-1:sns:path//',
    role,
    formEncoded: true,
    errorPattern: '^[Error].*',
    requestTemplate: `Action=Publish&TargetArn=$util.urlEncode('${topic.topicArn}')&Message=please $input.params().querystring.get('mode')&Version=2010-03-31`,
  });
}
