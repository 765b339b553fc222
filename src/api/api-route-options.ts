import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';

/**
 * A Lambda route of an ObservedRestApi (`api.addLambdaRoute(...)`): every method option, plus the
 * integration timeout.
 */
export interface RestLambdaRouteOptions extends apigateway.MethodOptions {
  /**
   * How long API Gateway waits for the function before it answers 504. The function's timeout
   * must end at least `ObservedRestApi.LAMBDA_TIMEOUT_MARGIN` before it; an ObservedFunction
   * without an explicit timeout is given one that does. 50 ms to 29 seconds; more only on a
   * Regional or private endpoint after a quota increase.
   *
   * @default Duration.seconds(29)
   */
  readonly integrationTimeout?: Duration;
}

/**
 * A Lambda route of an ObservedHttpApi (`api.addLambdaRoute(...)`).
 */
export interface HttpLambdaRouteOptions {
  /**
   * How long API Gateway waits for the function before it answers 504. The function's timeout
   * must end at least `ObservedHttpApi.LAMBDA_TIMEOUT_MARGIN` before it; an ObservedFunction
   * without an explicit timeout is given one that does. HTTP APIs allow 50 ms to 30 seconds.
   *
   * @default - API Gateway's default and maximum for HTTP APIs, 30 seconds
   */
  readonly integrationTimeout?: Duration;

  /**
   * Who may call the route.
   *
   * @default - the API's defaultAuthorizer; without one, the API must set allowUnauthenticatedAccess
   */
  readonly authorizer?: apigwv2.IHttpRouteAuthorizer;

  /**
   * The scopes a JWT authorizer requires.
   *
   * @default - the API's defaultAuthorizationScopes
   */
  readonly authorizationScopes?: string[];
}
