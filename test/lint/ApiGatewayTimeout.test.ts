import { Aws, CfnParameter, Duration, Fn } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration, WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { testStack } from '../helpers';
import { fn, lines, lint, twoStacks } from './lint';

const RULE = 'ApiGatewayTimeout';

function restApi(stack: ReturnType<typeof testStack>, handler: lambda.IFunction, options: apigw.LambdaIntegrationOptions = {}): apigw.RestApi {
  const api = new apigw.RestApi(stack, 'Api');
  api.root.addResource('orders').addMethod('GET', new apigw.LambdaIntegration(handler, options));
  return api;
}

describe('ApiGatewayTimeout', () => {
  test('a REST API function with a 29 s timeout is a warning (no margin) that names the method, the limit and the fix; 30 s is an error', () => {
    const above = testStack();
    restApi(above, fn(above, 'Handler', 30));
    expect(lines(lint(above, RULE))).toEqual(['error ServerlessOps-ApiGatewayTimeout TestStack/Handler/Resource']);
    const stack = testStack();
    restApi(stack, fn(stack, 'Handler', 29));
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-ApiGatewayTimeout TestStack/Handler/Resource']);
    expect(findings[0].message).toContain('Function TestStack/Handler has a timeout of 29 s, equal to the 29 s integration timeout');
    expect(findings[0].message).toContain("API Gateway's default for REST APIs");
    expect(findings[0].message).toContain('REST API GET /orders (TestStack/Api/Default/orders/GET)');
    expect(findings[0].message).toContain('at most 28 s');
  });

  test('28 s behind a REST API is fine', () => {
    const stack = testStack();
    restApi(stack, fn(stack, 'Handler', 28));
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('an explicit integration timeout is honoured, both ways', () => {
    const ok = testStack();
    restApi(ok, fn(ok, 'Handler', 40), { timeout: Duration.seconds(50) });
    expect(lint(ok, RULE)).toEqual([]);

    const tight = testStack();
    restApi(tight, fn(tight, 'Handler', 10), { timeout: Duration.seconds(5) });
    const findings = lint(tight, RULE);
    expect(findings.map(f => f.rule)).toEqual(['ServerlessOps-ApiGatewayTimeout']);
    expect(findings[0].message).toContain('the 5 s integration timeout (its TimeoutInMillis)');
  });

  test('the same limit as the API constructs: a function must end 1 s before an integration timeout that is not whole seconds', () => {
    const within = testStack();
    restApi(within, fn(within, 'Handler', 10), { timeout: Duration.millis(10_500) });
    const findings = lint(within, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-ApiGatewayTimeout TestStack/Handler/Resource']);
    expect(findings[0].message).toContain('a timeout of 10 s, within 1 s of the 10.5 s integration timeout (its TimeoutInMillis)');
    expect(findings[0].message).toContain('at most 9 s');

    const fits = testStack();
    restApi(fits, fn(fits, 'Handler', 9), { timeout: Duration.millis(10_500) });
    expect(lint(fits, RULE)).toEqual([]);
  });

  test('HTTP APIs allow 30 s: 29 s is fine, 30 s is not', () => {
    for (const [timeout, expected] of [[29, 0], [30, 1]] as const) {
      const stack = testStack();
      const api = new apigwv2.HttpApi(stack, 'HttpApi');
      api.addRoutes({ path: '/items', methods: [apigwv2.HttpMethod.POST], integration: new HttpLambdaIntegration('Items', fn(stack, 'Handler', timeout)) });
      const findings = lint(stack, RULE);
      expect(findings).toHaveLength(expected);
      if (expected) expect(findings[0].message).toContain('30 s integration timeout (API Gateway\'s default for HTTP APIs) of HTTP API POST /items');
    }
  });

  test('WebSocket APIs allow 29 s: a 60 s function (serverless-patterns apigw-websocket-api-bedrock-streaming-rust-cdk) is an error', () => {
    const stack = testStack();
    new apigwv2.WebSocketApi(stack, 'Ws', {
      connectRouteOptions: { integration: new WebSocketLambdaIntegration('Connect', fn(stack, 'Handler', 60)) },
    });
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['error ServerlessOps-ApiGatewayTimeout TestStack/Handler/Resource']);
    expect(findings[0].message).toContain('a timeout of 60 s, above the 29 s integration timeout');
    expect(findings[0].message).toContain('WebSocket API $connect');
  });

  test('a timeout that is a token is not judged', () => {
    const stack = testStack();
    const seconds = new CfnParameter(stack, 'Timeout', { type: 'Number' });
    restApi(stack, fn(stack, 'Handler', 10, { timeout: Duration.seconds(seconds.valueAsNumber) }));
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('across stacks: the function in one stack, the API in another', () => {
    const { app, a, b } = twoStacks();
    const handler = fn(a, 'Handler', 60);
    restApi(b, handler);
    expect(lines(lint(app, RULE))).toEqual(['error ServerlessOps-ApiGatewayTimeout A/Handler/Resource']);
  });

  test('L1s: a CfnMethod whose URI is an Fn::Join around the function ARN', () => {
    const stack = testStack();
    const role = new lambda.Function(stack, 'Other', { ...fnProps() }).role!;
    const cfnFn = new lambda.CfnFunction(stack, 'L1Fn', { code: { zipFile: 'x' }, role: role.roleArn, runtime: 'nodejs22.x', handler: 'index.handler', timeout: 45 });
    const api = new apigw.CfnRestApi(stack, 'L1Api', { name: 'l1' });
    new apigw.CfnMethod(stack, 'L1Method', {
      restApiId: api.ref,
      resourceId: api.attrRootResourceId,
      httpMethod: 'POST',
      authorizationType: 'NONE',
      integration: {
        type: 'AWS_PROXY',
        integrationHttpMethod: 'POST',
        uri: Fn.join('', ['arn:', Aws.PARTITION, ':apigateway:', Aws.REGION, ':lambda:path/2015-03-31/functions/', cfnFn.attrArn, '/invocations']),
      },
    });
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['error ServerlessOps-ApiGatewayTimeout TestStack/L1Fn']);
    expect(findings[0].message).toContain('REST API POST / (TestStack/L1Method)');
  });
});

function fnProps(): lambda.FunctionProps {
  return { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('x') };
}
