import { Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ObservedFunction } from '../../src';
import { FUNCTION_LOG_QUERIES } from '../../src/core/function-log-queries';
import { MINIMAL, synth, testStack } from '../helpers';

describe('saved log queries', () => {
  test('none by default: the resource count does not grow', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Fn', MINIMAL);
    synth(stack).resourceCountIs('AWS::Logs::QueryDefinition', 0);
  });

  test('with saveLogQueries, the same queries the alarms link, on the function\'s log group, named by stack and path', () => {
    const stack = testStack();
    new ObservedFunction(stack, 'Fn', { ...MINIMAL, saveLogQueries: true });
    const template = synth(stack);
    template.resourceCountIs('AWS::Logs::QueryDefinition', Object.keys(FUNCTION_LOG_QUERIES).length);
    for (const q of Object.values(FUNCTION_LOG_QUERIES)) {
      template.hasResourceProperties('AWS::Logs::QueryDefinition', {
        Name: `TestStack/Fn/${q.title}`,
        QueryString: q.query,
        LogGroupNames: [{ Ref: Match.stringLikeRegexp('^FnLogGroup') }],
      });
    }
  });

  test('refused for a function that logs text: the queries read JSON', () => {
    expect(() => new ObservedFunction(testStack(), 'Fn', {
      ...MINIMAL,
      saveLogQueries: true,
      loggingFormat: lambda.LoggingFormat.TEXT,
      alarms: { timeouts: { enabled: false }, memoryUsedPercent: { enabled: false } },
    })).toThrow('TestStack/Fn: saveLogQueries is true; allowed only with loggingFormat JSON, the logs the queries read (loggingFormat is Text).');
  });
});
