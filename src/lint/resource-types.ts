/** The CloudFormation resource types the rules read. */
export const T = {
  function: 'AWS::Lambda::Function',
  alias: 'AWS::Lambda::Alias',
  version: 'AWS::Lambda::Version',
  eventSourceMapping: 'AWS::Lambda::EventSourceMapping',
  eventInvokeConfig: 'AWS::Lambda::EventInvokeConfig',
  permission: 'AWS::Lambda::Permission',
  queue: 'AWS::SQS::Queue',
  topic: 'AWS::SNS::Topic',
  subscription: 'AWS::SNS::Subscription',
  table: 'AWS::DynamoDB::Table',
  globalTable: 'AWS::DynamoDB::GlobalTable',
  scalableTarget: 'AWS::ApplicationAutoScaling::ScalableTarget',
  stream: 'AWS::Kinesis::Stream',
  streamConsumer: 'AWS::Kinesis::StreamConsumer',
  bucket: 'AWS::S3::Bucket',
  bucketNotifications: 'Custom::S3BucketNotifications',
  eventRule: 'AWS::Events::Rule',
  role: 'AWS::IAM::Role',
  policy: 'AWS::IAM::Policy',
  managedPolicy: 'AWS::IAM::ManagedPolicy',
  rolePolicy: 'AWS::IAM::RolePolicy',
  alarm: 'AWS::CloudWatch::Alarm',
  restMethod: 'AWS::ApiGateway::Method',
  restResource: 'AWS::ApiGateway::Resource',
  restApi: 'AWS::ApiGateway::RestApi',
  httpApi: 'AWS::ApiGatewayV2::Api',
  httpIntegration: 'AWS::ApiGatewayV2::Integration',
  httpRoute: 'AWS::ApiGatewayV2::Route',
} as const;

/** One of the resource types the rules read. */
export type ResourceType = typeof T[keyof typeof T];
