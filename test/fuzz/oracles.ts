import { App, CfnResource, Stack } from 'aws-cdk-lib';

type Json = any;

/** Every resource of the app (nested stacks included) with its resolved properties. */
export function resources(app: App): Array<{ path: string; type: string; props: Json; logicalId: string; stack: Stack }> {
  const out = [];
  for (const c of app.node.findAll()) {
    if (!CfnResource.isCfnResource(c)) continue;
    const stack = Stack.of(c);
    const cfn = stack.resolve((c as any)._toCloudFormation()) as { Resources: Record<string, { Type: string; Properties?: Json }> };
    for (const [logicalId, r] of Object.entries(cfn.Resources)) {
      out.push({ path: c.node.path, type: r.Type, props: r.Properties ?? {}, logicalId, stack });
    }
  }
  return out;
}

const isNum = (v: unknown): v is number => typeof v === 'number';
const whole = (v: unknown) => !isNum(v) || Number.isInteger(v);

/** Limits that CloudFormation's schemas do not check but AWS enforces at deploy time. */
export function templateProblems(app: App): string | undefined {
  for (const r of resources(app)) {
    const p = r.props;
    const at = `${r.path} (${r.type})`;
    switch (r.type) {
      case 'AWS::CloudWatch::Alarm': {
        const periods = [p.Period, ...(p.Metrics ?? []).map((m: Json) => m.MetricStat?.Period ?? m.Period)].filter(isNum);
        for (const period of periods) {
          if (![10, 20, 30].includes(period) && period % 60 !== 0) return `${at}: Period ${period}`;
          if (isNum(p.EvaluationPeriods) && period * p.EvaluationPeriods > 86_400) return `${at}: ${p.EvaluationPeriods} x ${period} s > 1 day`;
        }
        if (!whole(p.EvaluationPeriods) || !whole(p.DatapointsToAlarm)) return `${at}: fractional periods or datapoints`;
        if (isNum(p.EvaluationPeriods) && isNum(p.DatapointsToAlarm) && p.DatapointsToAlarm > p.EvaluationPeriods) return `${at}: datapoints above periods`;
        if (typeof p.AlarmName === 'string' && p.AlarmName.length > 255) return `${at}: alarm name of ${p.AlarmName.length} characters`;
        break;
      }
      case 'AWS::CloudWatch::CompositeAlarm': {
        if (typeof p.AlarmRule === 'string') {
          const reduced = p.AlarmRule.replace(/ALARM\("[^"]*"\)/g, 'X');
          if (!/^(FALSE|X( OR X)*)$/.test(reduced)) return `${at}: malformed AlarmRule ${p.AlarmRule.slice(0, 200)}`;
        }
        break;
      }
      case 'AWS::CloudWatch::Dashboard':
        if (typeof p.DashboardName === 'string' && !/^[A-Za-z0-9_-]{1,255}$/.test(p.DashboardName)) return `${at}: DashboardName '${p.DashboardName}'`;
        break;
      case 'AWS::ApiGateway::Stage':
        for (const s of p.MethodSettings ?? []) if (!whole(s.ThrottlingBurstLimit)) return `${at}: ThrottlingBurstLimit ${s.ThrottlingBurstLimit}`;
        break;
      case 'AWS::ApiGatewayV2::Stage':
        if (!whole(p.DefaultRouteSettings?.ThrottlingBurstLimit)) return `${at}: ThrottlingBurstLimit ${p.DefaultRouteSettings.ThrottlingBurstLimit}`;
        break;
      case 'AWS::Lambda::Function':
        if (!whole(p.Timeout) || !whole(p.MemorySize) || !whole(p.ReservedConcurrentExecutions)) return `${at}: fractional Timeout, MemorySize or ReservedConcurrentExecutions`;
        break;
      case 'AWS::Lambda::EventSourceMapping':
        if (!whole(p.MaximumBatchingWindowInSeconds) || !whole(p.BatchSize) || !whole(p.MaximumRecordAgeInSeconds)) return `${at}: fractional batching window, batch size or record age`;
        break;
      case 'AWS::Lambda::EventInvokeConfig':
        if (!whole(p.MaximumEventAgeInSeconds)) return `${at}: fractional MaximumEventAgeInSeconds`;
        break;
      case 'AWS::SQS::Queue':
        if (!whole(p.VisibilityTimeout)) return `${at}: fractional VisibilityTimeout`;
        break;
      case 'Custom::S3BucketNotifications': {
        const problem = notificationProblem(p.NotificationConfiguration?.LambdaFunctionConfigurations ?? []);
        if (problem) return `${at}: ${problem}`;
        break;
      }
    }
  }
  return undefined;
}

/** S3 rejects overlapping configurations for a common event type; filters match literally, up to 1024 bytes. */
function notificationProblem(configs: Json[]): string | undefined {
  const filters = configs.map(c => {
    const rules: Json[] = c.Filter?.Key?.FilterRules ?? [];
    const value = (name: string) => rules.find(r => String(r.Name).toLowerCase() === name)?.Value as string | undefined;
    return { events: c.Events as string[], prefix: value('prefix') ?? '', suffix: value('suffix') ?? '' };
  });
  for (const f of filters) {
    if (f.prefix.includes('*') || f.suffix.includes('*')) return `a filter with a literal '*' (${f.prefix} / ${f.suffix})`;
    if (Buffer.byteLength(f.prefix) > 1024 || Buffer.byteLength(f.suffix) > 1024) return 'a filter longer than 1024 bytes';
  }
  for (let i = 0; i < filters.length; i++) {
    for (let j = i + 1; j < filters.length; j++) {
      const a = filters[i], b = filters[j];
      const prefixes = a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
      const suffixes = a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix);
      const events = a.events.some(x => b.events.some(y => eventsOverlap(x, y)));
      if (prefixes && suffixes && events) return `overlapping notifications ('${a.prefix}'/'${a.suffix}' and '${b.prefix}'/'${b.suffix}')`;
    }
  }
  return undefined;
}

function eventsOverlap(a: string, b: string): boolean {
  const base = (e: string) => e.endsWith(':*') ? e.slice(0, -1) : e;
  return a === b || (a.endsWith(':*') && b.startsWith(base(a))) || (b.endsWith(':*') && a.startsWith(base(b)));
}
