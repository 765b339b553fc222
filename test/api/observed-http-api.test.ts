import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ObservedHttpApi, ObservedHttpApiProps } from '../../src/api/observed-http-api';
import { ObservedFunction } from '../../src/function/observed-function';
import { MINIMAL, synth, testStack } from '../helpers';

function apiWithRoute(props: ObservedHttpApiProps = {}): { stack: Stack; api: ObservedHttpApi } {
  const stack = testStack();
  const fn = new ObservedFunction(stack, 'Handler', { ...MINIMAL, asyncFailureQueue: false, timeout: Duration.seconds(6) });
  const api = new ObservedHttpApi(stack, 'Api', { defaultAuthorizer: new HttpIamAuthorizer(), ...props });
  api.addLambdaRoute(apigwv2.HttpMethod.POST, '/orders', fn);
  return { stack, api };
}

function alarm(template: Template, name: string): any {
  const found = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }));
  expect(found).toHaveLength(1);
  return found[0].Properties;
}

describe('ObservedHttpApi defaults', () => {
  const { api, stack } = apiWithRoute();
  const template = synth(stack);

  test('one auto-deployed $default stage, throttled at 1000 requests per second with a burst of 500', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 500 },
    });
    expect(api.defaultStage?.node.path).toBe('TestStack/Api/DefaultStage');
    expect(api.url).toBeDefined();
  });

  test('access logs are JSON lines into a log group the construct creates, kept 30 days', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0].Properties;
    expect(stage.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] });
    expect(JSON.parse(stage.AccessLogSettings.Format)).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      integrationLatency: '$context.integrationLatency',
      errorType: '$context.error.responseType',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(api.accessLogGroup?.node.path).toBe('TestStack/Api/AccessLogs');
  });

  test('the Lambda route is authorized by the default authorizer and waits the HTTP default of 30 seconds', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /orders', AuthorizationType: 'AWS_IAM' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', TimeoutInMillis: Match.absent() });
  });

  test('six alarms: 5xx rate, p99 latency at 80 % of 30 seconds, integration latency, latency objective, two error-budget burns', () => {
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .map(r => r.Properties.AlarmName).filter((n: string) => n.startsWith('TestStack/Api/')).sort();
    expect(names).toEqual(['TestStack/Api/ErrorBudgetFastBurn', 'TestStack/Api/ErrorBudgetSlowBurn', 'TestStack/Api/IntegrationLatency', 'TestStack/Api/LatencyNearTimeout', 'TestStack/Api/LatencyObjective', 'TestStack/Api/ServerErrorRate']);
    const burn = alarm(template, 'TestStack/Api/ErrorBudgetFastBurn');
    expect(burn.Threshold).toBe(1);
    expect(burn.Metrics.slice(1).map((m: any) => [m.MetricStat.Metric.MetricName, m.MetricStat.Stat])).toEqual([['5xx', 'Sum'], ['Count', 'Sum']]);

    const errors = alarm(template, 'TestStack/Api/ServerErrorRate');
    const byId = Object.fromEntries(errors.Metrics.map((m: any) => [m.Id, m]));
    expect(byId.errors.MetricStat).toEqual({
      Metric: {
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Dimensions: [{ Name: 'ApiId', Value: { Ref: expect.stringMatching(/^Api/) } }, { Name: 'Stage', Value: '$default' }],
      },
      Period: 60,
      Stat: 'Sum',
    });
    expect(byId.requests.MetricStat).toMatchObject({ Metric: { MetricName: 'Count' }, Stat: 'Sum' });
    expect(alarm(template, 'TestStack/Api/LatencyNearTimeout')).toMatchObject({ MetricName: 'Latency', ExtendedStatistic: 'p99', Threshold: 24000 });
    expect(alarm(template, 'TestStack/Api/IntegrationLatency')).toMatchObject({ MetricName: 'IntegrationLatency', Threshold: 5000 });
  });

  test('4xx rate when enabled', () => {
    const { stack: s } = apiWithRoute({ alarms: { clientErrorRatePercent: { enabled: true } } });
    const p = alarm(synth(s), 'TestStack/Api/ClientErrorRate');
    expect(p.Threshold).toBe(10);
    expect(p.Metrics.find((m: any) => m.Id === 'errors').MetricStat.Metric.MetricName).toBe('4xx');
  });
});

describe('ObservedHttpApi overrides', () => {
  test('throttle and accessLogRetention set the default stage', () => {
    const { stack } = apiWithRoute({ throttle: { rateLimit: 20, burstLimit: 10 }, accessLogRetention: logs.RetentionDays.ONE_WEEK });
    const template = synth(stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 10 } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  test('createDefaultStage: false creates no stage and no log group; alarms then watch the API id alone', () => {
    const { stack, api } = apiWithRoute({ createDefaultStage: false });
    const template = synth(stack);
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 0);
    expect(api.accessLogGroup).toBeUndefined();
    expect(alarm(template, 'TestStack/Api/LatencyNearTimeout').Dimensions).toEqual([{ Name: 'ApiId', Value: { Ref: expect.stringMatching(/^Api/) } }]);
  });

  test('defaultDomainMapping maps the construct\'s default stage', () => {
    const stack = testStack();
    const domainName = new apigwv2.DomainName(stack, 'Domain', {
      domainName: 'api.example.com',
      certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc'),
    });
    const api = new ObservedHttpApi(stack, 'Api', { defaultAuthorizer: new HttpIamAuthorizer(), defaultDomainMapping: { domainName } });
    api.addLambdaRoute(apigwv2.HttpMethod.GET, '/orders', new ObservedFunction(stack, 'Fn', { ...MINIMAL, asyncFailureQueue: false }));
    const template = synth(stack);
    template.hasResource('AWS::ApiGatewayV2::ApiMapping', {
      Properties: { ApiId: { Ref: Match.stringLikeRegexp('^Api') }, DomainName: { Ref: Match.stringLikeRegexp('^Domain') }, Stage: '$default' },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^ApiDefaultStage')]),
    });
    template.hasResource('AWS::ApiGatewayV2::Stage', { DependsOn: [Match.stringLikeRegexp('^Domain')] });
  });

  test('throttle limits are checked', () => {
    expect(() => new ObservedHttpApi(testStack(), 'Api', { throttle: { rateLimit: -5 } }))
      .toThrow('TestStack/Api: throttle.rateLimit is -5 requests per second; allowed range is 0-1000000 requests per second.');
  });
});

describe('ObservedHttpApi: cdk synth fails for an open route unless the API says it is open', () => {
  test('a route without an authorizer is named, with the fix', () => {
    const stack = testStack();
    const api = new ObservedHttpApi(stack, 'Api');
    api.addRoutes({ path: '/orders', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Orders', new ObservedFunction(stack, 'Fn', MINIMAL)) });
    expect(() => synth(stack)).toThrow('TestStack/Api: GET /orders authorizationType is NONE; allowed is an authorizer unless the API states that anyone may call it. '
      + 'Give it an authorizer (the route\'s authorizer, or the API\'s defaultAuthorizer), or set allowUnauthenticatedAccess: true if this API is meant to be open to anyone.');
  });

  test('addLambdaRoute with its own authorizer, or allowUnauthenticatedAccess: true, passes', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Fn', { ...MINIMAL, asyncFailureQueue: false });
    new ObservedHttpApi(stack, 'Private').addLambdaRoute(apigwv2.HttpMethod.GET, '/orders', fn, { authorizer: new HttpIamAuthorizer() });
    new ObservedHttpApi(stack, 'Public', { allowUnauthenticatedAccess: true }).addLambdaRoute(apigwv2.HttpMethod.GET, '/health', fn);
    const template = synth(stack);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /orders', AuthorizationType: 'AWS_IAM' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /health', AuthorizationType: 'NONE' });
  });
});
