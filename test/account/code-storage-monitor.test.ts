import { existsSync } from 'fs';
import { join } from 'path';
import { App, ArnFormat, CfnParameter, Duration, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CodeStorageMonitor, CodeStorageMonitorProps, VersionCleanupMode } from '../../src/account/code-storage-monitor';
import { AlarmNotifications } from '../../src/core/alarm-notifications';
import { wildcardResourceFindingId } from '../../src/core/nag-ids';
import { ServerlessOpsChecks } from '../../src/lint/pack';
import { synth, testStack } from '../helpers';
import { acknowledgements, nagFindings } from '../nag';

const BUNDLE = join(__dirname, '..', '..', 'assets', 'account', 'code-storage-poller.lambda');

function monitor(props: CodeStorageMonitorProps = {}, stack: Stack = testStack()) {
  const m = new CodeStorageMonitor(stack, 'Storage', props);
  return { stack, monitor: m, template: synth(stack) };
}

/** Every IAM statement in the template, as `action resource` lines (resources flattened). */
function grants(template: Template): string[] {
  const lines: string[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    for (const s of policy.Properties.PolicyDocument.Statement) {
      expect(s.Effect).toBe('Allow');
      for (const action of [s.Action].flat()) {
        for (const resource of [s.Resource].flat()) lines.push(`${action} ${flatten(resource)}`);
      }
    }
  }
  return lines.sort();
}

function flatten(v: any): string {
  if (typeof v === 'string') return v;
  if (v['Fn::Join']) return v['Fn::Join'][1].map(flatten).join(v['Fn::Join'][0]);
  if (v.Ref) return `<${v.Ref}>`;
  if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'].join('.')}>`;
  return JSON.stringify(v);
}

const LOG_GROUP_ARN = /^<StorageLogGroup[0-9A-F]+\.Arn>$/;
const ALWAYS = [
  'lambda:GetAccountSettings *',
  'xray:PutTelemetryRecords *',
  'xray:PutTraceSegments *',
];

/** Where a listing that takes more than one poll keeps its position: the poller's own tags, nothing else. */
const OWN_TAGS = ['lambda:ListTags', 'lambda:TagResource', 'lambda:UntagResource'].map(a => `${a} <Poller.Arn>`);

function withoutLogs(lines: string[]): string[] {
  const logs = lines.filter(l => l.startsWith('logs:'));
  expect(logs.map(l => l.split(' ')[0])).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  for (const l of logs) expect(l.split(' ')[1]).toMatch(LOG_GROUP_ARN);
  // the poller function's own ARN (its logical id carries a hash)
  return lines.filter(l => !l.startsWith('logs:')).map(l => l.replace(/<StoragePoller[0-9A-F]{8}\.Arn>$/, '<Poller.Arn>')).sort();
}

describe('CodeStorageMonitor defaults', () => {
  const { stack, monitor: m, template } = monitor();

  test('a schedule invokes the poller every hour', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StoragePoller'), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StorageSchedule'), 'Arn'] },
    });
    expect(m.schedule.node.path).toBe('TestStack/Storage/Schedule');
  });

  test('the poller: the bundled handler on Node.js 24, 256 MB, 5 minutes, traced, logging to its own group', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Description: 'Lambda code storage monitor: TestStack/Storage',
      MemorySize: 256,
      Timeout: 300,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^StorageLogGroup') } },
      Environment: {
        Variables: {
          LARGEST_FUNCTIONS: '10',
          CLEANUP_MODE: 'OFF',
          VERSIONS_TO_KEEP: '3',
          FUNCTION_NAME_PREFIXES: '[]',
          AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
        },
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    expect(m.cleanupMode).toBeUndefined();
  });

  test('CloudFormation polls once at creation, before the alarms exist (so the missing-data alarm does not start in ALARM)', () => {
    const [id, resource] = Object.entries(template.findResources('Custom::CodeStorageFirstPoll'))[0];
    expect(resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^StoragePoller[0-9A-F]+$/), 'Arn'] });
    expect(resource.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^StoragePollerRoleDefaultPolicy/)]));
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(3);
    for (const alarm of alarms) expect(alarm.DependsOn).toContain(id);
  });

  test('the code asset is the esbuild bundle of the *.lambda.ts handler (projen bundle task)', () => {
    expect(existsSync(join(BUNDLE, 'index.js'))).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bundled = require(join(BUNDLE, 'index.js'));
    expect(typeof bundled.handler).toBe('function');
    expect(typeof bundled.poll).toBe('function');
  });

  test('least privilege: only the calls the poller makes; no list of aliases, no delete', () => {
    expect(withoutLogs(grants(template))).toEqual([...ALWAYS, 'lambda:ListFunctions *', ...OWN_TAGS].sort());
    // no AWSLambdaBasicExecutionRole (logs on every log group) or any other managed policy
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test('no asynchronous retries: a failed poll is not run again by Lambda (it would repeat the cleanup)', () => {
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^StoragePoller') },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 0,
    });
  });

  test('the deploy-time poll carries the configuration, so a change is checked (and a bad one fails) at deployment', () => {
    const [resource] = Object.values(template.findResources('Custom::CodeStorageFirstPoll'));
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(resource.Properties.Configuration).toEqual({ LARGEST_FUNCTIONS: '10', CLEANUP_MODE: 'OFF', VERSIONS_TO_KEEP: '3', FUNCTION_NAME_PREFIXES: '[]' });
    expect(fn.Properties.Environment.Variables).toMatchObject(resource.Properties.Configuration);
  });

  test('the listing position is kept in the poller\'s own tags: a policy of its own names only the poller', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyDocument: { Statement: [Match.objectLike({ Sid: 'KeepListingPositionInOwnTags' })] } },
    });
    const [policy] = Object.values(policies);
    expect(policy.Properties.PolicyDocument.Statement[0]).toMatchObject({
      Action: ['lambda:ListTags', 'lambda:TagResource', 'lambda:UntagResource'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^StoragePoller[0-9A-F]{8}$/), 'Arn'] },
    });
    // the function does not depend on it (it names the function), so there is no cycle
    const [fnId] = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(template.findResources('AWS::Lambda::Function')[fnId].DependsOn).not.toContain(Object.keys(policies)[0]);
  });

  test('three alarms: storage near the limit, polls failing, poller errors', () => {
    expect(m.alarms.map(a => a.node.id)).toEqual(['CodeStorageNearLimitAlarm', 'PollFailingAlarm', 'PollerErrorsAlarm']);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Storage/CodeStorageNearLimit',
      Namespace: 'CdkObserved/Lambda',
      MetricName: 'CodeStorageUsedPercent',
      Dimensions: Match.absent(),
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 80,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Storage/PollFailing',
      // an hour without a poll is a 0 (FILL), so three failed hours alarm in three hours
      Metrics: [
        Match.objectLike({ Expression: 'FILL(polls, 0)' }),
        Match.objectLike({
          Id: 'polls',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ Namespace: 'CdkObserved/Lambda', MetricName: 'CodeStorageUsedBytes' }),
            Stat: 'SampleCount',
            Period: 3600,
          }),
        }),
      ],
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      // a poll that keeps failing publishes nothing: missing data must alarm, never be silence
      TreatMissingData: 'breaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'TestStack/Storage/PollerErrors',
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^StoragePoller') } }],
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
  });

  test('the metrics the alarms read are the ones the handler writes', () => {
    expect(stack.resolve((m.metricUsedPercent() as any).toMetricConfig().metricStat)).toMatchObject({
      namespace: 'CdkObserved/Lambda', metricName: 'CodeStorageUsedPercent', statistic: 'Maximum',
    });
    expect(m.metricUsedBytes().toMetricConfig().metricStat?.metricName).toBe('CodeStorageUsedBytes');
    expect(m.metricUsedBytes().toMetricConfig().metricStat?.period.toHours()).toBe(1);
  });

  test('cost: 3 alarms and 2 custom metrics, $0.90 a month', () => {
    const customMetrics = 2; // CodeStorageUsedBytes, CodeStorageUsedPercent: written every poll
    expect(0.10 * m.alarms.length + 0.30 * customMetrics).toBeCloseTo(0.90);
  });

  test('cdk-nag 3 AwsSolutions and Serverless: no unacknowledged finding', () => {
    expect(nagFindings(stack)).toEqual([]);
  });

  test('our own rule pack finds nothing unacknowledged on the monitor (its poller is watched by PollFailing)', () => {
    expect(nagFindings(stack, new ServerlessOpsChecks())).toEqual([]);
  });
});

describe('CodeStorageMonitor options', () => {
  test('vpc puts the poller in the VPC\'s private subnets, with the VPC permissions its own role needs (acknowledged managed policy)', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const m = new CodeStorageMonitor(stack, 'CodeStorage', { vpc });
    const template = synth(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet') }]) },
    });
    const role = template.toJSON().Resources[stack.getLogicalId(m.role.node.defaultChild as iam.CfnRole)];
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain('service-role/AWSLambdaVPCAccessExecutionRole');
    expect(nagFindings(stack).filter(f => f.includes('CodeStorage'))).toEqual([]);
  });

  test('another poll interval: the schedule and every alarm period follow it', () => {
    const { template } = monitor({ pollInterval: Duration.minutes(15) });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    const periods = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .map(a => a.Properties.Period ?? a.Properties.Metrics.find((m: any) => m.MetricStat).MetricStat.Period);
    expect(periods).toEqual([900, 900, 900]);
  });

  test('largestFunctions 0 drops the listing and its permission', () => {
    const { template } = monitor({ largestFunctions: 0 });
    expect(withoutLogs(grants(template))).toEqual(ALWAYS);
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ LARGEST_FUNCTIONS: '0' }) } });
  });

  test('cleanup on without a mode is a dry run: it reads aliases, and may not delete', () => {
    const { monitor: m, template } = monitor({ versionCleanup: {} });
    expect(m.cleanupMode).toBe(VersionCleanupMode.DRY_RUN);
    expect(withoutLogs(grants(template))).toEqual([
      ...ALWAYS,
      ...OWN_TAGS,
      'lambda:GetPolicy arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:*:*',
      'lambda:ListAliases arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:*',
      'lambda:ListEventSourceMappings *',
      'lambda:ListFunctions *',
      'lambda:ListProvisionedConcurrencyConfigs arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:*',
    ].sort());
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CLEANUP_MODE: 'DRY_RUN', VERSIONS_TO_KEEP: '3' }) },
    });
  });

  test('DELETE mode: lambda:DeleteFunction on qualified ARNs only (versions, never a whole function)', () => {
    const { template } = monitor({ versionCleanup: { mode: VersionCleanupMode.DELETE, versionsToKeep: 5 } });
    expect(withoutLogs(grants(template))).toEqual([
      ...ALWAYS,
      ...OWN_TAGS,
      'lambda:DeleteFunction arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:*:*',
      'lambda:GetPolicy arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:*:*',
      'lambda:ListAliases arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:*',
      'lambda:ListEventSourceMappings *',
      'lambda:ListFunctions *',
      'lambda:ListProvisionedConcurrencyConfigs arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:*',
    ].sort());
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CLEANUP_MODE: 'DELETE', VERSIONS_TO_KEEP: '5' }) },
    });
  });

  test('function name prefixes limit the cleanup and scope its permissions to them', () => {
    const { template } = monitor({ versionCleanup: { mode: VersionCleanupMode.DELETE, functionNamePrefixes: ['orders-', 'billing_'] } });
    const lambdaGrants = grants(template).filter(l => /^lambda:(ListAliases|ListProvisionedConcurrencyConfigs|GetPolicy|DeleteFunction) /.test(l));
    expect(lambdaGrants).toEqual([
      'lambda:DeleteFunction arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:billing_*:*',
      'lambda:DeleteFunction arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:orders-*:*',
      'lambda:GetPolicy arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:billing_*:*',
      'lambda:GetPolicy arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:orders-*:*',
      'lambda:ListAliases arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:billing_*',
      'lambda:ListAliases arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:orders-*',
      'lambda:ListProvisionedConcurrencyConfigs arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:billing_*',
      'lambda:ListProvisionedConcurrencyConfigs arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:orders-*',
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FUNCTION_NAME_PREFIXES: '["orders-","billing_"]' }) },
    });
  });

  test('an alarm switched off or given another threshold', () => {
    const { monitor: m, template } = monitor({ alarms: { codeStorageUsedPercent: { threshold: 90 }, pollerErrors: { enabled: false } } });
    expect(m.alarms.map(a => a.node.id)).toEqual(['CodeStorageNearLimitAlarm', 'PollFailingAlarm']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack/Storage/CodeStorageNearLimit', Threshold: 90 });
  });

  test('alarms notify the alarm topic, or the one given to AlarmNotifications', () => {
    const stack = testStack();
    const own = new sns.Topic(stack, 'Own');
    new CodeStorageMonitor(stack, 'Storage', { alarmTopic: own });
    const template = synth(stack);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Own') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^Own') }],
    }, 3);

    const other = testStack();
    AlarmNotifications.sendTo(other, new sns.Topic(other, 'Alerts'));
    new CodeStorageMonitor(other, 'Storage');
    synth(other).resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }] }, 3);
  });

  test('descriptions stay within CloudFormation\'s limits under a deep construct path', () => {
    const stack = testStack();
    let scope: Construct = stack;
    for (let i = 0; i < 10; i++) scope = new Construct(scope, `VeryLongConstructIdNumber${i}`);
    new CodeStorageMonitor(scope, 'Storage', { versionCleanup: { mode: VersionCleanupMode.DELETE } });
    const template = synth(stack);
    const fnDescription: string = Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Description;
    expect(fnDescription.length).toBe(256);
    expect(fnDescription.startsWith('Lambda code storage monitor, version cleanup DELETE: TestStack/VeryLongConstructIdNumber0/')).toBe(true);
    expect(Object.values(template.findResources('AWS::Events::Rule'))[0].Properties.Description.length).toBeLessThanOrEqual(512);
    expect(Object.values(template.findResources('AWS::IAM::Role'))[0].Properties.Description.length).toBeLessThanOrEqual(1000);
  });

  test('values that are tokens are passed through, not judged', () => {
    const stack = testStack();
    const keep = new CfnParameter(stack, 'Keep', { type: 'Number' }).valueAsNumber;
    const largest = new CfnParameter(stack, 'Largest', { type: 'Number' }).valueAsNumber;
    const prefix = new CfnParameter(stack, 'Prefix').valueAsString;
    new CodeStorageMonitor(stack, 'Storage', { largestFunctions: largest, versionCleanup: { versionsToKeep: keep, functionNamePrefixes: [prefix] } });
    const vars = Object.values(synth(stack).findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables;
    expect(vars.VERSIONS_TO_KEEP).toEqual({ Ref: 'Keep' });
    expect(vars.LARGEST_FUNCTIONS).toEqual({ Ref: 'Largest' });
    expect(JSON.stringify(vars.FUNCTION_NAME_PREFIXES)).toContain('"Ref":"Prefix"');
  });

  test('a prefix list that is a token cannot scope IAM: the permissions cover every function, with a warning', () => {
    const stack = testStack();
    const prefixes = new CfnParameter(stack, 'Prefixes', { type: 'CommaDelimitedList' }).valueAsList;
    new CodeStorageMonitor(stack, 'Storage', { versionCleanup: { mode: VersionCleanupMode.DELETE, functionNamePrefixes: prefixes } });
    const template = synth(stack);
    expect(grants(template).filter(l => l.startsWith('lambda:DeleteFunction'))).toEqual([
      'lambda:DeleteFunction arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:*:*',
    ]);
    Annotations.fromStack(stack).hasWarning('/TestStack/Storage', Match.stringLikeRegexp('functionNamePrefixes is a token'));
    // joined by CloudFormation into the JSON array the handler reads; no custom resource
    expect(Object.values(template.findResources('AWS::Lambda::Function'))[0].Properties.Environment.Variables.FUNCTION_NAME_PREFIXES)
      .toEqual({ 'Fn::Join': ['', ['["', { 'Fn::Join': ['","', { Ref: 'Prefixes' }] }, '"]']] });
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });
});

describe('CodeStorageMonitor validation: errors name the path, the prop, the value and the allowed range', () => {
  test.each<[string, CodeStorageMonitorProps, string]>([
    ['a poll interval below 5 minutes', { pollInterval: Duration.minutes(1) }, 'TestStack/Storage: pollInterval is 60 seconds; allowed is a whole number of minutes from 5 minutes to 8 hours.'],
    ['a poll interval above 8 hours', { pollInterval: Duration.hours(9) }, 'TestStack/Storage: pollInterval is 32400 seconds; allowed is a whole number of minutes from 5 minutes to 8 hours.'],
    ['a poll interval in seconds', { pollInterval: Duration.seconds(330) }, 'TestStack/Storage: pollInterval is 330 seconds; allowed is a whole number of minutes from 5 minutes to 8 hours.'],
    ['more than 100 largest functions', { largestFunctions: 101 }, 'TestStack/Storage: largestFunctions is 101; allowed range is 0-100.'],
    ['a fractional number of largest functions', { largestFunctions: 2.5 }, 'TestStack/Storage: largestFunctions is 2.5; it must be a whole number.'],
    ['keeping 0 versions', { versionCleanup: { versionsToKeep: 0 } }, 'TestStack/Storage: versionCleanup.versionsToKeep is 0; allowed range is 1-1000.'],
    ['an empty prefix list', { versionCleanup: { functionNamePrefixes: [] } }, 'TestStack/Storage: versionCleanup.functionNamePrefixes is a list of 0; allowed is 1-50 prefixes. Leave it out to clean up every function.'],
    ['a prefix with a wildcard', { versionCleanup: { functionNamePrefixes: ['ok', 'orders*'] } }, 'TestStack/Storage: versionCleanup.functionNamePrefixes[1] is "orders*"; allowed are 1-64 characters of a-z, A-Z, 0-9, - and _ (the characters of a function name).'],
    ['a poll alarm period shorter than the interval', { alarms: { successfulPolls: { period: Duration.minutes(30) } } }, 'TestStack/Storage: alarms.successfulPolls.period is 1800 seconds; allowed is at least the poll interval (3600 seconds): shorter periods contain no poll and would alarm.'],
    ['a storage threshold above 100 percent', { alarms: { codeStorageUsedPercent: { threshold: 101 } } }, 'TestStack/Storage: alarms.codeStorageUsedPercent.threshold is 101 percent of the code storage limit; allowed range is 1-100 percent of the code storage limit.'],
    ['an alarm window longer than a day', { pollInterval: Duration.hours(8), alarms: { pollerErrors: { evaluationPeriods: 4 } } }, 'TestStack/Storage: alarms.pollerErrors.evaluationPeriods is 4; allowed range is 1-3.'],
  ])('%s', (_name, props, message) => {
    expect(() => new CodeStorageMonitor(testStack(), 'Storage', props)).toThrow(message);
  });

  test('an unknown cleanup mode', () => {
    expect(() => new CodeStorageMonitor(testStack(), 'Storage', { versionCleanup: { mode: 'bogus' as VersionCleanupMode } }))
      .toThrow('TestStack/Storage: versionCleanup.mode is "bogus"; allowed are VersionCleanupMode.DRY_RUN and VersionCleanupMode.DELETE.');
  });

  test('an unknown alarm option', () => {
    expect(() => new CodeStorageMonitor(testStack(), 'Storage', { alarms: { usedPercent: {} } as any }))
      .toThrow('TestStack/Storage: alarms.usedPercent is set; known alarms are codeStorageUsedPercent, successfulPolls, pollerErrors.');
  });
});

describe('cdk-nag 3 AwsSolutions and Serverless', () => {
  test('findings are named as cdk-nag names them: Ref as <X>, GetAtt as <R.A>, Sub placeholders in angle brackets', () => {
    const stack = testStack();
    expect(wildcardResourceFindingId(stack, Stack.of(stack).formatArn({ service: 'lambda', resource: 'function', resourceName: 'x*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })))
      .toBe('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:x*]');
    expect(wildcardResourceFindingId(stack, Fn.getAtt('Bucket', 'Arn').toString() + '/*')).toBe('AwsSolutions-IAM5[Resource::<Bucket.Arn>/*]');
    expect(wildcardResourceFindingId(stack, Fn.sub('arn:${AWS::Partition}:s3:::b/*'))).toBe('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::b/*]');
  });

  test.each<[string, CodeStorageMonitorProps]>([
    ['dry-run cleanup', { versionCleanup: {} }],
    ['delete cleanup', { versionCleanup: { mode: VersionCleanupMode.DELETE } }],
    ['delete cleanup limited to prefixes', { versionCleanup: { mode: VersionCleanupMode.DELETE, functionNamePrefixes: ['a-', 'b-'] } }],
  ])('%s: no unacknowledged finding', (_name, props) => {
    expect(nagFindings(monitor(props).stack)).toEqual([]);
  });

  test('in an environment-agnostic stack too (the wildcard ARNs hold AWS::Region and AWS::AccountId)', () => {
    const stack = new Stack(new App(), 'Agnostic');
    new CodeStorageMonitor(stack, 'Storage', { versionCleanup: { mode: VersionCleanupMode.DELETE } });
    expect(nagFindings(stack)).toEqual([]);
  });

  test('the acknowledgements are exactly the wildcards the construct creates, each with a reason', () => {
    const { stack } = monitor({ versionCleanup: { mode: VersionCleanupMode.DELETE } });
    expect(acknowledgements(stack, 61)).toEqual([
      'AwsSolutions-IAM5[Resource::*] TestStack/Storage/PollerRole',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:*:*] TestStack/Storage/PollerRole',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:lambda:us-east-1:123456789012:function:*] TestStack/Storage/PollerRole',
      'AwsSolutions-SNS2 TestStack/ObservedAlarmsTopic',
      'Serverless-EventBusDLQ TestStack/Storage/Schedule',
      'Serverless-LambdaAsyncFailureDestination TestStack/Storage/Poller',
      'Serverless-LambdaDLQ TestStack/Storage/Poller',
      'ServerlessOps-MissingAlarms TestStack/Storage/Poller',
    ]);
  });

  test('a wildcard someone else adds to the poller role is still reported', () => {
    const stack = testStack();
    const m = new CodeStorageMonitor(stack, 'Storage');
    m.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::reports/*'] }));
    expect(nagFindings(stack)).toEqual(['error AwsSolutions-IAM5[Resource::arn:aws:s3:::reports/*] TestStack/Storage/PollerRole/DefaultPolicy/Resource']);
  });
});
