import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ObservedRestApi, ObservedRestApiProps } from '../../src/api/observed-rest-api';
import { ObservedFunction } from '../../src/function/observed-function';
import { MINIMAL, synth, testStack } from '../helpers';

const IAM = { authorizationType: apigateway.AuthorizationType.IAM };

/** An API with one IAM-authorized Lambda method, the way most tests start. */
function apiWithRoute(props: ObservedRestApiProps = {}): { stack: Stack; api: ObservedRestApi; fn: ObservedFunction } {
  const stack = testStack();
  const fn = new ObservedFunction(stack, 'Handler', { ...MINIMAL, asyncFailureQueue: false, timeout: Duration.seconds(6) });
  const api = new ObservedRestApi(stack, 'Api', props);
  api.addLambdaRoute('POST', '/orders', fn, IAM);
  return { stack, api, fn };
}

function alarm(template: Template, name: string): any {
  const found = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }));
  expect(found).toHaveLength(1);
  return found[0].Properties;
}

describe('ObservedRestApi defaults', () => {
  const { api, stack } = apiWithRoute();
  const template = synth(stack);

  test('a Regional endpoint, named after the stack and path so that its metrics are its own', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'TestStack-Api',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    expect(api.restApiName).toBe('TestStack-Api');
  });

  test('execution logs at ERROR for every method, with the account role they need set first, retained', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', DataTraceEnabled: false })],
    });
    const accounts = template.findResources('AWS::ApiGateway::Account');
    expect(Object.keys(accounts)).toHaveLength(1);
    const [accountId, account] = Object.entries(accounts)[0];
    expect(account).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    const roleId = account.Properties.CloudWatchRoleArn['Fn::GetAtt'][0];
    const role = template.toJSON().Resources[roleId];
    expect(role).toMatchObject({ Type: 'AWS::IAM::Role', DeletionPolicy: 'Retain' });
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain('service-role/AmazonAPIGatewayPushToCloudWatchLogs');
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'apigateway.amazonaws.com' });
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0];
    expect(stage.DependsOn).toContain(accountId);
  });

  test('the stage traces with X-Ray and throttles every method at 1000 requests per second, burst 500', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      TracingEnabled: true,
      MethodSettings: [Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 500 })],
    });
    expect(ObservedRestApi.DEFAULT_THROTTLING_RATE_LIMIT).toBe(1000);
    expect(ObservedRestApi.DEFAULT_THROTTLING_BURST_LIMIT).toBe(500);
  });

  test('access logs are JSON lines into a log group the construct creates, kept 30 days', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 2); // the function's and the API's
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, LogGroupName: Match.absent() });
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0].Properties;
    expect(stage.AccessLogSetting.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApiDeploymentStageprodAccessLogs/), 'Arn'] });
    const line = JSON.parse(stage.AccessLogSetting.Format);
    expect(line).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      errorType: '$context.error.responseType',
      xrayTraceId: '$context.xrayTraceId',
    });
    expect(api.accessLogGroup?.node.path).toBe('TestStack/Api/DeploymentStage.prod/AccessLogs');
  });

  test('a request validator checks body and parameters of every method that names no validator of its own', () => {
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
      RestApiId: { Ref: Match.stringLikeRegexp('^Api') },
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      RequestValidatorId: { Ref: Match.stringLikeRegexp('^ApiDefaultRequestValidator') },
    });
  });

  test('exactly six alarms by default, with stable readable names', () => {
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .map(r => r.Properties.AlarmName).filter((n: string) => n.startsWith('TestStack/Api/')).sort();
    expect(names).toEqual(['TestStack/Api/ErrorBudgetFastBurn', 'TestStack/Api/ErrorBudgetSlowBurn', 'TestStack/Api/IntegrationLatency', 'TestStack/Api/LatencyNearTimeout', 'TestStack/Api/LatencyObjective', 'TestStack/Api/ServerErrorRate']);
    expect(api.alarms.map(a => a.node.id)).toEqual(['ServerErrorRateAlarm', 'LatencyNearTimeoutAlarm', 'IntegrationLatencyAlarm', 'LatencyObjectiveAlarm', 'ErrorBudgetFastBurnAlarm', 'ErrorBudgetSlowBurnAlarm']);
  });
});

describe('ObservedRestApi overrides', () => {
  test('the user\'s stage settings win: throttling, tracing, log destination and format, retention', () => {
    const stack = testStack();
    const logGroup = new logs.LogGroup(stack, 'Mine', { retention: logs.RetentionDays.ONE_YEAR });
    const api = new ObservedRestApi(stack, 'Api', {
      restApiName: 'orders',
      deployOptions: {
        throttlingRateLimit: 50,
        throttlingBurstLimit: 20,
        tracingEnabled: false,
        accessLogDestination: new apigateway.LogGroupLogDestination(logGroup),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    api.root.addMethod('GET', new apigateway.MockIntegration(), IAM);
    const template = synth(stack);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'orders' });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: false,
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 20 })],
      AccessLogSetting: { DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Mine'), 'Arn'] } },
    });
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    expect(api.accessLogGroup).toBeUndefined();
  });

  test('accessLogRetention sets the retention of the construct\'s log group', () => {
    const { stack } = apiWithRoute({ accessLogRetention: logs.RetentionDays.ONE_WEEK });
    synth(stack).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('a method\'s own validator is kept; defaultRequestValidator: false creates none', () => {
    const stack = testStack();
    const api = new ObservedRestApi(stack, 'Api');
    const own = api.addRequestValidator('BodyOnly', { validateRequestBody: true });
    api.root.addMethod('GET', new apigateway.MockIntegration(), { ...IAM, requestValidator: own });
    synth(stack).hasResourceProperties('AWS::ApiGateway::Method', { RequestValidatorId: { Ref: Match.stringLikeRegexp('^ApiBodyOnly') } });

    const bare = testStack();
    const noValidator = new ObservedRestApi(bare, 'Api', { defaultRequestValidator: false });
    noValidator.root.addMethod('GET', new apigateway.MockIntegration(), IAM);
    const template = synth(bare);
    template.resourceCountIs('AWS::ApiGateway::RequestValidator', 0);
    template.hasResourceProperties('AWS::ApiGateway::Method', { RequestValidatorId: Match.absent() });
    expect(noValidator.defaultValidator).toBeUndefined();
  });

  test('the user\'s endpoint type and CloudWatch role are kept', () => {
    const stack = testStack();
    const api = new ObservedRestApi(stack, 'Api', { endpointTypes: [apigateway.EndpointType.EDGE], cloudWatchRole: true });
    api.root.addMethod('GET', new apigateway.MockIntegration(), IAM);
    const template = synth(stack);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['EDGE'] } });
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    // the API's own role (cloudWatchRole: true), not the stack's shared one
    expect(Object.keys(template.findResources('AWS::ApiGateway::Account'))[0]).toMatch(/^ApiAccount/);
  });

  test('REST APIs of one stack share one account role; cloudWatchRole: false (the account has one) creates none', () => {
    const stack = testStack();
    for (const id of ['A', 'B']) new ObservedRestApi(stack, id).root.addMethod('GET', new apigateway.MockIntegration(), IAM);
    synth(stack).resourceCountIs('AWS::ApiGateway::Account', 1);

    const stated = testStack();
    new ObservedRestApi(stated, 'Api', { cloudWatchRole: false }).root.addMethod('GET', new apigateway.MockIntegration(), IAM);
    const template = synth(stated);
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    template.hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR' })] });
  });

  test('the user\'s logging level wins', () => {
    const stack = testStack();
    new ObservedRestApi(stack, 'Api', { deployOptions: { loggingLevel: apigateway.MethodLoggingLevel.INFO } })
      .root.addMethod('GET', new apigateway.MockIntegration(), IAM);
    synth(stack).hasResourceProperties('AWS::ApiGateway::Stage', { MethodSettings: [Match.objectLike({ LoggingLevel: 'INFO' })] });
  });

  test('a name that would be too long keeps its tail behind a short hash, and stays unique', () => {
    const stack = testStack();
    const deep = new Construct(new Construct(stack, 'A'.repeat(60)), 'B'.repeat(60));
    const api = new ObservedRestApi(deep, 'Api');
    api.root.addMethod('GET', new apigateway.MockIntegration(), IAM);
    expect(api.restApiName).toHaveLength(128);
    expect(api.restApiName).toMatch(/^[0-9a-f]{8}-A+-B{60}-Api$/);
  });

  test('throttling limits are checked: the message names the construct, the prop, the value and the range', () => {
    expect(() => new ObservedRestApi(testStack(), 'Api', { deployOptions: { throttlingBurstLimit: -1 } }))
      .toThrow('TestStack/Api: deployOptions.throttlingBurstLimit is -1 requests; allowed range is 0-1000000 requests.');
  });
});

describe('ObservedRestApi alarms', () => {
  test('5XX rate: 5XXError as a percentage of requests (Count), per API name and stage, > 5 % in 2 of 3 minutes', () => {
    const { stack } = apiWithRoute();
    const p = alarm(synth(stack), 'TestStack/Api/ServerErrorRate');
    expect(p).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' });
    const byId = Object.fromEntries(p.Metrics.map((m: any) => [m.Id, m]));
    expect(byId.expr_1.Expression).toBe('IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)');
    expect(byId.errors.MetricStat).toEqual({
      Metric: {
        Namespace: 'AWS/ApiGateway',
        MetricName: '5XXError',
        Dimensions: [
          { Name: 'ApiName', Value: 'TestStack-Api' },
          { Name: 'Stage', Value: { Ref: expect.stringMatching(/^ApiDeploymentStageprod/) } },
        ],
      },
      Period: 60,
      Stat: 'Sum',
    });
    expect(byId.requests.MetricStat).toMatchObject({ Metric: { MetricName: 'Count' }, Stat: 'SampleCount' });
  });

  test('p99 latency relative to the integration timeout: 80 % of the default 29 seconds', () => {
    const { stack } = apiWithRoute();
    expect(alarm(synth(stack), 'TestStack/Api/LatencyNearTimeout')).toMatchObject({
      MetricName: 'Latency', Namespace: 'AWS/ApiGateway', ExtendedStatistic: 'p99', Threshold: 23200, Period: 60,
    });
  });

  test('with several integration timeouts the largest counts, and the threshold option is a share of it', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Handler', { ...MINIMAL, asyncFailureQueue: false, timeout: Duration.seconds(3) });
    const api = new ObservedRestApi(stack, 'Api', { alarms: { latencyP99PercentOfTimeout: { threshold: 50 } } });
    api.addLambdaRoute('GET', '/fast', fn, { ...IAM, integrationTimeout: Duration.seconds(5) });
    api.root.addResource('slow').addMethod('GET', new apigateway.LambdaIntegration(fn, { timeout: Duration.seconds(12) }), IAM);
    const p = alarm(synth(stack), 'TestStack/Api/LatencyNearTimeout');
    expect(p.Threshold).toBe(6000);
    // the description is an Fn::Sub: its links name the stage, a reference
    expect(p.AlarmDescription['Fn::Sub'][0]).toContain('Fires when > 50 percent of integration timeout in 2 of 3 periods of 1 minute.');
  });

  test('integration latency: p99 above 5000 ms', () => {
    const { stack } = apiWithRoute();
    expect(alarm(synth(stack), 'TestStack/Api/IntegrationLatency')).toMatchObject({
      MetricName: 'IntegrationLatency', ExtendedStatistic: 'p99', Threshold: 5000, ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  test('4XX rate is available but off by default; enabled it divides 4XXError by requests', () => {
    const { stack } = apiWithRoute({
      alarms: { clientErrorRatePercent: { enabled: true, threshold: 25 }, integrationLatencyP99Milliseconds: { enabled: false } },
    });
    const template = synth(stack);
    const p = alarm(template, 'TestStack/Api/ClientErrorRate');
    expect(p.Threshold).toBe(25);
    expect(p.Metrics.find((m: any) => m.Id === 'errors').MetricStat.Metric.MetricName).toBe('4XXError');
    expect(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'TestStack/Api/IntegrationLatency' } })).toEqual({});
    expect(apiWithRoute().api.alarms.map(a => a.node.id)).not.toContain('ClientErrorRateAlarm');
  });

  test('error-budget burn: 5XX over requests against 10x and 2x the budget of 99.9 %, in short windows inside a long one', () => {
    const { stack } = apiWithRoute();
    const template = synth(stack);
    const fast = alarm(template, 'TestStack/Api/ErrorBudgetFastBurn');
    expect(fast).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 15, DatapointsToAlarm: 3, TreatMissingData: 'notBreaching' });
    expect(fast.Metrics[0].Expression).toBe('100 * FILL(errors, 0) / requests');
    expect(fast.Metrics.slice(1).map((m: any) => [m.Id, m.MetricStat.Metric.MetricName, m.MetricStat.Stat, m.MetricStat.Period]))
      .toEqual([['errors', '5XXError', 'Sum', 120], ['requests', 'Count', 'SampleCount', 120]]);
    const slow = alarm(template, 'TestStack/Api/ErrorBudgetSlowBurn');
    expect(slow).toMatchObject({ Threshold: 0.2, EvaluationPeriods: 12, DatapointsToAlarm: 6 });
    expect(slow.Metrics[1].MetricStat.Period).toBe(1800);
  });

  test('latency objective: p99 above 2500 ms in 2 of 2 five-minute windows', () => {
    const template = synth(apiWithRoute().stack);
    expect(alarm(template, 'TestStack/Api/LatencyObjective')).toMatchObject({ MetricName: 'Latency', ExtendedStatistic: 'p99', Period: 300, Threshold: 2500, EvaluationPeriods: 2, DatapointsToAlarm: 2 });
  });

  test('the availability objective sets the budget; a burn rate is the threshold', () => {
    const { stack } = apiWithRoute({ availabilityObjectivePercent: 99.5, alarms: { errorBudgetFastBurn: { threshold: 6 } } });
    const template = synth(stack);
    expect(alarm(template, 'TestStack/Api/ErrorBudgetFastBurn').Threshold).toBe(3);
    expect(alarm(template, 'TestStack/Api/ErrorBudgetSlowBurn').Threshold).toBe(1);
    expect(() => apiWithRoute({ availabilityObjectivePercent: 100 }))
      .toThrow('TestStack/Api: availabilityObjectivePercent is 100 percent; allowed range is 90-99.999 percent.');
  });

  test('alarm options are validated like every other construct\'s', () => {
    expect(() => apiWithRoute({ alarms: { serverErrorRatePercent: { threshold: 101 } } }))
      .toThrow('TestStack/Api: alarms.serverErrorRatePercent.threshold is 101 percent; allowed range is 0-100 percent.');
  });

  test('alarmTopic receives ALARM and OK', () => {
    const stack = testStack();
    const topic = new sns.Topic(stack, 'Topic');
    const api = new ObservedRestApi(stack, 'Api', { alarmTopic: topic });
    api.root.addMethod('GET', new apigateway.MockIntegration(), IAM);
    const p = alarm(synth(stack), 'TestStack/Api/ServerErrorRate');
    expect(p.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Topic/) }]);
    expect(p.OKActions).toEqual([{ Ref: expect.stringMatching(/^Topic/) }]);
  });

  test('without a deployment stage the alarms watch the API name alone', () => {
    const stack = testStack();
    const api = new ObservedRestApi(stack, 'Api', { deploy: false });
    api.root.addMethod('GET', new apigateway.MockIntegration(), IAM);
    const p = alarm(synth(stack), 'TestStack/Api/LatencyNearTimeout');
    expect(p.Dimensions).toEqual([{ Name: 'ApiName', Value: 'TestStack-Api' }]);
  });
});

describe('ObservedRestApi: cdk synth fails for an open method unless the API says it is open', () => {
  test('a method without an authorizer is named, with the fix', () => {
    const stack = testStack();
    const api = new ObservedRestApi(stack, 'Api');
    api.root.addResource('orders').addMethod('GET', new apigateway.MockIntegration());
    expect(() => synth(stack)).toThrow(
      'TestStack/Api: GET /orders authorizationType is NONE; allowed is an authorizer unless the API states that anyone may call it. '
      + 'Give it an authorizer (the method\'s authorizer or authorizationType, or the API\'s defaultMethodOptions), '
      + 'or set allowUnauthenticatedAccess: true if this API is meant to be open to anyone.');
  });

  test('defaultMethodOptions authorize every method; CORS preflight (OPTIONS) needs none', () => {
    const stack = testStack();
    const api = new ObservedRestApi(stack, 'Api', {
      defaultMethodOptions: IAM,
      defaultCorsPreflightOptions: { allowOrigins: apigateway.Cors.ALL_ORIGINS },
    });
    api.root.addResource('orders').addMethod('GET', new apigateway.MockIntegration());
    const template = synth(stack);
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'OPTIONS', AuthorizationType: 'NONE' });
    template.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'AWS_IAM' });
  });

  test('allowUnauthenticatedAccess: true accepts open methods', () => {
    const stack = testStack();
    const api = new ObservedRestApi(stack, 'Api', { allowUnauthenticatedAccess: true });
    api.root.addResource('health').addMethod('GET', new apigateway.MockIntegration());
    synth(stack).hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'GET', AuthorizationType: 'NONE' });
  });

  test('no warning annotations on the defaults', () => {
    const { stack } = apiWithRoute();
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});
