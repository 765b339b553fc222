/* eslint-disable @stylistic/max-len */
/**
 * Other tools' default Lambda alarms, written as CloudFormation alarm definitions from their
 * published defaults (no code of theirs), so the simulator can evaluate them on the same
 * scenarios as ours.
 *
 * - serverless-plugin-aws-alerts, the default set of its README ("Default definitions":
 *   functionThrottles and functionErrors global, functionInvocations and functionDuration per
 *   function) with the values of its default definitions: 1-minute periods, 1 of 1 data points;
 *   functionErrors Errors (Sum) >= 1, functionThrottles Throttles (Sum) >= 1, functionDuration
 *   Duration (Average) >= 500 ms, functionInvocations Invocations (Sum) >= 100. TreatMissingData is
 *   not set (CloudWatch's default, missing). The detection benchmark also counts it without
 *   functionInvocations, which alarms on traffic, not on failures.
 * - cdk-watchful, the defaults of `watchLambdaFunction` (WatchLambdaFunctionOptions in its
 *   src/lambda.ts and API.md: errorsPerMinuteThreshold 0, throttlesPerMinuteThreshold 0,
 *   durationThresholdPercent 80) with its 5-minute periods and 3 evaluation periods
 *   (DatapointsToAlarm not set: 3 of 3); errors (Sum) > 0, throttles (Sum) > 0, p99 duration > 80%
 *   of the timeout (whole seconds, rounded down). TreatMissingData is not set.
 *
 * Only these Lambda alarms are modelled: neither tool's queue, table or API alarms.
 */
export type PeerTool = 'serverless-plugin-aws-alerts' | 'cdk-watchful';

export const PEER_TOOLS: PeerTool[] = ['serverless-plugin-aws-alerts', 'cdk-watchful'];

interface PeerAlarm { suffix: string; metricName: string; stat: string; comparison: string; threshold: (timeoutSeconds: number) => number; periodSeconds: number; evaluationPeriods: number }

const DEFINITIONS: { [tool in PeerTool]: PeerAlarm[] } = {
  'serverless-plugin-aws-alerts': [
    { suffix: 'functionErrors', metricName: 'Errors', stat: 'Sum', comparison: 'GreaterThanOrEqualToThreshold', threshold: () => 1, periodSeconds: 60, evaluationPeriods: 1 },
    { suffix: 'functionThrottles', metricName: 'Throttles', stat: 'Sum', comparison: 'GreaterThanOrEqualToThreshold', threshold: () => 1, periodSeconds: 60, evaluationPeriods: 1 },
    { suffix: 'functionDuration', metricName: 'Duration', stat: 'Average', comparison: 'GreaterThanOrEqualToThreshold', threshold: () => 500, periodSeconds: 60, evaluationPeriods: 1 },
    { suffix: 'functionInvocations', metricName: 'Invocations', stat: 'Sum', comparison: 'GreaterThanOrEqualToThreshold', threshold: () => 100, periodSeconds: 60, evaluationPeriods: 1 },
  ],
  'cdk-watchful': [
    { suffix: 'ErrorsAlarm', metricName: 'Errors', stat: 'Sum', comparison: 'GreaterThanThreshold', threshold: () => 0, periodSeconds: 300, evaluationPeriods: 3 },
    { suffix: 'ThrottlesAlarm', metricName: 'Throttles', stat: 'Sum', comparison: 'GreaterThanThreshold', threshold: () => 0, periodSeconds: 300, evaluationPeriods: 3 },
    { suffix: 'DurationAlarm', metricName: 'Duration', stat: 'p99', comparison: 'GreaterThanThreshold', threshold: t => Math.floor(0.8 * t) * 1000, periodSeconds: 300, evaluationPeriods: 3 },
  ],
};

/** The peer's alarm resources for one function (by logical id). */
export function peerAlarms(tool: PeerTool, functionLogicalId: string, timeoutSeconds: number): { [logicalId: string]: unknown } {
  const out: { [logicalId: string]: unknown } = {};
  for (const d of DEFINITIONS[tool]) {
    const percentile = /^p\d/.test(d.stat);
    out[`${functionLogicalId}${d.suffix.replace(/^./, c => c.toUpperCase())}Peer`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: { 'Fn::Join': ['', [{ Ref: functionLogicalId }, `-${d.suffix}`]] },
        Namespace: 'AWS/Lambda',
        MetricName: d.metricName,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionLogicalId } }],
        ...(percentile ? { ExtendedStatistic: d.stat } : { Statistic: d.stat }),
        Period: d.periodSeconds,
        EvaluationPeriods: d.evaluationPeriods,
        ...(d.evaluationPeriods === 1 ? { DatapointsToAlarm: 1 } : {}),
        ComparisonOperator: d.comparison,
        Threshold: d.threshold(timeoutSeconds),
      },
    };
  }
  return out;
}

/**
 * A copy of a template with its alarms replaced by a peer's default alarms on the given
 * functions (everything else, e.g. metric filters, stays).
 */
export function withPeerAlarms(template: any, tool: PeerTool, functions: ReadonlyArray<{ logicalId: string; timeoutSeconds: number }>): any {
  const resources: { [id: string]: any } = {};
  for (const [id, r] of Object.entries<any>(template.Resources ?? {})) {
    if (r.Type !== 'AWS::CloudWatch::Alarm' && r.Type !== 'AWS::CloudWatch::CompositeAlarm') resources[id] = r;
  }
  for (const f of functions) Object.assign(resources, peerAlarms(tool, f.logicalId, f.timeoutSeconds));
  return { ...template, Resources: resources };
}
