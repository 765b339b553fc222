import { Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as fc from 'fast-check';
import { functionProps, FunctionSpec, makeFunction } from './function';
import { ObservedHttpApi, ObservedRestApi } from '../../../src';
import { REST_API_ALARMS } from '../../../src/api/api-alarm-catalog';
import { alarmOptions, alarmProps, alarmSpecs, alarmsWrong, AlarmSpecs } from '../alarms';
import { FuzzCase } from '../case';
import { constructId, Dur, dur, durationIn, maybe, num, Num, numberIn } from '../values';

interface RouteSpec {
  readonly fn: FunctionSpec;
  readonly path: string;
  readonly integrationTimeout?: Dur;
}

interface ApiSpec {
  readonly id: string;
  readonly http: boolean;
  readonly edge?: boolean;
  readonly rateLimit?: Num;
  readonly burstLimit?: Num;
  readonly open: boolean;
  readonly alarms?: AlarmSpecs;
  readonly routes: RouteSpec[];
}

const integrationTimeout: fc.Arbitrary<Dur> = fc.oneof(
  durationIn(1, 29),
  fc.constantFrom<Dur>({ unit: 'seconds', amount: 30 }, { unit: 'seconds', amount: 31 }, { unit: 'seconds', amount: 45 },
    { unit: 'millis', amount: 50 }, { unit: 'millis', amount: 49 }, { unit: 'millis', amount: 1500 }, { unit: 'millis', amount: 29_500 }),
);

const routeSpec: fc.Arbitrary<RouteSpec> = fc.record({
  fn: fc.record({ id: fc.constant('Fn'), timeout: maybe(durationIn(1, 40)), asyncFailureQueue: fc.constant(false) }),
  path: fc.constantFrom('/orders', '/orders/{id}', '/health'),
  integrationTimeout: maybe(integrationTimeout),
});

const apiSpec: fc.Arbitrary<ApiSpec> = fc.record({
  id: constructId,
  http: fc.boolean(),
  edge: maybe(fc.boolean()),
  rateLimit: maybe(numberIn(0, 10_000)),
  burstLimit: maybe(fc.oneof(numberIn(0, 5000), fc.constant(12.5))),
  open: fc.boolean(),
  alarms: alarmSpecs(Object.keys(REST_API_ALARMS)),
  routes: fc.array(routeSpec, { minLength: 0, maxLength: 2 }),
});

export const apiCase: fc.Arbitrary<FuzzCase> = apiSpec.map(spec => {
  let api: ObservedRestApi | ObservedHttpApi | undefined;
  const props = alarmProps('alarms', spec.alarms);
  if (spec.rateLimit !== undefined) props.push(spec.http ? 'throttle.rateLimit' : 'deployOptions.throttlingRateLimit');
  if (spec.burstLimit !== undefined) props.push(spec.http ? 'throttle.burstLimit' : 'deployOptions.throttlingBurstLimit');
  if (!spec.open) props.push('authorizationType');
  for (const r of spec.routes) {
    props.push(...functionProps(r.fn));
    if (r.integrationTimeout !== undefined) props.push('integration timeout', 'integrationTimeout');
    // the function's timeout is judged against the integration's, given or default
    props.push('timeout');
  }
  return {
    target: spec.http ? 'ObservedHttpApi' : 'ObservedRestApi',
    input: spec,
    props,
    build: (stack: Stack) => {
      const alarms = alarmOptions(stack, spec.alarms);
      if (spec.http) {
        const http = new ObservedHttpApi(stack, spec.id, {
          allowUnauthenticatedAccess: spec.open,
          throttle: { rateLimit: num(stack, spec.rateLimit), burstLimit: num(stack, spec.burstLimit) },
          alarms,
        });
        api = http;
        spec.routes.forEach((r, i) => http.addLambdaRoute(apigwv2.HttpMethod.GET, `/r${i}${r.path}`, makeFunction(stack, { ...r.fn, id: `Fn${i}` }),
          { integrationTimeout: dur(stack, r.integrationTimeout) }));
      } else {
        const rest = new ObservedRestApi(stack, spec.id, {
          allowUnauthenticatedAccess: spec.open,
          endpointTypes: spec.edge === undefined ? undefined : [spec.edge ? apigateway.EndpointType.EDGE : apigateway.EndpointType.REGIONAL],
          deployOptions: { throttlingRateLimit: num(stack, spec.rateLimit), throttlingBurstLimit: num(stack, spec.burstLimit) },
          alarms,
        });
        api = rest;
        spec.routes.forEach((r, i) => rest.addLambdaRoute('GET', `/r${i}${r.path}`, makeFunction(stack, { ...r.fn, id: `Fn${i}` }),
          { integrationTimeout: dur(stack, r.integrationTimeout) }));
        if (spec.routes.length === 0) rest.root.addMethod('GET', new apigateway.MockIntegration());
      }
    },
    wrong: (stack: Stack) => alarmsWrong(stack, api!.alarms, REST_API_ALARMS, spec.alarms),
  };
});
