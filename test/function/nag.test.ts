import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ServerlessChecks } from 'cdk-nag';
import { ObservedFunction } from '../../src';
import { MINIMAL, testStack } from '../helpers';
import { acknowledgements, nagFindings } from '../nag';

describe('cdk-nag 3 AwsSolutions and Serverless packs on a default ObservedFunction', () => {
  test('no unacknowledged finding at all (errors or warnings)', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Fn', MINIMAL);
    expect(nagFindings(stack)).toEqual([]);
  });

  test('the acknowledgements are the ones the README lists, each with a reason', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Fn', MINIMAL);
    expect(acknowledgements(stack, 41)).toEqual([
      'AwsSolutions-IAM5[Resource::*] TestStack/Fn/ServiceRole',
      'AwsSolutions-SQS3 TestStack/Fn/FailureQueue',
      'Serverless-LambdaDLQ TestStack/Fn',
      'Serverless-SQSRedrivePolicy TestStack/Fn/FailureQueue',
    ]);
  });

  test('the packs do fire where a default is given up: an outdated runtime is the user\'s choice and is reported', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Fn', { ...MINIMAL, runtime: lambda.Runtime.NODEJS_20_X });
    expect(nagFindings(stack, new ServerlessChecks())).toEqual(['error Serverless-LambdaLatestVersion TestStack/Fn/Resource']);
  });
});
