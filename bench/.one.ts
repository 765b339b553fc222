import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ObservedFunction } from '../src';
const app = new App({ outdir: '/tmp/one-out' });
const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
new ObservedFunction(stack, 'Fn0', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;') });
app.synth();
