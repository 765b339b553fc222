import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { serviceIntegrationApi } from '../service-integration';
import { stubCode } from '../stub';

/** API Gateway publishes to a topic; two filtered queues fan out to one function each. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'TheBigFanStack');
  const topic = new sns.Topic(stack, 'theBigFanTopic', { displayName: 'The Big Fan CDK Pattern Topic' });
  const subscriber = (queueId: string, fnId: string, handler: string, filter: sns.SubscriptionFilter) => {
    const queue = new sqs.Queue(stack, queueId, { visibilityTimeout: Duration.seconds(300), queueName: queueId });
    topic.addSubscription(new SqsSubscription(queue, { rawMessageDelivery: true, filterPolicy: { status: filter } }));
    const fn = new lambda.Function(stack, fnId, { runtime: lambda.Runtime.NODEJS_12_X, code: stubCode(), handler });
    queue.grantConsumeMessages(fn);
    fn.addEventSource(new SqsEventSource(queue, {}));
  };
  subscriber('BigFanTopicStatusCreatedSubscriberQueue', 'SQSCreatedStatusSubscribeLambdaHandler', 'createdStatus.handler',
    sns.SubscriptionFilter.stringFilter({ allowlist: ['created'] }));
  subscriber('BigFanTopicAnyOtherStatusSubscriberQueue', 'SQSAnyOtherStatusSubscribeLambdaHandler', 'anyOtherStatus.handler',
    sns.SubscriptionFilter.stringFilter({ denylist: ['created'] }));

  const role = new iam.Role(stack, 'DefaultLambdaHanderRole', { assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com') });
  topic.grantPublish(role);
  serviceIntegrationApi(stack, 'theBigFanAPI', {
    resource: 'SendEvent',
    method: 'POST',
    uri: 'arn:aws:apigateway:us-east-1:sns:path//',
    role,
    formEncoded: true,
    errorPattern: '^[Error].*',
    requestTemplate: `Action=Publish&TargetArn=$util.urlEncode('${topic.topicArn}')&Message=$util.urlEncode($input.path('$.message'))&Version=2010-03-31`
      + "&MessageAttributes.entry.1.Name=status&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=$util.urlEncode($input.path('$.status'))",
  });
}
