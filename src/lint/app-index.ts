import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { isCdkInternal } from './cdk-internal';
import { LiteralArn, Statement, statementsOf } from './iam';
import { booleanValue, isRef, numberValue, Part, parts, partsIn, prop, readJson, Ref, refIn, stringValue, UNKNOWN } from './values';

/** CloudFormation resource types the rules read. */
export const T = {
  function: 'AWS::Lambda::Function',
  alias: 'AWS::Lambda::Alias',
  version: 'AWS::Lambda::Version',
  eventSourceMapping: 'AWS::Lambda::EventSourceMapping',
  queue: 'AWS::SQS::Queue',
  topic: 'AWS::SNS::Topic',
  subscription: 'AWS::SNS::Subscription',
  table: 'AWS::DynamoDB::Table',
  globalTable: 'AWS::DynamoDB::GlobalTable',
  stream: 'AWS::Kinesis::Stream',
  streamConsumer: 'AWS::Kinesis::StreamConsumer',
  bucket: 'AWS::S3::Bucket',
  bucketNotifications: 'Custom::S3BucketNotifications',
  role: 'AWS::IAM::Role',
  policy: 'AWS::IAM::Policy',
  managedPolicy: 'AWS::IAM::ManagedPolicy',
  rolePolicy: 'AWS::IAM::RolePolicy',
  alarm: 'AWS::CloudWatch::Alarm',
  restMethod: 'AWS::ApiGateway::Method',
  restResource: 'AWS::ApiGateway::Resource',
  restApi: 'AWS::ApiGateway::RestApi',
  httpApi: 'AWS::ApiGatewayV2::Api',
  httpIntegration: 'AWS::ApiGatewayV2::Integration',
  httpRoute: 'AWS::ApiGatewayV2::Route',
} as const;

/** Lambda's timeout when none is set. */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 3;

/** The kinds of event source the rules tell apart. */
export type SourceKind = 'sqs' | 'dynamodb' | 'kinesis';

/** An event source mapping and what it connects. */
export interface EventSource {
  readonly mapping: CfnResource;
  /** The function it invokes (through an alias or version), when it is in the app. */
  readonly fn?: CfnResource;
  readonly kind?: SourceKind;
  /** The queue, table or stream, when it is in the app. */
  readonly source?: CfnResource;
  /** Whether the mapping is enabled; undefined when `Enabled` is not known at synth. */
  readonly enabled: boolean | undefined;
}

/** An SNS subscription of a function. */
export interface TopicSubscription {
  readonly topic: CfnResource;
  /** The subscription resource (or the topic, for inline subscriptions). */
  readonly via: CfnResource;
}

/** An S3 event notification to a function. */
export interface BucketNotification {
  readonly bucket: CfnResource;
  readonly events: readonly string[];
  /** The key prefix filter ('' for none); undefined when it is not known at synth. */
  readonly prefix: string | undefined;
  /** The key suffix filter ('' for none); undefined when it is not known at synth. */
  readonly suffix: string | undefined;
  /** The resource that configures it (the bucket, or CDK's notifications custom resource). */
  readonly via: CfnResource;
}

/** A method or route of an API Gateway API whose integration invokes a function. */
export interface ApiIntegration {
  readonly api: 'REST' | 'HTTP' | 'WebSocket' | 'HTTP or WebSocket';
  /** `POST /orders`, `GET /`, `$default` */
  readonly route: string;
  /** The method or integration resource. */
  readonly via: CfnResource;
  /** The integration timeout in ms; explicit, or API Gateway's default for the API type. */
  readonly timeoutMs: number;
  readonly explicitTimeout: boolean;
}

/** Which resources alarms watch, for one metric. */
export interface AlarmCoverage {
  readonly watched: ReadonlySet<CfnResource>;
  /** An alarm on the metric without the dimension (all functions, all queues). */
  readonly all: boolean;
  /** An alarm on the metric whose dimension value cannot be traced: coverage cannot be judged. */
  readonly unknown: boolean;
}

/**
 * An index of an app (or any scope), built once per validation by one walk of the construct
 * tree. Everything a rule needs about other resources comes from here: the relations (which
 * function a mapping invokes, which role a function has, which alarms watch a function) are
 * computed on first use by one pass over the resources of the types involved, and memoized, so
 * that linting stays linear in the number of resources. Rules never walk the tree themselves.
 */
export class AppIndex {
  /** Walks `scope` once and indexes its CloudFormation resources. */
  public static build(scope: IConstruct): AppIndex {
    const resources: CfnResource[] = [];
    const walk = (c: IConstruct) => {
      if (CfnResource.isCfnResource(c)) resources.push(c);
      for (const child of c.node.children) walk(child);
    };
    walk(scope);
    return new AppIndex(resources);
  }

  /** Every CloudFormation resource under the scope, in tree order. */
  public readonly resources: readonly CfnResource[];

  private readonly byType = new Map<string, CfnResource[]>();
  private readonly memo = new Map<string, Map<CfnResource, unknown>>();
  private readonly relations = new Map<string, unknown>();

  private constructor(resources: CfnResource[]) {
    this.resources = resources;
    for (const r of resources) {
      let list = this.byType.get(r.cfnResourceType);
      if (!list) this.byType.set(r.cfnResourceType, list = []);
      list.push(r);
    }
  }

  /** The resources of one CloudFormation type. */
  public ofType(type: string): readonly CfnResource[] {
    return this.byType.get(type) ?? [];
  }

  /** A resource's name in messages: its construct path without the trailing `/Resource`. */
  public name(node: CfnResource): string {
    return node.node.path.replace(/\/Resource$/, '');
  }

  /** Whether aws-cdk-lib added the resource on its own (custom-resource handlers and what they own). */
  public isCdkInternal(node: CfnResource): boolean {
    return this.cached('internal', node, () => isCdkInternal(node));
  }

  // ---------------------------------------------------------------- Lambda

  /** A function's timeout in seconds: Lambda's 3 s when absent, undefined when not known at synth. */
  public timeoutSeconds(fn: CfnResource): number | undefined {
    const raw = prop(fn, 'Timeout');
    return raw === undefined ? DEFAULT_FUNCTION_TIMEOUT_SECONDS : numberValue(fn, raw);
  }

  /** "10 s", or "3 s (Lambda's default)" */
  public describeTimeout(fn: CfnResource): string {
    const seconds = this.timeoutSeconds(fn);
    return prop(fn, 'Timeout') === undefined ? `${seconds} s (Lambda's default)` : `${seconds} s`;
  }

  /** The function a value names: a function, alias or version reference, an ARN or a literal name. */
  public functionOf(from: CfnResource, value: unknown): CfnResource | undefined {
    return this.functionOfParts(parts(from, value));
  }

  /** The function a mapping, alias or version invokes. */
  public functionOfParts(p: readonly Part[]): CfnResource | undefined {
    const first = p[0];
    if (isRef(first)) {
      const r = first.resource;
      if (r.cfnResourceType === T.function) return r;
      if (r.cfnResourceType === T.alias || r.cfnResourceType === T.version) {
        return this.cached('fnOf', r, () => this.functionOf(r, prop(r, 'FunctionName')));
      }
      return undefined;
    }
    if (p.length !== 1 || typeof first !== 'string') return undefined;
    // arn:aws:lambda:region:account:function:name[:qualifier], or name[:qualifier]
    const m = /^arn:[^:]*:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(first) ?? /^([^:]+)(:[^:]+)?$/.exec(first);
    return m ? this.byName(T.function, m[1]) : undefined;
  }

  /** The function an alias or version belongs to. */
  public ownerFunction(aliasOrVersion: CfnResource): CfnResource | undefined {
    return this.functionOfParts([{ resource: aliasOrVersion, attribute: 'Ref' }]);
  }

  /** The aliases and versions of a function. */
  public aliasesOf(fn: CfnResource): readonly CfnResource[] {
    return this.relation('aliases', () => group([...this.ofType(T.alias), ...this.ofType(T.version)], a => this.ownerFunction(a))).get(fn) ?? [];
  }

  /** The role a function runs with, when it is in the app. */
  public roleOf(fn: CfnResource): CfnResource | undefined {
    return this.cached('role', fn, () => {
      const p = parts(fn, prop(fn, 'Role'));
      if (isRef(p[0]) && p.length === 1) return p[0].resource.cfnResourceType === T.role ? p[0].resource : undefined;
      const m = p.length === 1 && typeof p[0] === 'string' ? /^arn:[^:]*:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(p[0]) : null;
      return m ? this.byName(T.role, m[1]) : undefined;
    });
  }

  /** The event source mappings that invoke a function. */
  public eventSourcesOf(fn: CfnResource): readonly EventSource[] {
    return this.relation('sourcesByFunction', () => group(this.ofType(T.eventSourceMapping).map(m => this.eventSource(m)), s => s.fn)).get(fn) ?? [];
  }

  /** What an event source mapping connects. */
  public eventSource(mapping: CfnResource): EventSource {
    return this.cached('eventSource', mapping, () => {
      const fn = this.functionOf(mapping, prop(mapping, 'FunctionName'));
      const raw = prop(mapping, 'Enabled');
      const enabled = raw === undefined ? true : booleanValue(mapping, raw);
      const { kind, source } = this.sourceOf(mapping);
      return { mapping, fn, kind, source, enabled };
    });
  }

  private sourceOf(mapping: CfnResource): { kind?: SourceKind; source?: CfnResource } {
    const p = parts(mapping, prop(mapping, 'EventSourceArn'));
    const first = p[0];
    if (isRef(first) && p.length === 1) {
      const r = first.resource;
      switch (r.cfnResourceType) {
        case T.queue: return { kind: 'sqs', source: r };
        case T.table:
        case T.globalTable: return /StreamArn$/i.test(first.attribute) ? { kind: 'dynamodb', source: r } : {};
        case T.stream: return { kind: 'kinesis', source: r };
        case T.streamConsumer: {
          const stream = parts(r, prop(r, 'StreamARN'))[0];
          return { kind: 'kinesis', source: isRef(stream) ? stream.resource : undefined };
        }
        default: return {};
      }
    }
    if (p.length !== 1 || typeof first !== 'string') return {};
    let m = /^arn:[^:]*:sqs:[^:]*:[^:]*:(.+)$/.exec(first);
    if (m) return { kind: 'sqs', source: this.byName(T.queue, m[1]) };
    m = /^arn:[^:]*:dynamodb:[^:]*:[^:]*:table\/([^/]+)\/stream\//.exec(first);
    if (m) return { kind: 'dynamodb', source: this.byName(T.table, m[1]) ?? this.byName(T.globalTable, m[1]) };
    m = /^arn:[^:]*:kinesis:[^:]*:[^:]*:stream\/([^/]+)/.exec(first);
    if (m) return { kind: 'kinesis', source: this.byName(T.stream, m[1]) };
    return {};
  }

  /** The SNS topics a function is subscribed to. */
  public subscriptionsOf(fn: CfnResource): readonly TopicSubscription[] {
    return this.relation('subscriptions', () => {
      const map = new Map<CfnResource, TopicSubscription[]>();
      const add = (f: CfnResource | undefined, s: TopicSubscription) => { if (f) (map.get(f) ?? map.set(f, []).get(f)!).push(s); };
      for (const sub of this.ofType(T.subscription)) {
        if (stringValue(sub, prop(sub, 'Protocol')) !== 'lambda') continue;
        const topic = this.targetOf(sub, prop(sub, 'TopicArn'), T.topic, /^arn:[^:]*:sns:[^:]*:[^:]*:(.+)$/);
        if (topic) add(this.functionOf(sub, prop(sub, 'Endpoint')), { topic, via: sub });
      }
      for (const topic of this.ofType(T.topic)) {
        const inline = readJson(topic, prop(topic, 'Subscription'));
        for (const s of Array.isArray(inline) ? inline : []) {
          if (member(s, 'Protocol') !== 'lambda') continue;
          add(this.functionOfParts(partsIn(member(s, 'Endpoint'))), { topic, via: topic });
        }
      }
      return map;
    }).get(fn) ?? [];
  }

  /** The S3 event notifications that invoke a function. */
  public bucketNotificationsOf(fn: CfnResource): readonly BucketNotification[] {
    return this.relation('notifications', () => {
      const map = new Map<CfnResource, BucketNotification[]>();
      const add = (f: CfnResource | undefined, n: BucketNotification) => { if (f) (map.get(f) ?? map.set(f, []).get(f)!).push(n); };
      // aws-cdk-lib's bucket.addEventNotification(): a custom resource with the S3 API's shape
      for (const res of this.ofType(T.bucketNotifications)) {
        const bucket = this.targetOf(res, prop(res, 'BucketName'), T.bucket, /^(.+)$/);
        const config = readJson(res, prop(res, 'NotificationConfiguration'));
        if (!bucket) continue;
        for (const c of asArray(member(config, 'LambdaFunctionConfigurations'))) {
          const rules = asArray(member(member(member(c, 'Filter'), 'Key'), 'FilterRules'));
          add(this.functionOfParts(partsIn(member(c, 'LambdaFunctionArn'))), {
            bucket,
            via: res,
            events: asArray(member(c, 'Events')).filter(isString),
            prefix: filterValue(rules, 'prefix'),
            suffix: filterValue(rules, 'suffix'),
          });
        }
      }
      // CloudFormation's own NotificationConfiguration on the bucket (L1s)
      for (const bucket of this.ofType(T.bucket)) {
        const configs = readJson(bucket, prop(bucket, 'NotificationConfiguration', 'LambdaConfigurations'));
        for (const c of asArray(configs)) {
          const rules = asArray(member(member(member(c, 'Filter'), 'S3Key'), 'Rules'));
          const event = member(c, 'Event');
          add(this.functionOfParts(partsIn(member(c, 'Function'))), {
            bucket,
            via: bucket,
            events: isString(event) ? [event] : [],
            prefix: filterValue(rules, 'prefix'),
            suffix: filterValue(rules, 'suffix'),
          });
        }
      }
      return map;
    }).get(fn) ?? [];
  }

  /** The API Gateway methods and routes whose integration invokes a function. */
  public apiIntegrationsOf(fn: CfnResource): readonly ApiIntegration[] {
    return this.relation('apis', () => {
      const map = new Map<CfnResource, ApiIntegration[]>();
      const add = (f: CfnResource | undefined, a: ApiIntegration) => { if (f) (map.get(f) ?? map.set(f, []).get(f)!).push(a); };
      for (const method of this.ofType(T.restMethod)) {
        const type = stringValue(method, prop(method, 'Integration', 'Type'));
        if (type !== 'AWS_PROXY' && type !== 'AWS') continue;
        const explicit = prop(method, 'Integration', 'TimeoutInMillis');
        const timeoutMs = explicit === undefined ? 29_000 : numberValue(method, explicit);
        if (timeoutMs === undefined) continue; // a token: cannot be judged
        const httpMethod = stringValue(method, prop(method, 'HttpMethod')) ?? '?';
        const route = `${httpMethod} ${this.restPath(method, prop(method, 'ResourceId'))}`;
        add(this.lambdaInUri(method, prop(method, 'Integration', 'Uri')),
          { api: 'REST', route, via: method, timeoutMs, explicitTimeout: explicit !== undefined });
      }
      const routes = group(this.ofType(T.httpRoute).map(r => ({ r, i: this.integrationOfRoute(r) })), x => x.i);
      for (const integration of this.ofType(T.httpIntegration)) {
        if (stringValue(integration, prop(integration, 'IntegrationType')) !== 'AWS_PROXY') continue;
        const apiRef = refOfParts(parts(integration, prop(integration, 'ApiId')));
        const protocol = apiRef?.resource.cfnResourceType === T.httpApi ? stringValue(apiRef.resource, prop(apiRef.resource, 'ProtocolType')) : undefined;
        const api = protocol === 'HTTP' ? 'HTTP' : protocol === 'WEBSOCKET' ? 'WebSocket' : 'HTTP or WebSocket';
        const explicit = prop(integration, 'TimeoutInMillis');
        // HTTP APIs: 30 s (also the maximum); WebSocket APIs: 29 s. Unknown protocol: the larger, to never over-report
        const timeoutMs = explicit === undefined ? (api === 'WebSocket' ? 29_000 : 30_000) : numberValue(integration, explicit);
        if (timeoutMs === undefined) continue;
        const keys = (routes.get(integration) ?? []).map(x => stringValue(x.r, prop(x.r, 'RouteKey')) ?? '?');
        add(this.lambdaInUri(integration, prop(integration, 'IntegrationUri')),
          { api, route: keys.length > 0 ? keys.join(', ') : 'an integration without routes', via: integration, timeoutMs, explicitTimeout: explicit !== undefined });
      }
      return map;
    }).get(fn) ?? [];
  }

  /** The function in an integration URI: a function ARN, or API Gateway's `.../functions/<ARN>/invocations`. */
  private lambdaInUri(from: CfnResource, value: unknown): CfnResource | undefined {
    const p = parts(from, value);
    for (let i = 0; i < p.length; i++) {
      const x = p[i];
      if (isRef(x)) {
        const f = this.functionOfParts(p.slice(i, i + 1));
        if (f) return f;
      } else if (typeof x === 'string') {
        const m = /arn:[^:]*:lambda:[^:]*:[^:]*:function:([^:/]+)/.exec(x);
        if (m) return this.byName(T.function, m[1]);
      }
    }
    return undefined;
  }

  private integrationOfRoute(route: CfnResource): CfnResource | undefined {
    const p = parts(route, prop(route, 'Target'));
    return p.length === 2 && p[0] === 'integrations/' && isRef(p[1]) ? p[1].resource : undefined;
  }

  /** `/orders/{id}` from a REST method's resource id. */
  private restPath(from: CfnResource, resourceId: unknown): string {
    const ref = refOfParts(parts(from, resourceId));
    if (!ref) return '?';
    if (ref.resource.cfnResourceType === T.restApi) return '/'; // Fn::GetAtt RestApi.RootResourceId
    if (ref.resource.cfnResourceType !== T.restResource) return '?';
    return this.cached('restPath', ref.resource, () => {
      const parent = this.restPath(ref.resource, prop(ref.resource, 'ParentId'));
      const part = stringValue(ref.resource, prop(ref.resource, 'PathPart')) ?? '?';
      return `${parent === '/' ? '' : parent}/${part}`;
    });
  }

  // ---------------------------------------------------------------- IAM

  /** The readable statements of every policy attached to a role (inline, attached, managed in the app). */
  public statementsOf(role: CfnResource): readonly Statement[] {
    return this.cached('statements', role, () => {
      const docs: { source: CfnResource; doc: unknown }[] = [];
      for (const p of asArray(readJson(role, prop(role, 'Policies')))) docs.push({ source: role, doc: member(p, 'PolicyDocument') });
      const attached = new Set<CfnResource>(this.policiesByRole().get(role) ?? []);
      for (const arn of asArray(readJson(role, prop(role, 'ManagedPolicyArns')))) {
        const ref = refIn(arn);
        if (ref?.resource.cfnResourceType === T.managedPolicy) attached.add(ref.resource);
      }
      for (const policy of attached) docs.push({ source: policy, doc: readJson(policy, prop(policy, 'PolicyDocument')) });
      return docs.flatMap(d => statementsOf(d.source, d.doc));
    });
  }

  private policiesByRole(): Map<CfnResource, CfnResource[]> {
    return this.relation('policiesByRole', () => {
      const map = new Map<CfnResource, CfnResource[]>();
      const attach = (policy: CfnResource, roleValue: unknown) => {
        const ref = refIn(roleValue);
        const role = ref ? (ref.resource.cfnResourceType === T.role ? ref.resource : undefined)
          : typeof roleValue === 'string' ? this.byName(T.role, roleValue) : undefined;
        if (role) (map.get(role) ?? map.set(role, []).get(role)!).push(policy);
      };
      for (const type of [T.policy, T.managedPolicy]) {
        for (const policy of this.ofType(type)) {
          for (const r of asArray(readJson(policy, prop(policy, 'Roles')))) attach(policy, r);
        }
      }
      for (const policy of this.ofType(T.rolePolicy)) attach(policy, readJson(policy, prop(policy, 'RoleName')));
      return map;
    });
  }

  // ---------------------------------------------------------------- names and ARNs

  /** A resource of `type` whose physical name is the literal `name`. */
  public byName(type: string, name: string): CfnResource | undefined {
    return this.relation(`names:${type}`, () => {
      const map = new Map<string, CfnResource>();
      const nameProp = NAME_PROPS[type];
      if (nameProp) {
        for (const r of this.ofType(type)) {
          const n = stringValue(r, prop(r, nameProp));
          if (n !== undefined) map.set(n, r);
        }
      }
      return map;
    }).get(name);
  }

  /** The literal ARN pieces of a resource whose physical name is a literal, to compare with ARN patterns. */
  public literalArn(r: CfnResource): LiteralArn | undefined {
    const nameProp = NAME_PROPS[r.cfnResourceType];
    const name = nameProp ? stringValue(r, prop(r, nameProp)) : undefined;
    if (name === undefined) return undefined;
    switch (r.cfnResourceType) {
      case T.queue: return { service: 'sqs', resource: name };
      case T.topic: return { service: 'sns', resource: name };
      case T.table: case T.globalTable: return { service: 'dynamodb', resource: `table/${name}` };
      case T.stream: return { service: 'kinesis', resource: `stream/${name}` };
      case T.bucket: return { service: 's3', resource: name };
      case T.function: return { service: 'lambda', resource: `function:${name}` };
      default: return undefined;
    }
  }

  /** The resource of `type` a value refers to: a reference, or a literal name/ARN matched by `pattern` (group 1: the name). */
  public targetOf(from: CfnResource, value: unknown, type: string, pattern: RegExp): CfnResource | undefined {
    const p = parts(from, value);
    const ref = refOfParts(p);
    if (ref) return ref.resource.cfnResourceType === type ? ref.resource : undefined;
    if (p.length !== 1 || typeof p[0] !== 'string') return undefined;
    const m = pattern.exec(p[0]);
    return m ? this.byName(type, m[1]) : undefined;
  }

  // ---------------------------------------------------------------- SQS

  /** A queue's dead-letter queue, from its redrive policy: undefined without one, UNKNOWN when it cannot be traced. */
  public deadLetterQueueOf(queue: CfnResource): CfnResource | typeof UNKNOWN | undefined {
    return this.cached('dlq', queue, () => {
      const raw = prop(queue, 'RedrivePolicy');
      if (raw === undefined) return undefined;
      const policy = readJson(queue, raw);
      const target = member(policy, 'deadLetterTargetArn');
      if (target === undefined || target === UNKNOWN) return UNKNOWN;
      return this.targetOf(queue, target, T.queue, /^arn:[^:]*:sqs:[^:]*:[^:]*:(.+)$/) ?? UNKNOWN;
    });
  }

  // ---------------------------------------------------------------- CloudWatch

  /**
   * Which resources alarms watch on `namespace`/`metricName` through the dimension `dimension`,
   * counting single-metric alarms and the metrics of metric-math alarms.
   */
  public alarmCoverage(namespace: string, metricName: string, dimension: string,
    resolveTarget: (alarm: CfnResource, value: unknown) => CfnResource | undefined): AlarmCoverage {
    return this.relation(`alarms:${namespace}:${metricName}:${dimension}`, () => {
      const watched = new Set<CfnResource>();
      let all = false;
      let unknown = false;
      for (const alarm of this.ofType(T.alarm)) {
        const metrics: unknown[] = [{
          Namespace: prop(alarm, 'Namespace'), MetricName: prop(alarm, 'MetricName'), Dimensions: readJson(alarm, prop(alarm, 'Dimensions')),
        }];
        for (const m of asArray(readJson(alarm, prop(alarm, 'Metrics')))) metrics.push(member(member(m, 'MetricStat'), 'Metric'));
        for (const m of metrics) {
          if (stringValue(alarm, member(m, 'Namespace')) !== namespace || stringValue(alarm, member(m, 'MetricName')) !== metricName) continue;
          const dims = asArray(member(m, 'Dimensions')).filter(d => stringValue(alarm, member(d, 'Name')) === dimension);
          if (dims.length === 0) { all = true; continue; }
          const target = resolveTarget(alarm, member(dims[0], 'Value'));
          if (target) watched.add(target);
          else unknown = true;
        }
      }
      return { watched, all, unknown };
    });
  }

  // ---------------------------------------------------------------- memoization

  private cached<V>(kind: string, node: CfnResource, compute: () => V): V {
    let m = this.memo.get(kind);
    if (!m) this.memo.set(kind, m = new Map());
    if (m.has(node)) return m.get(node) as V;
    const v = compute();
    m.set(node, v);
    return v;
  }

  private relation<V>(key: string, compute: () => V): V {
    if (!this.relations.has(key)) this.relations.set(key, compute());
    return this.relations.get(key) as V;
  }
}

/** The CloudFormation property that holds a resource type's physical name. */
const NAME_PROPS: Record<string, string> = {
  [T.function]: 'FunctionName',
  [T.queue]: 'QueueName',
  [T.topic]: 'TopicName',
  [T.table]: 'TableName',
  [T.globalTable]: 'TableName',
  [T.stream]: 'Name',
  [T.bucket]: 'BucketName',
  [T.role]: 'RoleName',
};

/** A member of an object read from a typed L1 (camelCase) or from CloudFormation JSON (PascalCase). */
export function member(obj: unknown, name: string): unknown {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const o = obj as Record<string, unknown>;
  if (name in o) return o[name];
  const camel = name.charAt(0).toLowerCase() + name.slice(1);
  if (camel in o) return o[camel];
  const pascal = name.charAt(0).toUpperCase() + name.slice(1);
  return o[pascal];
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

/** A prefix or suffix filter: '' when there is none, undefined when it is not a literal. */
function filterValue(rules: unknown[], name: string): string | undefined {
  const rule = rules.find(r => typeof member(r, 'Name') === 'string' && (member(r, 'Name') as string).toLowerCase() === name);
  if (rule === undefined) return '';
  const v = member(rule, 'Value');
  return typeof v === 'string' ? v : undefined;
}

function refOfParts(p: readonly Part[]): Ref | undefined {
  return p.length === 1 && isRef(p[0]) ? p[0] : undefined;
}

function group<X>(items: X[], key: (x: X) => CfnResource | undefined): Map<CfnResource, X[]> {
  const map = new Map<CfnResource, X[]>();
  for (const item of items) {
    const k = key(item);
    if (!k) continue;
    (map.get(k) ?? map.set(k, []).get(k)!).push(item);
  }
  return map;
}
