import { CfnQueryDefinition, ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { alarmName } from '../core/alarm-naming';
import { FUNCTION_LOG_QUERIES } from '../core/function-log-queries';

/**
 * The function's log queries as saved Logs Insights queries on its log group, named like its
 * alarms (`<stack name>/<path>/<title>`: the console shows them in folders by stack and path).
 */
export function saveLogQueries(fn: Construct, logGroup: ILogGroup): CfnQueryDefinition[] {
  return Object.values(FUNCTION_LOG_QUERIES).map(q => new CfnQueryDefinition(fn, `${q.id.charAt(0).toUpperCase()}${q.id.slice(1)}Query`, {
    name: alarmName(fn, q.title),
    queryString: q.query,
    logGroupNames: [logGroup.logGroupName],
  }));
}
