import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { CodeStorageMonitor, ObservedFunction, ObservedQueue, ObservedTable } from '../../src';
import { ObservedDashboard } from '../../src/monitoring/observed-dashboard';

const DASHBOARD_MAX_WIDGETS = ObservedDashboard.MAX_WIDGETS;
const DASHBOARD_MAX_BODY_BYTES = ObservedDashboard.MAX_BODY_BYTES;
import { MINIMAL } from '../helpers';

const ENV = { account: '123456789012', region: 'us-east-1' };

/** The dashboard bodies of a stack, resolved to JSON (references stay as CloudFormation intrinsics). */
function bodies(stack: Stack): { name: string; widgets: any[]; bytes: number }[] {
  const dashboards = Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard');
  return Object.values(dashboards).map((d: any) => {
    const body = d.Properties.DashboardBody;
    const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((p: any) => typeof p === 'string' ? p : 'REF').join('');
    return { name: d.Properties.DashboardName, widgets: JSON.parse(text).widgets, bytes: JSON.stringify(body).length };
  });
}

describe('ObservedDashboard', () => {
  test('one row per observed construct: errors, throttles, duration against the timeout, queue age, table throttles, code storage', () => {
    const app = new App();
    const stack = new Stack(app, 'Orders', { env: ENV });
    const dashboard = new ObservedDashboard(stack, 'Ops');
    const fn = new ObservedFunction(stack, 'Handler', { ...MINIMAL, asyncFailureQueue: false });
    fn.consumeQueue(new ObservedQueue(stack, 'Jobs'));
    new ObservedTable(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    new CodeStorageMonitor(stack, 'CodeStorage');
    const [body] = bodies(stack);
    expect(dashboard.dashboards).toHaveLength(1);
    expect(body.name).toBe('Orders-Ops');
    const texts = body.widgets.filter(w => w.type === 'text').map(w => w.properties.markdown);
    expect(texts).toEqual(expect.arrayContaining(['### Orders/Handler', '### Orders/Jobs', '### Orders/Table', '### Orders/CodeStorage']));
    const titles = body.widgets.filter(w => w.type === 'metric').map(w => w.properties.title);
    expect(titles).toEqual(expect.arrayContaining([
      'Handler ErrorRate', 'Handler Throttles', 'Handler DurationNearTimeout', 'Handler Timeouts',
      'Jobs Backpressure', 'Jobs StuckConsumer', 'Jobs DeadLetterQueueMessages',
      'Table ReadThrottleEvents', 'Table WriteThrottleEvents', 'CodeStorage CodeStorageNearLimit',
    ]));
    const duration = body.widgets.find(w => w.properties.title === 'Handler DurationNearTimeout');
    // threshold 80 % of the default 10 s timeout, and the timeout itself
    expect(duration.properties.annotations.horizontal).toEqual([
      { value: 8000, label: 'alarm threshold (durationP99PercentOfTimeout)', yAxis: 'left' },
      { value: 10000, label: 'timeout', yAxis: 'left' },
    ]);
    expect(duration.properties.metrics[0].slice(0, 2)).toEqual(['AWS/Lambda', 'Duration']);
    for (const w of body.widgets) expect(w.x + w.width).toBeLessThanOrEqual(24);
  });

  test('split before the widget and body limits; every construct keeps its row', () => {
    const app = new App();
    const monitoring = new Stack(app, 'Monitoring', { env: ENV });
    const dashboard = new ObservedDashboard(monitoring, 'All', { dashboardName: 'all-services' });
    for (let s = 0; s < 4; s++) {
      const stack = new Stack(app, `Service${s}`, { env: ENV });
      for (let i = 0; i < 20; i++) new ObservedFunction(stack, `Fn${i}`, { ...MINIMAL, asyncFailureQueue: false });
    }
    const all = bodies(monitoring);
    expect(dashboard.dashboards.length).toBeGreaterThan(1);
    expect(all.map(b => b.name)).toEqual(['all-services', ...all.slice(1).map((_, i) => `all-services-${i + 2}`)]);
    for (const b of all) {
      expect(b.widgets.length).toBeLessThanOrEqual(DASHBOARD_MAX_WIDGETS);
      expect(b.bytes).toBeLessThanOrEqual(DASHBOARD_MAX_BODY_BYTES * 1.5);
    }
    const headers = all.flatMap(b => b.widgets.filter(w => w.type === 'text').map(w => w.properties.markdown));
    expect(headers).toHaveLength(80);
    expect(new Set(headers).size).toBe(80);
  });
});
