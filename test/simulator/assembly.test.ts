import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AlarmSimulator, SimulatedAlarmState } from '../../src/simulator/alarm-simulator';
import { loadTemplateFile } from '../../src/simulator/assembly';

/**
 * Hand-written templates for what CDK's output does not always show: a parameter used inside
 * Fn::Sub, a parent reading a nested stack's output, and a composite alarm in the parent over an
 * alarm in the nested stack.
 */
const PARENT = {
  Resources: {
    Fn: { Type: 'AWS::Lambda::Function', Properties: {} },
    Child: {
      Type: 'AWS::CloudFormation::Stack',
      Metadata: { 'aws:asset:path': 'child.json' },
      Properties: { TemplateURL: 'https://example.com/child.json', Parameters: { FnName: { Ref: 'Fn' } } },
    },
    Health: {
      Type: 'AWS::CloudWatch::CompositeAlarm',
      Properties: {
        AlarmName: 'health',
        AlarmRule: { 'Fn::Sub': ['ALARM("${Name}")', { Name: { 'Fn::GetAtt': ['Child', 'Outputs.ErrorsName'] } }] },
      },
    },
  },
};
const CHILD = {
  Parameters: { FnName: { Type: 'String' } },
  Resources: {
    Errors: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: { 'Fn::Sub': '${FnName}-errors' },
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'FnName' } }],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      },
    },
  },
  Outputs: { ErrorsName: { Value: { 'Fn::Sub': '${FnName}-errors' } } },
};

describe('templates read as one', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assembly-'));
    fs.writeFileSync(path.join(dir, 'parent.json'), JSON.stringify(PARENT));
    fs.writeFileSync(path.join(dir, 'child.json'), JSON.stringify(CHILD));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('nested parameters (in Ref and Fn::Sub) and nested outputs resolve to what the parent passes', () => {
    const loaded = loadTemplateFile(path.join(dir, 'parent.json'));
    expect(loaded.warnings).toEqual([]);
    expect(Object.keys(loaded.template.Resources).sort()).toEqual(['Child', 'Child/Errors', 'Fn', 'Health']);
    const errors = loaded.template.Resources['Child/Errors'].Properties;
    expect(errors.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: 'Fn' } }]);
    expect(errors.AlarmName).toEqual({ 'Fn::Sub': ['${FnName}-errors', { FnName: { Ref: 'Fn' } }] });
    expect(loaded.template.Resources.Health.Properties.AlarmRule)
      .toEqual({ 'Fn::Sub': ['ALARM("${Name}")', { Name: { 'Fn::Sub': ['${FnName}-errors', { FnName: { Ref: 'Fn' } }] } }] });
  });

  test('an error of the function fires the nested alarm and the parent\'s composite over it', () => {
    const r = AlarmSimulator.fromTemplateFile(path.join(dir, 'parent.json')).simulate({
      minutes: 7,
      onsetMinute: 2,
      series: [{ namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: '${Fn}' }, data: [0, 0, 1, 1, 0, 0, 0] }],
    });
    const errors = r.alarms.find(a => a.logicalId === 'Child/Errors')!;
    expect(errors.alarmName).toBe('${Fn}-errors');
    // the second breaching minute, seen a minute later (CloudWatch's ingestion delay, modelled)
    expect(errors.firstAlarmMinute).toBe(4);
    const health = r.alarms.find(a => a.alarmName === 'health')!;
    expect(health.evaluable).toBe(true);
    expect(health.firstAlarmMinute).toBe(4);
    expect(health.finalState).toBe(SimulatedAlarmState.OK);
  });
});
