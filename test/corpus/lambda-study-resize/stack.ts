import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import { stubCode } from '../stub';

/** An image resizer: PNGs uploaded under original/ invoke a function allowed to read and write the whole bucket. See SOURCE.md. */
export function build(app: App): void {
  const stack = new Stack(app, 'LambdaStudyResizeStack');
  const PREFIX = 'lambda-study';
  const bucket = new s3.Bucket(stack, `${PREFIX}-s3-bucket`, { bucketName: `${PREFIX}-s3-bucket`, removalPolicy: RemovalPolicy.DESTROY });
  const fn = new lambda.Function(stack, `${PREFIX}-lambda-resize`, { // a NodejsFunction (esbuild) in the app
    functionName: `${PREFIX}-resize`,
    code: stubCode(),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    memorySize: 128,
    timeout: Duration.seconds(30),
  });
  bucket.grantReadWrite(fn);
  bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(fn), { prefix: 'original/', suffix: '.png' });
}
