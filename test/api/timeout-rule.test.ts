import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ObservedHttpApi } from '../../src/api/observed-http-api';
import { ObservedRestApi } from '../../src/api/observed-rest-api';
import { ObservedFunction } from '../../src/function/observed-function';
import { MINIMAL, synth, testStack } from '../helpers';
import { lint } from '../lint/lint';

const IAM = { authorizationType: apigateway.AuthorizationType.IAM };
const seconds = (s: number) => Duration.seconds(s);

function functionTimeout(template: Template, logicalIdPrefix: string): number {
  const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith(logicalIdPrefix));
  return fn[1].Properties.Timeout;
}

describe('REST: a Lambda function must end 1 second before the integration timeout', () => {
  const TOO_LONG = 'TestStack/Fn: timeout is 29 seconds; allowed is at most 28 seconds behind TestStack/Api GET /orders, '
    + 'whose integration timeout is 29 seconds (the REST API default): the function must finish 1 second before API Gateway gives up, '
    + 'or callers get a 504 while it keeps running. Lower the function\'s timeout to Duration.seconds(28) or less, '
    + 'or raise the integration\'s timeout (LambdaIntegration\'s timeout, or addLambdaRoute\'s integrationTimeout; above 29 seconds only after a quota increase).';

  test('addLambdaRoute fails at once, naming both timeouts and the fix', () => {
    const stack = testStack();
    const fn = new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(29) });
    const api = new ObservedRestApi(stack, 'Api');
    expect(() => api.addLambdaRoute('GET', '/orders', fn, IAM)).toThrow(TOO_LONG);
  });

  test('plain addMethod(new LambdaIntegration(fn)) fails cdk synth with the same message', () => {
    const stack = testStack();
    const fn = new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(29) });
    const api = new ObservedRestApi(stack, 'Api');
    api.root.addResource('orders').addMethod('GET', new apigateway.LambdaIntegration(fn), IAM);
    expect(() => synth(stack)).toThrow(TOO_LONG);
  });

  test('28 seconds behind the default 29 passes; so does Lambda\'s own default of 3 seconds', () => {
    const stack = testStack();
    const api = new ObservedRestApi(stack, 'Api');
    api.root.addResource('a').addMethod('GET', new apigateway.LambdaIntegration(new lambda.Function(stack, 'A', { ...MINIMAL, timeout: seconds(28) })), IAM);
    api.root.addResource('b').addMethod('GET', new apigateway.LambdaIntegration(new lambda.Function(stack, 'B', MINIMAL)), IAM);
    const template = synth(stack);
    expect(functionTimeout(template, 'A')).toBe(28);
  });

  test('an explicit integration timeout is the bound: 10 seconds allows at most 9', () => {
    const stack = testStack();
    const fn = new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(10) });
    const api = new ObservedRestApi(stack, 'Api');
    api.root.addResource('orders').addMethod('GET', new apigateway.LambdaIntegration(fn, { timeout: seconds(10) }), IAM);
    expect(() => synth(stack)).toThrow('TestStack/Fn: timeout is 10 seconds; allowed is at most 9 seconds behind TestStack/Api GET /orders, whose integration timeout is 10 seconds:');
  });

  test('through an alias or a version, the function behind it is judged', () => {
    const stack = testStack();
    const fn = new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(29) });
    const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
    const api = new ObservedRestApi(stack, 'Api');
    api.root.addResource('orders').addMethod('GET', new apigateway.LambdaIntegration(alias), IAM);
    expect(() => synth(stack)).toThrow('TestStack/Fn: timeout is 29 seconds; allowed is at most 28 seconds');
  });

  test('a function in another stack is judged, and fitted, too', () => {
    const twoStacks = () => {
      const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
      const env = { account: '123456789012', region: 'us-east-1' };
      return { app, functions: new Stack(app, 'Functions', { env }), api: new ObservedRestApi(new Stack(app, 'Apis', { env }), 'Api') };
    };
    const fits = twoStacks();
    const fitted = new ObservedFunction(fits.functions, 'Fitted', { ...MINIMAL, asyncFailureQueue: false });
    fits.api.root.addResource('fitted').addMethod('GET', new apigateway.LambdaIntegration(fitted, { timeout: seconds(5) }), IAM);
    expect(functionTimeout(Template.fromStack(fits.functions), 'Fitted')).toBe(4);

    const fails = twoStacks();
    const tooLong = new lambda.Function(fails.functions, 'TooLong', { ...MINIMAL, timeout: seconds(29) });
    fails.api.root.addResource('orders').addMethod('GET', new apigateway.LambdaIntegration(tooLong), IAM);
    expect(() => fails.app.synth()).toThrow('Functions/TooLong: timeout is 29 seconds; allowed is at most 28 seconds behind Apis/Api GET /orders');
  });

  test('an integration timeout under 2 seconds leaves no room for a function', () => {
    const stack = testStack();
    const api = new ObservedRestApi(stack, 'Api');
    api.root.addResource('orders').addMethod('GET',
      new apigateway.LambdaIntegration(new lambda.Function(stack, 'Fn', MINIMAL), { timeout: Duration.millis(1500) }), IAM);
    expect(() => synth(stack)).toThrow('TestStack/Api: GET /orders integration timeout is 1.5 seconds; allowed is at least 2 seconds for a Lambda integration '
      + '(Lambda\'s minimum timeout of 1 second plus the 1 second margin). Raise the integration\'s timeout.');
  });

  test('timeouts that are tokens are not judged', () => {
    const stack = testStack();
    const timeout = new CfnParameter(stack, 'Timeout', { type: 'Number' });
    const fn = new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(timeout.valueAsNumber) });
    const api = new ObservedRestApi(stack, 'Api');
    api.root.addResource('orders').addMethod('GET', new apigateway.LambdaIntegration(fn), IAM);
    expect(() => synth(stack)).not.toThrow();
  });

  test('an integration timeout that is a token is not judged either', () => {
    const stack = testStack();
    const timeout = new CfnParameter(stack, 'IntegrationTimeout', { type: 'Number' });
    const fn = new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(60) });
    const api = new ObservedRestApi(stack, 'Api');
    api.root.addResource('orders').addMethod('GET', new apigateway.LambdaIntegration(fn, { timeout: Duration.millis(timeout.valueAsNumber) }), IAM);
    expect(() => synth(stack)).not.toThrow();
  });

  test('every problem is reported at once', () => {
    const stack = testStack();
    const api = new ObservedRestApi(stack, 'Api');
    api.root.addResource('a').addMethod('GET', new apigateway.LambdaIntegration(new lambda.Function(stack, 'A', { ...MINIMAL, timeout: seconds(30) })), IAM);
    api.root.addResource('b').addMethod('GET', new apigateway.LambdaIntegration(new lambda.Function(stack, 'B', { ...MINIMAL, timeout: seconds(60) })));
    let message = '';
    try {
      synth(stack);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('TestStack/A: timeout is 30 seconds; allowed is at most 28 seconds behind TestStack/Api GET /a');
    expect(message).toContain('TestStack/B: timeout is 60 seconds; allowed is at most 28 seconds behind TestStack/Api GET /b');
    expect(message).toContain('TestStack/Api: GET /b authorizationType is NONE');
  });
});

describe('REST: above 29 seconds only on Regional or private endpoints, after a quota increase', () => {
  test('edge-optimized: an integration timeout above 29 seconds fails synth', () => {
    const stack = testStack();
    const api = new ObservedRestApi(stack, 'Api', { endpointTypes: [apigateway.EndpointType.EDGE] });
    api.root.addResource('report').addMethod('GET',
      new apigateway.LambdaIntegration(new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(40) }), { timeout: seconds(45) }), IAM);
    expect(() => synth(stack)).toThrow('TestStack/Api: GET /report integration timeout is 45 seconds; allowed is at most 29 seconds on an edge-optimized endpoint. '
      + 'Integration timeouts above 29 seconds are for Regional and private REST APIs only, after a quota increase: '
      + 'use endpointTypes [EndpointType.REGIONAL] (the ObservedRestApi default), or lower the timeout.');
  });

  test('edge-optimized at 29 seconds: the fix for a long function is a Regional endpoint', () => {
    const stack = testStack();
    const api = new ObservedRestApi(stack, 'Api', { endpointTypes: [apigateway.EndpointType.EDGE] });
    expect(() => api.addLambdaRoute('GET', '/report', new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(29) }), IAM))
      .toThrow('Lower the function\'s timeout to Duration.seconds(28) or less, or use a Regional endpoint, where the integration timeout can exceed 29 seconds after a quota increase.');
  });

  test('Regional: 45 seconds is accepted for a 40-second function, with a warning that the quota must be raised', () => {
    const stack = testStack();
    const api = new ObservedRestApi(stack, 'Api');
    api.addLambdaRoute('GET', '/report', new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(40) }), { ...IAM, integrationTimeout: seconds(45) });
    const template = synth(stack);
    template.hasResourceProperties('AWS::ApiGateway::Method', { Integration: { TimeoutInMillis: 45000 } });
    Annotations.fromStack(stack).hasWarning('/TestStack/Api', Match.stringLikeRegexp(
      'GET /report has an integration timeout of 45 seconds, above API Gateway\'s default quota of 29 seconds\\. .*"Maximum integration timeout in milliseconds" quota'));
  });

  test('Regional above 29 seconds still bounds the function: 45 seconds allows at most 44', () => {
    const stack = testStack();
    const api = new ObservedRestApi(stack, 'Api');
    expect(() => api.addLambdaRoute('GET', '/report', new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(45) }), { ...IAM, integrationTimeout: seconds(45) }))
      .toThrow('TestStack/Fn: timeout is 45 seconds; allowed is at most 44 seconds behind TestStack/Api GET /report, whose integration timeout is 45 seconds:');
  });

  test('private endpoints follow the Regional rule', () => {
    const stack = testStack();
    const api = new ObservedRestApi(stack, 'Api', { endpointTypes: [apigateway.EndpointType.PRIVATE] });
    api.addLambdaRoute('GET', '/report', new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(50) }), { ...IAM, integrationTimeout: seconds(60) });
    const template = synth(stack);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['PRIVATE'] } });
    template.hasResourceProperties('AWS::ApiGateway::Method', { Integration: { TimeoutInMillis: 60000 } });
    Annotations.fromStack(stack).hasWarning('/TestStack/Api', Match.stringLikeRegexp('integration timeout of 60 seconds'));
  });
});

describe('REST: an ObservedFunction without an explicit timeout is given one that fits', () => {
  test('behind a 5-second integration its default of 10 seconds becomes 4, and its duration alarm follows', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Fn', { ...MINIMAL, asyncFailureQueue: false });
    const api = new ObservedRestApi(stack, 'Api');
    api.addLambdaRoute('GET', '/orders', fn, { ...IAM, integrationTimeout: seconds(5) });
    expect(fn.timeout?.toSeconds()).toBe(4);
    const template = synth(stack);
    expect(functionTimeout(template, 'Fn')).toBe(4);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack/Fn/DurationNearTimeout', Threshold: 3200 });
  });

  test('the same through plain addMethod, at synth; with two routes the shorter integration wins', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Fn', { ...MINIMAL, asyncFailureQueue: false });
    const api = new ObservedRestApi(stack, 'Api');
    api.root.addResource('a').addMethod('GET', new apigateway.LambdaIntegration(fn, { timeout: seconds(8) }), IAM);
    api.root.addResource('b').addMethod('GET', new apigateway.LambdaIntegration(fn, { timeout: seconds(6) }), IAM);
    const template = synth(stack);
    expect(functionTimeout(template, 'Fn')).toBe(5);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'TestStack/Fn/DurationNearTimeout', Threshold: 4000 });
  });

  test('a default that already fits is left alone', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Fn', { ...MINIMAL, asyncFailureQueue: false });
    new ObservedRestApi(stack, 'Api').addLambdaRoute('GET', '/orders', fn, IAM);
    expect(functionTimeout(synth(stack), 'Fn')).toBe(10);
  });

  test('an explicit timeout is never changed: it fails instead', () => {
    const stack = testStack();
    const fn = new ObservedFunction(stack, 'Fn', { ...MINIMAL, asyncFailureQueue: false, timeout: seconds(6) });
    const api = new ObservedRestApi(stack, 'Api');
    expect(() => api.addLambdaRoute('GET', '/orders', fn, { ...IAM, integrationTimeout: seconds(5) }))
      .toThrow('TestStack/Fn: timeout is 6 seconds; allowed is at most 4 seconds behind TestStack/Api GET /orders, whose integration timeout is 5 seconds:');
  });
});

describe('HTTP: a Lambda function must end 1 second before the integration timeout (30 seconds, not raisable)', () => {
  const TOO_LONG = 'TestStack/Fn: timeout is 30 seconds; allowed is at most 29 seconds behind TestStack/Api GET /orders, '
    + 'whose integration timeout is 30 seconds (the HTTP API default): the function must finish 1 second before API Gateway gives up, '
    + 'or callers get a 504 while it keeps running. Lower the function\'s timeout to Duration.seconds(29) or less; an HTTP API waits 30 seconds at most.';
  const authorizer = new HttpIamAuthorizer();

  test('addLambdaRoute fails at once', () => {
    const stack = testStack();
    const api = new ObservedHttpApi(stack, 'Api', { defaultAuthorizer: authorizer });
    expect(() => api.addLambdaRoute(apigwv2.HttpMethod.GET, '/orders', new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(30) })))
      .toThrow(TOO_LONG);
  });

  test('plain addRoutes with an HttpLambdaIntegration fails cdk synth with the same message', () => {
    const stack = testStack();
    const fn = new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(30) });
    const api = new ObservedHttpApi(stack, 'Api', { defaultAuthorizer: authorizer });
    api.addRoutes({ path: '/orders', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Orders', fn) });
    expect(() => synth(stack)).toThrow(TOO_LONG);
  });

  test('29 seconds behind the default 30 passes', () => {
    const stack = testStack();
    const api = new ObservedHttpApi(stack, 'Api', { defaultAuthorizer: authorizer });
    api.addLambdaRoute(apigwv2.HttpMethod.GET, '/orders', new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(29) }));
    expect(functionTimeout(synth(stack), 'Fn')).toBe(29);
  });

  test('an explicit integration timeout is the bound, and can be raised up to 30 seconds', () => {
    const stack = testStack();
    const api = new ObservedHttpApi(stack, 'Api', { defaultAuthorizer: authorizer });
    const fn = new lambda.Function(stack, 'Fn', { ...MINIMAL, timeout: seconds(10) });
    api.addRoutes({ path: '/orders', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Orders', fn, { timeout: seconds(10) }) });
    expect(() => synth(stack)).toThrow('TestStack/Fn: timeout is 10 seconds; allowed is at most 9 seconds behind TestStack/Api GET /orders, whose integration timeout is 10 seconds: '
      + 'the function must finish 1 second before API Gateway gives up, or callers get a 504 while it keeps running. Lower the function\'s timeout to Duration.seconds(9) or less, '
      + 'or raise the integration\'s timeout (HttpLambdaIntegration\'s timeout, or addLambdaRoute\'s integrationTimeout; at most 30 seconds on an HTTP API).');
  });

  test('an integration timeout above 30 seconds (set on the L1) fails synth', () => {
    const stack = testStack();
    const api = new ObservedHttpApi(stack, 'Api', { defaultAuthorizer: authorizer });
    const [route] = api.addRoutes({ path: '/orders', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Orders', new lambda.Function(stack, 'Fn', MINIMAL)) });
    const integration = route.node.findAll().find(c => c instanceof apigwv2.CfnIntegration) as apigwv2.CfnIntegration;
    integration.timeoutInMillis = 31_000;
    expect(() => synth(stack)).toThrow('TestStack/Api: GET /orders integration timeout is 31 seconds; allowed is at most 30 seconds on an HTTP API. '
      + 'HTTP APIs cannot raise it (a fixed quota); lower the timeout, or use a Regional REST API with a raised quota for longer requests.');
  });

  test('an ObservedFunction without an explicit timeout is fitted, whichever way the route was added', () => {
    const stack = testStack();
    const helper = new ObservedFunction(stack, 'Helper', { ...MINIMAL, asyncFailureQueue: false });
    const plain = new ObservedFunction(stack, 'Plain', { ...MINIMAL, asyncFailureQueue: false });
    const api = new ObservedHttpApi(stack, 'Api', { defaultAuthorizer: authorizer });
    api.addLambdaRoute(apigwv2.HttpMethod.GET, '/a', helper, { integrationTimeout: seconds(3) });
    api.addRoutes({ path: '/b', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('B', plain, { timeout: seconds(7) }) });
    const template = synth(stack);
    expect(functionTimeout(template, 'Helper')).toBe(2);
    expect(functionTimeout(template, 'Plain')).toBe(6);
  });
});

describe('one limit: the construct refuses exactly what the rule pack reports', () => {
  // the refused timeouts of 1-30 s: all (no Lambda timeout fits 1.5 s with the margin), 5-30 s,
  // 10-30 s (10.5 s leaves at most 9 s), 29-30 s
  test.each([
    [1_500, 30], [5_000, 26], [10_500, 21], [29_000, 2],
  ])('REST integration timeout %i ms, function timeouts 1-30 s: %i refused and reported', (integrationMs, expectedRefused) => {
    let refusedCount = 0;
    for (let timeout = 1; timeout <= 30; timeout++) {
      const plain = testStack();
      const fn = new lambda.Function(plain, 'Fn', { ...MINIMAL, timeout: seconds(timeout) });
      new apigateway.RestApi(plain, 'Api').root.addMethod('GET', new apigateway.LambdaIntegration(fn, { timeout: Duration.millis(integrationMs) }));
      const reported = lint(plain, 'ApiGatewayTimeout').length > 0;

      const observed = testStack();
      const ofn = new lambda.Function(observed, 'Fn', { ...MINIMAL, timeout: seconds(timeout) });
      new ObservedRestApi(observed, 'Api').root.addMethod('GET', new apigateway.LambdaIntegration(ofn, { timeout: Duration.millis(integrationMs) }), IAM);
      let refused = false;
      try {
        synth(observed);
      } catch (e) {
        refused = /(timeout|integration timeout) is [\d.]+ seconds; allowed is at (most|least)/.test(String(e));
      }
      expect({ timeout, integrationMs, refused }).toEqual({ timeout, integrationMs, refused: reported });
      if (refused) refusedCount++;
    }
    expect(refusedCount).toBe(expectedRefused);
  });
});
