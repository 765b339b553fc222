import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { stubCode } from '../stub';

/**
 * the-simple-webservice with alarms and a dashboard: API Gateway 4xx/5xx/latency, the function's
 * error and throttle percentages (metric math) and p99 duration, the table's errors and throttles.
 * See SOURCE.md. The dashboard's widgets are left out (they create no alarm and no resource the
 * pack or cdk-nag judges, beyond the one dashboard, which is kept).
 */
export function build(app: App): void {
  const stack = new Stack(app, 'TheCloudwatchDashboardStack');
  const table = new dynamodb.Table(stack, 'Hits', {
    partitionKey: { name: 'path', type: dynamodb.AttributeType.STRING }, billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  });
  const fn = new lambda.Function(stack, 'DynamoLambdaHandler', {
    runtime: lambda.Runtime.NODEJS_12_X, code: stubCode(), handler: 'lambda.handler', environment: { HITS_TABLE_NAME: table.tableName },
  });
  table.grantReadWriteData(fn);
  const api = new apigwv2.HttpApi(stack, 'HttpAPI', { defaultIntegration: new HttpLambdaIntegration('DynamoLambdaIntegration', fn) });
  const errorTopic = new sns.Topic(stack, 'errorTopic');
  const apiMetric = (metricName: string, label: string, statistic: string) => new cloudwatch.Metric({
    metricName, namespace: 'AWS/ApiGateway', dimensionsMap: { ApiId: api.httpApiId }, unit: cloudwatch.Unit.COUNT, label, statistic, period: Duration.seconds(900),
  });
  const fiveMinutes = Duration.minutes(5);
  const alarms: [string, cloudwatch.IMetric, number][] = [
    ['API Gateway 4XX Errors > 1%', new cloudwatch.MathExpression({
      expression: 'm1/m2*100',
      label: '% API Gateway 4xx Errors',
      period: fiveMinutes,
      usingMetrics: { m1: apiMetric('4XXError', '4XX Errors', 'sum'), m2: apiMetric('Count', '# Requests', 'sum') },
    }), 1],
    ['API Gateway 5XX Errors > 0', apiMetric('5XXError', '5XX Errors', 'p99').with({ period: fiveMinutes }), 0],
    ['API p99 latency alarm >= 1s', apiMetric('Latency', 'API GW Latency', 'p99').with({ period: fiveMinutes }), 1000],
    ['Dynamo Lambda 2% Error', new cloudwatch.MathExpression({
      expression: 'e / i * 100',
      label: '% of invocations that errored, last 5 mins',
      period: fiveMinutes,
      usingMetrics: { i: fn.metric('Invocations', { statistic: 'sum' }), e: fn.metric('Errors', { statistic: 'sum' }) },
    }), 2],
    ['Dynamo Lambda p99 Long Duration (>1s)', fn.metricDuration({ period: fiveMinutes, statistic: 'p99' }), 1000],
    ['Dynamo Lambda 2% Throttled', new cloudwatch.MathExpression({
      expression: 't / (i + t) * 100',
      label: '% of throttled requests, last 30 mins',
      period: fiveMinutes,
      usingMetrics: { i: fn.metric('Invocations', { statistic: 'sum' }), t: fn.metric('Throttles', { statistic: 'sum' }) },
    }), 2],
    ['DynamoDB Table Reads/Writes Throttled', new cloudwatch.MathExpression({
      expression: 'm1 + m2',
      label: 'DynamoDB Throttles',
      period: fiveMinutes,
      usingMetrics: { m1: table.metric('ReadThrottleEvents', { statistic: 'sum' }), m2: table.metric('WriteThrottleEvents', { statistic: 'sum' }) },
    }), 1],
    ['DynamoDB Errors > 0', new cloudwatch.MathExpression({
      expression: 'm1 + m2',
      label: 'DynamoDB Errors',
      period: fiveMinutes,
      // aws-cdk-lib 2 refuses the 13 operations' metrics in one alarm (10 at most): the five operations the app's dashboard graphs
      usingMetrics: {
        m1: table.metricUserErrors(),
        m2: table.metricSystemErrorsForOperations({
          operations: [
            dynamodb.Operation.GET_ITEM, dynamodb.Operation.UPDATE_ITEM, dynamodb.Operation.PUT_ITEM,
            dynamodb.Operation.DELETE_ITEM, dynamodb.Operation.QUERY,
          ],
        }),
      },
    }), 0],
  ];
  for (const [id, metric, threshold] of alarms) {
    new cloudwatch.Alarm(stack, id, {
      metric, threshold, evaluationPeriods: 6, datapointsToAlarm: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(errorTopic));
  }
  new cloudwatch.Dashboard(stack, 'CloudWatchDashBoard');
  new CfnOutput(stack, 'HTTP API Url', { value: api.url ?? 'Something went wrong with the deploy' });
}
