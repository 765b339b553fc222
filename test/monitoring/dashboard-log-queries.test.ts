import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ObservedFunction, ObservedQueue } from '../../src';
import { FUNCTION_DASHBOARD_QUERIES } from '../../src/core/function-log-queries';
import { ObservedDashboard } from '../../src/monitoring/observed-dashboard';
import { MINIMAL } from '../helpers';

const ENV = { account: '123456789012', region: 'us-east-1' };

function widgets(stack: Stack): any[] {
  const [dashboard] = Object.values<any>(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboard.Properties.DashboardBody;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((p: any) => typeof p === 'string' ? p : JSON.stringify(p).replace(/"/g, '\'')).join('');
  return JSON.parse(text).widgets;
}

describe('ObservedDashboard Logs Insights widgets', () => {
  test('each function gets its errors, slowest invocations, memory and cold starts on its own log group, on one line', () => {
    const stack = new Stack(new App(), 'Orders', { env: ENV });
    new ObservedDashboard(stack, 'Ops');
    new ObservedFunction(stack, 'Handler', MINIMAL);
    new ObservedQueue(stack, 'Jobs');
    const logs = widgets(stack).filter(w => w.type === 'log');
    expect(logs.map(w => w.properties.title)).toEqual(FUNCTION_DASHBOARD_QUERIES.map(q => `Handler ${q.title}`));
    for (const [i, w] of logs.entries()) {
      const q = FUNCTION_DASHBOARD_QUERIES[i];
      expect(w.properties.query).toMatch(/^SOURCE '.*HandlerLogGroup.*' \| /);
      expect(w.properties.query).toContain(q.query);
      expect(w.properties.view).toBe(q.view === 'line' ? 'timeSeries' : 'table');
      expect(w.y).toBe(logs[0].y);
      expect(w.width).toBe(6);
    }
  });

  test('a function logging text gets none (the queries read JSON)', () => {
    const stack = new Stack(new App(), 'Orders', { env: ENV });
    new ObservedDashboard(stack, 'Ops');
    new ObservedFunction(stack, 'Handler', {
      ...MINIMAL, loggingFormat: lambda.LoggingFormat.TEXT, alarms: { timeouts: { enabled: false }, memoryUsedPercent: { enabled: false } },
    });
    expect(widgets(stack).filter(w => w.type === 'log')).toHaveLength(0);
  });

  test('a split dashboard keeps each function\'s log widgets with its title and graphs, within 500 widgets per dashboard', () => {
    const app = new App();
    const monitoring = new Stack(app, 'Monitoring', { env: ENV });
    const dashboard = new ObservedDashboard(monitoring, 'All');
    for (let s = 0; s < 4; s++) {
      const stack = new Stack(app, `Service${s}`, { env: ENV });
      for (let i = 0; i < 20; i++) new ObservedFunction(stack, `Fn${i}`, { ...MINIMAL, asyncFailureQueue: false });
    }
    const dashboards = Object.values<any>(Template.fromStack(monitoring).findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards.length).toBe(dashboard.dashboards.length);
    expect(dashboards.length).toBeGreaterThan(1);
    let functions = 0;
    for (const d of dashboards) {
      const body = d.Properties.DashboardBody;
      const text = body['Fn::Join'][1].map((p: any) => typeof p === 'string' ? p : 'REF').join('');
      const all = JSON.parse(text).widgets as any[];
      expect(all.length).toBeLessThanOrEqual(ObservedDashboard.MAX_WIDGETS);
      const titles = all.filter(w => w.type === 'text').length;
      expect(all.filter(w => w.type === 'log')).toHaveLength(titles * FUNCTION_DASHBOARD_QUERIES.length);
      functions += titles;
    }
    expect(functions).toBe(80);
  });
});
