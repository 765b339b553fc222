import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * The handler code of the corpus apps. The pack judges the infrastructure, not the code, so every
 * asset, bundling step (esbuild, Docker, cargo) and handler file of the originals is replaced by
 * this stub; the runtime, handler name and every other setting stay as the app has them.
 */
export function stubCode(): lambda.Code {
  return lambda.Code.fromInline('exports.handler = async () => ({});');
}

/** For runtimes without inline code (Go, Rust on provided.al2023): an object in a bucket the app does not hold. */
export function stubBinary(scope: Construct): lambda.Code {
  return lambda.Code.fromBucket(s3.Bucket.fromBucketName(scope, 'CorpusCodeBucket', 'corpus-code'), 'bootstrap.zip');
}
