import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The REST API shape three cdk-patterns apps share (the-big-fan, the-destined-lambda,
 * the-dynamo-streamer): a `prod` stage with metrics and INFO logging, one resource whose method
 * calls an AWS service directly (no function) with a role, a 200 and a 400 response with a model
 * each. Restated here once; each app passes its service, action, method and request template.
 */
export function serviceIntegrationApi(scope: import('constructs').Construct, id: string, props: {
  readonly resource: string;
  readonly method: string;
  readonly uri: string;
  readonly role: iam.IRole;
  readonly requestTemplate: string;
  readonly formEncoded: boolean;
  readonly errorPattern: string;
}): apigw.RestApi {
  const api = new apigw.RestApi(scope, id, {
    deployOptions: { metricsEnabled: true, loggingLevel: apigw.MethodLoggingLevel.INFO, dataTraceEnabled: true, stageName: 'prod' },
  });
  const model = (name: string, title: string, properties: string[]) => api.addModel(name, {
    contentType: 'application/json',
    modelName: name,
    schema: {
      schema: apigw.JsonSchemaVersion.DRAFT4,
      title,
      type: apigw.JsonSchemaType.OBJECT,
      properties: Object.fromEntries(properties.map(p => [p, { type: apigw.JsonSchemaType.STRING }])),
    },
  });
  const ok = model('ResponseModel', 'pollResponse', ['message']);
  const error = model('ErrorResponseModel', 'errorResponse', ['state', 'message']);
  const headers = ['Content-Type', 'Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials'].map(h => `method.response.header.${h}`);
  api.root.addResource(props.resource).addMethod(props.method, new apigw.Integration({
    type: apigw.IntegrationType.AWS,
    integrationHttpMethod: 'POST',
    uri: props.uri,
    options: {
      credentialsRole: props.role,
      requestParameters: props.formEncoded ? { 'integration.request.header.Content-Type': "'application/x-www-form-urlencoded'" } : undefined,
      requestTemplates: { 'application/json': props.requestTemplate },
      passthroughBehavior: apigw.PassthroughBehavior.NEVER,
      integrationResponses: [
        { statusCode: '200', responseTemplates: { 'application/json': JSON.stringify({ message: 'ok' }) } },
        {
          selectionPattern: props.errorPattern,
          statusCode: '400',
          responseTemplates: { 'application/json': JSON.stringify({ state: 'error', message: "$util.escapeJavaScript($input.path('$.errorMessage'))" }) },
          responseParameters: {
            [headers[0]]: "'application/json'", [headers[1]]: "'*'", [headers[2]]: "'true'",
          },
        },
      ],
    },
  }), {
    methodResponses: [
      { statusCode: '200', responseParameters: Object.fromEntries(headers.map(h => [h, true])), responseModels: { 'application/json': ok } },
      { statusCode: '400', responseParameters: Object.fromEntries(headers.map(h => [h, true])), responseModels: { 'application/json': error } },
    ],
  });
  return api;
}
