import { App, CfnResource } from 'aws-cdk-lib';
import { ObservedFunction } from '../../src';
import { MINIMAL, testStack } from '../helpers';

describe('templates pass aws-cdk-lib\'s in-process CloudFormation validation', () => {
  test('the check is live: an invalid property fails synth', () => {
    const stack = testStack();
    new CfnResource(stack, 'Bad', { type: 'AWS::SQS::Queue', properties: { NoSuchProperty: 1 } });
    expect(() => (stack.node.root as App).synth()).toThrow();
  });

  test('a default ObservedFunction synthesizes with validation on', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Fn', MINIMAL);
    expect(() => (stack.node.root as App).synth()).not.toThrow();
  });
});
