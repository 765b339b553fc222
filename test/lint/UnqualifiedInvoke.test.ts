import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ObservedFunction, ObservedQueue } from '../../src';
import { MINIMAL, testStack } from '../helpers';
import { fn, lines, lint } from './lint';

const RULE = 'UnqualifiedInvoke';

function provisioned(stack = testStack()) {
  const f = fn(stack, 'Checkout', 10);
  const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: f.currentVersion, provisionedConcurrentExecutions: 5 });
  return { stack, f, alias };
}

describe('UnqualifiedInvoke', () => {
  test('an event source mapping on the unqualified function is a warning that names the alias', () => {
    const { stack, f } = provisioned();
    f.addEventSource(new SqsEventSource(new sqs.Queue(stack, 'Jobs')));
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-UnqualifiedInvoke TestStack/Checkout/SqsEventSource:TestStackJobs4C30CD8B/Resource']);
    expect(findings[0].message).toContain('invokes function TestStack/Checkout unqualified, but its provisioned concurrency is on alias TestStack/Live');
    expect(findings[0].message).toContain('Point the invoker at the alias');
  });

  test('an API integration, a bucket notification and a permission for an invoker outside the app, on the unqualified function', () => {
    const { stack, f } = provisioned();
    new apigateway.LambdaRestApi(stack, 'Api', { handler: f, proxy: false }).root.addMethod('GET');
    new s3.Bucket(stack, 'Uploads').addEventNotification(s3.EventType.OBJECT_CREATED, new LambdaDestination(f));
    f.grantInvoke(new iam.ServicePrincipal('events.amazonaws.com'));
    const paths = lines(lint(stack, RULE));
    expect(paths).toEqual(expect.arrayContaining([
      'warning ServerlessOps-UnqualifiedInvoke TestStack/Api/Default/GET/Resource',
      expect.stringMatching(/^warning ServerlessOps-UnqualifiedInvoke TestStack\/Uploads\/Notifications\/Resource$/),
    ]));
    // the permission for EventBridge (an invoker outside the app) is reported; those of the API and the bucket are not (their invokers are)
    expect(paths.filter(p => /Permission|AllowInvoke|\/Invoke/.test(p))).toEqual([expect.stringMatching(/\/Invoke[^/]*$/)]);
  });

  test('$LATEST named literally is reported too', () => {
    const { stack } = provisioned();
    new lambda.CfnPermission(stack, 'Latest', {
      action: 'lambda:InvokeFunction',
      principal: 'sns.amazonaws.com',
      functionName: 'arn:aws:lambda:us-east-1:123456789012:function:checkout:$LATEST',
    });
    (stack.node.findChild('Checkout').node.defaultChild as lambda.CfnFunction).functionName = 'checkout';
    const findings = lint(stack, RULE);
    expect(lines(findings)).toEqual(['warning ServerlessOps-UnqualifiedInvoke TestStack/Latest']);
    expect(findings[0].message).toContain('as $LATEST');
  });

  test('invokers of the alias are fine', () => {
    const { stack, alias } = provisioned();
    alias.addEventSource(new SqsEventSource(new sqs.Queue(stack, 'Jobs')));
    new apigateway.LambdaRestApi(stack, 'Api', { handler: alias, proxy: false }).root.addMethod('GET');
    new s3.Bucket(stack, 'Uploads').addEventNotification(s3.EventType.OBJECT_CREATED, new LambdaDestination(alias));
    alias.grantInvoke(new iam.ServicePrincipal('events.amazonaws.com'));
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('a function without provisioned concurrency may be invoked unqualified', () => {
    const stack = testStack();
    const f = fn(stack, 'Plain', 10);
    f.addEventSource(new SqsEventSource(new sqs.Queue(stack, 'Jobs')));
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: f.currentVersion });
    expect(lint(stack, RULE)).toEqual([]);
  });

  test('an ObservedFunction with provisioned concurrency, wired by the library, has no finding', () => {
    const stack = testStack();
    const observed = new ObservedFunction(stack, 'Checkout', { ...MINIMAL, provisionedConcurrency: { executions: 2 } });
    observed.consumeQueue(new ObservedQueue(stack, 'Jobs'));
    expect(lint(stack)).toEqual([]);
  });
});

describe('UnqualifiedInvoke, one finding per invoker and function', () => {
  test('an HTTP API route and the permission that lets it invoke are one finding, on the integration (sst issue 6390)', () => {
    const stack = testStack();
    const handler = fn(stack, 'Handler');
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: handler.currentVersion, provisionedConcurrentExecutions: 2 });
    const api = new apigwv2.HttpApi(stack, 'Api');
    api.addRoutes({ path: '/', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('HandlerIntegration', handler) });
    expect(lines(lint(stack, 'UnqualifiedInvoke'))).toEqual(['warning ServerlessOps-UnqualifiedInvoke TestStack/Api/GET--/HandlerIntegration/Resource']);
  });
});
