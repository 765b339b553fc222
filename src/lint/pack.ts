import { CfnResource, IPolicyValidationContext, PolicyValidationPluginReport, PolicyViolatingResource, PolicyViolation, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { PackRule, RawFinding, runRules } from './engine';
import { ApiGatewayTimeout } from './rules/ApiGatewayTimeout';
import { BucketSelfTrigger } from './rules/BucketSelfTrigger';
import { CallerTimeout } from './rules/CallerTimeout';
import { FixedTableCapacity } from './rules/FixedTableCapacity';
import { MissingAlarms } from './rules/MissingAlarms';
import { QueueSelfTrigger } from './rules/QueueSelfTrigger';
import { RecursiveLoopAllowed } from './rules/RecursiveLoopAllowed';
import { ReservedConcurrency } from './rules/ReservedConcurrency';
import { RetainedVersions } from './rules/RetainedVersions';
import { SqsBatching } from './rules/SqsBatching';
import { SqsMaxReceiveCount } from './rules/SqsMaxReceiveCount';
import { SqsVisibilityTimeout } from './rules/SqsVisibilityTimeout';
import { StreamFailureHandling } from './rules/StreamFailureHandling';
import { TableStreamSelfWrite } from './rules/TableStreamSelfWrite';
import { UnqualifiedInvoke } from './rules/UnqualifiedInvoke';
import { summarizePerStack } from './summary';

const { ERROR, WARN } = NagMessageLevel;

/**
 * The rules, in the order they are reported. The rule ID is `ServerlessOps-<function name>`;
 * each rule lives in `rules/<function name>.ts`.
 */
const RULES: readonly PackRule[] = [
  {
    rule: ApiGatewayTimeout,
    level: ERROR,
    info: 'A function behind an API Gateway method or route has a timeout that does not end 1 s before the integration timeout.',
    explanation: 'API Gateway stops waiting after the integration timeout (29 s for REST and WebSocket APIs, 30 s for HTTP APIs, unless TimeoutInMillis says otherwise) and answers 504, while the function runs on and is billed; client retries then add load to a function that is already slow.',
  },
  {
    rule: SqsVisibilityTimeout,
    level: ERROR,
    info: 'An SQS event source\'s queue has a visibility timeout below the function timeout (error: the deployment fails), or below 6 times the function timeout plus the batching window (warning: AWS\'s guidance).',
    explanation: 'Lambda refuses an SQS event source whose queue\'s visibility timeout is below the function timeout, in the middle of the deployment. AWS advises at least 6x the function timeout (plus the batching window) for Lambda consumers: shorter, and messages reappear while their batch is still being processed or retried after throttling, so they are processed twice and reach maxReceiveCount early.',
  },
  {
    rule: SqsBatching,
    level: ERROR,
    info: 'An SQS event source has a batch size above 10 without a batching window, or above 10 on a FIFO queue.',
    explanation: 'Lambda accepts batches above 10 messages only from standard queues and only with a batching window of at least 1 second; CloudFormation rejects anything else in the middle of the deployment.',
  },
  {
    rule: RecursiveLoopAllowed,
    level: WARN,
    info: 'A function has RecursiveLoop set to Allow.',
    explanation: 'By default Lambda stops a function that keeps triggering itself through SQS, SNS or S3 after about 16 invocations. With Allow, a loop runs (and bills) until someone notices.',
  },
  {
    rule: QueueSelfTrigger,
    level: WARN,
    info: 'A function is triggered by a queue or topic that it may also send or publish to.',
    explanation: 'A message the function sends to its own trigger invokes it again. Lambda\'s recursive loop detection stops such loops after about 16 round trips and drops the event; re-queueing on purpose needs a delay and a counter, and an acknowledgement.',
  },
  {
    rule: TableStreamSelfWrite,
    level: WARN,
    info: 'A function consuming a table\'s stream may write that table, and its event source has no filter criteria.',
    explanation: 'Each write the function makes appears on the stream and invokes it again. Lambda\'s recursive loop detection does not cover DynamoDB streams, so the loop runs until someone stops it; filter criteria that drop the function\'s own writes break it.',
  },
  {
    rule: BucketSelfTrigger,
    level: WARN,
    info: 'A bucket notification invokes a function whose role may write the same bucket under keys the notification matches (one finding per function and bucket).',
    explanation: 'An object the function writes in the notification\'s key space invokes it again: the classic S3 loop that writes objects and bills invocations until it is stopped. Inputs and outputs need prefixes (or buckets) that cannot overlap.',
  },
  {
    rule: CallerTimeout,
    level: WARN,
    info: 'A function may invoke another function whose timeout is at or above its own.',
    explanation: 'Along a synchronous call chain each caller must wait longer than its callee. Otherwise the caller times out first, the callee\'s work is wasted, and the caller\'s retries start it again.',
  },
  {
    rule: RetainedVersions,
    level: WARN,
    info: 'Lambda versions are retained when they are removed or replaced.',
    explanation: 'Every retained version keeps its code, and all of it counts toward Lambda\'s 75 GB code storage per region. With versions retained on each deployment the quota runs out, and then every deployment fails.',
  },
  {
    rule: MissingAlarms,
    level: WARN,
    info: 'A function has no alarm on Errors and on Throttles, or a dead-letter queue or on-failure queue (of a queue, a stream event source or asynchronous invocations) has no alarm on its depth. Reported once per stack, with the list.',
    explanation: 'Failed and throttled invocations, and messages or records that land in a dead-letter or on-failure queue, are the first signs of most serverless incidents; without alarms they are found by users.',
    summarize: (stack, items) => `Stack ${stack} has ${items.length} resources without the alarms that catch most serverless incidents first: ${items.join('; ')}. `
      + 'Add the alarms (ObservedFunction and ObservedQueue have them), or acknowledge this rule where alarms live elsewhere; '
      + 'with missingAlarmsDetail: true the pack reports each resource on its own, with its fix.',
  },
  {
    rule: ReservedConcurrency,
    level: ERROR,
    info: 'A function has reserved concurrency 0 or below the sum of its SQS sources\' maximum concurrency (error), or below the 5 concurrent batches Lambda\'s pollers start with for each SQS source without a maximum concurrency (warning).',
    explanation: 'Reserved concurrency caps the function. At 0 it never runs; below what its SQS pollers start (5 concurrent batches per source without a maximum concurrency, scaling up from there) or may start (the sources\' maximum concurrency), the excess is throttled: Lambda\'s pollers do not take reserved concurrency into account, and throttled batches go back to the queue and on to the dead-letter queue.',
  },
  {
    rule: StreamFailureHandling,
    level: WARN,
    info: 'A DynamoDB or Kinesis stream event source retries a failing batch without limit (no finite retry attempts and no maximum record age), or has no on-failure destination.',
    explanation: 'A stream shard is processed in order: a record that keeps failing blocks everything behind it until it expires (24 h for DynamoDB streams), and with unlimited retries nothing else moves. Finite retries or a maximum age bound the wait, an on-failure destination keeps a trace of the records that are given up, and bisecting on error keeps the good records of a failing batch.',
  },
  {
    rule: SqsMaxReceiveCount,
    level: WARN,
    info: 'A queue consumed by a Lambda event source sends messages to its dead-letter queue after fewer than 5 receives.',
    explanation: 'Every batch Lambda\'s pollers receive counts toward maxReceiveCount, including batches returned because the function was throttled or because another message of the batch failed. AWS advises a maxReceiveCount of at least 5 for queues that Lambda consumes; with less, good messages reach the dead-letter queue after a burst of throttling or one bad neighbour.',
  },
  {
    rule: FixedTableCapacity,
    level: WARN,
    info: 'A DynamoDB table, or one of its global secondary indexes, has fixed provisioned read or write capacity and no auto scaling.',
    explanation: 'A provisioned table serves the units it was given a second, plus burst capacity of at most 5 minutes of unused units; beyond that requests are throttled, so a peak, a backfill or a consumer that scales out fails. aws-cdk-lib\'s Table is provisioned at 5 read and 5 write units unless billingMode says otherwise. On-demand capacity, or auto scaling with an alarm on throttles, follows the load.',
  },
  {
    rule: UnqualifiedInvoke,
    level: WARN,
    info: 'An invoker targets the unqualified function or $LATEST of a function whose provisioned concurrency is on an alias or version.',
    explanation: 'Provisioned concurrency belongs to a published version or alias. Whatever invokes the unqualified function or $LATEST runs in on-demand environments, cold starts included, while the provisioned ones are paid for and idle.',
  },
];

/** Options of the ServerlessOps pack. */
export interface ServerlessOpsChecksProps extends NagPackProps {
  /**
   * Report MissingAlarms once per function or queue instead of once per stack. By default the
   * resources of a stack that lack alarms are listed in one finding (a sample app without alarms
   * gets one line, not one per resource); each resource stays in the finding's violating resources
   * and can be acknowledged on its own.
   * @default false
   */
  readonly missingAlarmsDetail?: boolean;
}

/**
 * cdk-nag 3 rule pack for the operational mistakes in serverless apps: timeouts that do not fit
 * together (API Gateway, SQS, call chains), functions that trigger themselves (queues, topics,
 * tables, buckets), batching and concurrency settings that throttle or fail deployments, stream
 * mappings without failure handling, dead-letter queues reached too early, retained versions,
 * and functions, dead-letter and on-failure queues without alarms.
 *
 * A finding is an error only where the template proves the failure (a deployment that is refused,
 * a timeout above an integration's); it is a warning where it rests on a permission, on traffic or
 * on AWS's guidance. Missing alarms are reported once per stack, with the list of resources
 * (`missingAlarmsDetail` reports them one by one).
 *
 * It works on any CDK app, built from aws-cdk-lib L2s, L1s or cdk-observed constructs. Register
 * it with `Validations.of(app).addPlugins(new ServerlessOpsChecks())`: at synth, errors fail the
 * synthesis (`ValidationFailed`), warnings are printed in the validation report and synthesis
 * goes on. Acknowledge a finding with
 * `Validations.of(construct).acknowledge({ id: 'ServerlessOps-<Rule>', reason })` on the resource
 * or any scope above it.
 *
 * Unlike the packs that ship with cdk-nag 3, whose report fails when it holds any violation (so
 * that a warning alone fails `cdk synth`), this pack's report fails only when it holds an error.
 */
export class ServerlessOpsChecks extends NagPack {
  /** @internal The rules with their level, info and explanation (for the SARIF output). */
  public static _rules(): readonly PackRule[] {
    return RULES;
  }

  public readonly name: string = 'ServerlessOps';
  public readonly ruleIds?: string[] = RULES.map(r => `ServerlessOps-${r.rule.name}`);
  private readonly explain: boolean;
  private readonly detail: boolean;

  constructor(scope?: IConstruct, props?: ServerlessOpsChecksProps) {
    super(scope, props);
    this.packName = 'ServerlessOps';
    this.explain = props?.verbose ?? false;
    this.detail = props?.missingAlarmsDetail ?? false;
  }

  /**
   * Called by aws-cdk-lib during synthesis. Adds each violating resource's template and logical ID
   * to the report (so that the validation report, and SARIF made from it, can point into the
   * templates), and hands acknowledged findings to aws-cdk-lib, which moves them to the report's
   * `suppressedViolations` with their reason: they are not printed and do not fail the synthesis,
   * but the report keeps the audit trail.
   */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    if (!context.appConstruct) {
      throw new Error('ServerlessOpsChecks needs the construct tree on the validation context (aws-cdk-lib 2.258 or later); call validateScope(app) instead.');
    }
    const templates = new Map((context.stackTemplates ?? []).map(s => [s.stackConstructPath, s.templatePath]));
    return this.report(context.appConstruct, true, node => {
      const stack = Stack.of(node);
      const templatePath = templates.get(stack.node.path);
      if (!templatePath) return {};
      return { templatePath, resourceLogicalId: stack.resolve(node.logicalId) };
    });
  }

  /**
   * Lints a construct tree (an app, a stage or a stack) and returns the unacknowledged findings,
   * one violation per finding. `success` is false only when an error-level finding is among them.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    return this.report(scope, false, () => ({}));
  }

  /** @internal Every finding, acknowledged ones included (for the SARIF output and tests). */
  public _findings(scope: IConstruct): RawFinding[] {
    return runRules(this.packName, this.name, RULES, scope);
  }

  /** Not used: the pack checks resources with the app's index in `validateScope`. */
  protected checkResource(_node: CfnResource): void {
    // NagPack's per-resource entry point cannot see other resources, and a violation made through
    // applyRule carries the rule's fixed text. The rules run from validateScope instead, with an
    // index built once per validation and a message per finding.
  }

  private report(scope: IConstruct, keepAcknowledged: boolean,
    locate: (node: CfnResource) => Partial<PolicyViolatingResource>): PolicyValidationPluginReport {
    const findings = this._findings(scope).filter(f => keepAcknowledged || !f.acknowledged);
    const groups = this.detail ? findings.map(f => ({ findings: [f], message: f.message })) : summarizePerStack(findings);
    const violations: PolicyViolation[] = groups.map(({ findings: group, message }) => {
      const f = group[0];
      return {
        // aws-cdk-lib suppresses a violation whose `<plugin>::<ruleName>` (or `Annotation::<rule>`) was
        // acknowledged: name acknowledged ones the way they were acknowledged so that it finds them
        ruleName: f.acknowledged && /^annotation::/i.test(f.acknowledged.id) ? f.acknowledged.id : f.ruleId,
        description: this.explain ? `${message} ${f.rule.explanation}` : message,
        severity: f.rule.level === NagMessageLevel.ERROR ? 'error' : f.rule.level === NagMessageLevel.WARN ? 'warning' : 'info',
        ruleMetadata: { info: f.rule.info },
        violatingResources: group.map(g => ({
          constructPath: g.node.node.path,
          locations: [g.location ?? 'Properties'],
          ...locate(g.node),
        })),
      };
    });
    return { success: !findings.some(f => !f.acknowledged && f.rule.level === NagMessageLevel.ERROR), violations };
  }
}
