import { CfnParameter, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ObservedFunction, ObservedFunctionProps } from '../../src';
import { MINIMAL, synth, testStack } from '../helpers';

function create(props: Partial<ObservedFunctionProps>, stack: Stack = testStack()): ObservedFunction {
  return new ObservedFunction(stack, 'Fn', { ...MINIMAL, ...props });
}

describe('bad props are synth-time errors naming the path, the prop, the value and the allowed range', () => {
  test.each<[string, Partial<ObservedFunctionProps>, string]>([
    ['timeout below 1 s', { timeout: Duration.millis(500) }, 'TestStack/Fn: timeout is 0.5 seconds; allowed range is 1-900 seconds.'],
    ['timeout above 900 s', { timeout: Duration.seconds(901) }, 'TestStack/Fn: timeout is 901 seconds; allowed range is 1-900 seconds.'],
    ['memory below 128 MB', { memorySize: 64 }, 'TestStack/Fn: memorySize is 64 MB; allowed range is 128-10240 MB.'],
    ['memory above 10240 MB', { memorySize: 10241 }, 'TestStack/Fn: memorySize is 10241 MB; allowed range is 128-10240 MB.'],
    ['fractional memory', { memorySize: 1000.5 }, 'TestStack/Fn: memorySize is 1000.5; it must be a whole number.'],
    ['retries above 2', { retryAttempts: 3 }, 'TestStack/Fn: retryAttempts is 3; allowed range is 0-2.'],
    ['max event age below 1 minute', { maxEventAge: Duration.seconds(30) }, 'TestStack/Fn: maxEventAge is 30 seconds; allowed range is 60-21600 seconds.'],
    ['negative reserved concurrency', { reservedConcurrentExecutions: -1 }, 'TestStack/Fn: reservedConcurrentExecutions is -1; allowed range is 0-1000000.'],
    ['error rate above 100 %', { alarms: { errorRatePercent: { threshold: 101 } } }, 'TestStack/Fn: alarms.errorRatePercent.threshold is 101 percent; allowed range is 0-100 percent.'],
    ['duration share of 0 %', { alarms: { durationP99PercentOfTimeout: { threshold: 0 } } }, 'TestStack/Fn: alarms.durationP99PercentOfTimeout.threshold is 0 percent of timeout; allowed range is 1-100 percent of timeout.'],
    ['negative throttle count', { alarms: { throttles: { threshold: -1 } } }, 'TestStack/Fn: alarms.throttles.threshold is -1 count; allowed range is 0-1000000 count.'],
    ['zero evaluation periods', { alarms: { throttles: { evaluationPeriods: 0 } } }, 'TestStack/Fn: alarms.throttles.evaluationPeriods is 0; allowed range is 1-1440.'],
    ['more datapoints than periods', { alarms: { throttles: { evaluationPeriods: 2, datapointsToAlarm: 3 } } }, 'TestStack/Fn: alarms.throttles.datapointsToAlarm is 3; allowed range is 1-2.'],
    ['a 30-second period', { alarms: { throttles: { period: Duration.seconds(30) } } }, 'TestStack/Fn: alarms.throttles.period is 30 seconds; allowed is a whole number of minutes from 1 minute to 1 day.'],
    ['evaluation longer than a day', { alarms: { throttles: { period: Duration.hours(1), evaluationPeriods: 25 } } }, 'TestStack/Fn: alarms.throttles.evaluationPeriods is 25; allowed range is 1-24.'],
  ])('%s', (_name, props, message) => {
    expect(() => create(props)).toThrow(message);
  });

  test('an unknown alarm option', () => {
    expect(() => create({ alarms: { errorRate: {} } as any })).toThrow(/TestStack\/Fn: alarms.errorRate is set; known alarms are errorRatePercent, throttles, /);
  });

  test('TEXT logs while the log-based alarms are on, with the fix', () => {
    expect(() => create({ loggingFormat: lambda.LoggingFormat.TEXT })).toThrow(
      'TestStack/Fn: loggingFormat is TEXT; allowed is JSON while log-based alarms are on. The timeouts and memoryUsedPercent alarms read the JSON platform.report log records; keep the default, or switch alarms.timeouts.enabled and alarms.memoryUsedPercent.enabled to false.');
  });

  test('TEXT logs are accepted once the log-based alarms are off', () => {
    const fn = create({ loggingFormat: lambda.LoggingFormat.TEXT, alarms: { timeouts: { enabled: false }, memoryUsedPercent: { enabled: false } } });
    expect(fn.alarms).toHaveLength(6);
  });

  test('the opt-in cold-start alarm reads the logs too: TEXT logs with only it on are refused (it could never fire)', () => {
    expect(() => create({
      loggingFormat: lambda.LoggingFormat.TEXT,
      alarms: { timeouts: { enabled: false }, memoryUsedPercent: { enabled: false }, coldStartPercent: { enabled: true } },
    })).toThrow('TestStack/Fn: loggingFormat is TEXT; allowed is JSON while log-based alarms are on. The coldStartPercent alarm reads the JSON platform.report log records; keep the default, or switch alarms.coldStartPercent.enabled to false.');
  });

  test('system log level WARN hides platform.report', () => {
    expect(() => create({ loggingFormat: lambda.LoggingFormat.JSON, systemLogLevelV2: lambda.SystemLogLevel.WARN }))
      .toThrow(/TestStack\/Fn: systemLogLevelV2 is WARN; allowed are INFO and DEBUG/);
  });
});

describe('tokens are not judged', () => {
  test('token timeout and memory pass validation; alarms relative to them are skipped with a warning', () => {
    const stack = testStack();
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' }).valueAsNumber;
    const memory = new CfnParameter(stack, 'Memory', { type: 'Number' }).valueAsNumber;
    const fn = create({ timeout: Duration.seconds(seconds), memorySize: memory }, stack);
    const template = synth(stack);
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(r => r.Properties.AlarmName);
    expect(names).not.toContain('TestStack/Fn/DurationNearTimeout');
    expect(names).not.toContain('TestStack/Fn/MemoryNearLimit');
    expect(fn.alarms).toHaveLength(6);
    Annotations.fromStack(stack).hasWarning('/TestStack/Fn', Match.stringLikeRegexp('DurationNearTimeout alarm was not created'));
    expect(Token.isUnresolved(seconds)).toBe(true);
  });

  test('a token threshold is passed through', () => {
    const stack = testStack();
    const threshold = new CfnParameter(stack, 'Threshold', { type: 'Number' }).valueAsNumber;
    create({ alarms: { errorRatePercent: { threshold } } }, stack);
    synth(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack/Fn/ErrorRate', Threshold: { Ref: 'Threshold' } });
  });
});
