import { Duration, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { ServerlessChecks } from 'cdk-nag';
import { ObservedHttpApi } from '../../src/api/observed-http-api';
import { ObservedRestApi } from '../../src/api/observed-rest-api';
import { ObservedFunction } from '../../src/function/observed-function';
import { MINIMAL, synth, testStack } from '../helpers';
import { acknowledgements, nagFindings } from '../nag';

function handler(stack: Stack): ObservedFunction {
  return new ObservedFunction(stack, 'Handler', { ...MINIMAL, asyncFailureQueue: false, timeout: Duration.seconds(6) });
}

describe('cdk-nag 3 AwsSolutions and Serverless packs on an ObservedRestApi', () => {
  test('defaults, with an IAM-authorized Lambda method: no finding at all (errors or warnings)', () => {
    const stack = testStack();
    new ObservedRestApi(stack, 'Api').addLambdaRoute('POST', '/orders', handler(stack), { authorizationType: apigateway.AuthorizationType.IAM });
    synth(stack);
    expect(nagFindings(stack)).toEqual([]);
  });

  test('the acknowledgements are the ones the README lists, each with a reason', () => {
    const stack = testStack();
    new ObservedRestApi(stack, 'Api').addLambdaRoute('POST', '/orders', handler(stack), { authorizationType: apigateway.AuthorizationType.IAM });
    expect(acknowledgements(stack, 81, 'TestStack/Api')).toEqual([
      'AwsSolutions-APIG3 TestStack/Api',
      'AwsSolutions-COG4 TestStack/Api',
    ]);
  });

  test('the shared execution-logging role acknowledges only the managed policy made for it', () => {
    const stack = testStack();
    new ObservedRestApi(stack, 'Api').addLambdaRoute('POST', '/orders', handler(stack), { authorizationType: apigateway.AuthorizationType.IAM });
    expect(acknowledgements(stack, 81, 'TestStack/ObservedApiGatewayAccount')).toEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs] TestStack/ObservedApiGatewayAccount/CloudWatchRole',
    ]);
  });

  test('an API stated to be open: no finding; APIG4 is acknowledged with the statement as its reason', () => {
    const stack = testStack();
    new ObservedRestApi(stack, 'Api', { allowUnauthenticatedAccess: true }).addLambdaRoute('GET', '/health', handler(stack));
    synth(stack);
    expect(nagFindings(stack)).toEqual([]);
    expect(acknowledgements(stack, 81, 'TestStack/Api')).toContain('AwsSolutions-APIG4 TestStack/Api');
  });

  test('execution logging turned off is reported (APIG6 is met by default, not acknowledged)', () => {
    const stack = testStack();
    new ObservedRestApi(stack, 'Api', { deployOptions: { loggingLevel: apigateway.MethodLoggingLevel.OFF } })
      .addLambdaRoute('POST', '/orders', handler(stack), { authorizationType: apigateway.AuthorizationType.IAM });
    expect(nagFindings(stack)).toEqual(['error AwsSolutions-APIG6 TestStack/Api/DeploymentStage.prod/Resource']);
  });

  test('the packs still fire where the user gives a default up: tracing off is reported', () => {
    const stack = testStack();
    new ObservedRestApi(stack, 'Api', { deployOptions: { tracingEnabled: false } })
      .addLambdaRoute('POST', '/orders', handler(stack), { authorizationType: apigateway.AuthorizationType.IAM });
    expect(nagFindings(stack, new ServerlessChecks())).toEqual(['warning Serverless-APIGWXrayEnabled TestStack/Api/DeploymentStage.prod/Resource']);
  });
});

describe('cdk-nag 3 AwsSolutions and Serverless packs on an ObservedHttpApi', () => {
  test('defaults, with an IAM-authorized Lambda route: no finding at all, and nothing acknowledged', () => {
    const stack = testStack();
    new ObservedHttpApi(stack, 'Api', { defaultAuthorizer: new HttpIamAuthorizer() })
      .addLambdaRoute(apigwv2.HttpMethod.POST, '/orders', handler(stack));
    synth(stack);
    expect(nagFindings(stack)).toEqual([]);
    expect(acknowledgements(stack, 81, 'TestStack/Api')).toEqual([]);
  });

  test('an API stated to be open: no finding; APIG4 is acknowledged', () => {
    const stack = testStack();
    new ObservedHttpApi(stack, 'Api', { allowUnauthenticatedAccess: true }).addLambdaRoute(apigwv2.HttpMethod.GET, '/health', handler(stack));
    synth(stack);
    expect(nagFindings(stack)).toEqual([]);
    expect(acknowledgements(stack, 81, 'TestStack/Api')).toEqual(['AwsSolutions-APIG4 TestStack/Api']);
  });
});
