import { App, Duration, Stack } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { KinesisEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { stubBinary } from '../stub';

/** A Go function reads a Kinesis stream with bisect on error, 5 retries and an on-failure queue (the "poison pill" pattern). See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'MainStack');
  const scope = new Construct(stack, 'OneLambdaConstruct');
  const fn = new lambda.Function(scope, 'OneLambda', { // a GoFunction in the app
    runtime: lambda.Runtime.PROVIDED_AL2023,
    handler: 'bootstrap',
    code: stubBinary(scope),
    functionName: 'sample-func',
    timeout: Duration.seconds(30),
  });
  const stream = new kinesis.Stream(scope, 'TheStream', { streamName: 'sample-stream', shardCount: 1 });
  const queue = new sqs.Queue(scope, 'FailureQueue', { queueName: 'sample-failure-queue' });
  stream.grantRead(fn);
  fn.addEventSource(new KinesisEventSource(stream, {
    startingPosition: lambda.StartingPosition.TRIM_HORIZON,
    batchSize: 10,
    retryAttempts: 5,
    bisectBatchOnError: true,
    onFailure: new SqsDestination(queue),
  }));
}
