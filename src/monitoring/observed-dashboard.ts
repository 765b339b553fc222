import { createHash } from 'crypto';
import { AspectPriority, Aspects, Stack, Token } from 'aws-cdk-lib';
import { CfnAlarm, Dashboard, GraphWidget, HorizontalAnnotation, IWidget, LogQueryVisualizationType, LogQueryWidget, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { adoptPending } from './adopt-alarms';
import { AlarmRecord, alarmsUnder } from '../core/alarm-registry';
import { renderParts } from '../core/console-links';
import { ObservedErrorCode } from '../core/error-codes';
import { invalidProp } from '../core/errors';
import { DASHBOARD_NAME } from '../core/limits';

/**
 * CloudWatch allows 500 widgets in a dashboard body. The body is also a property in the
 * template, which CloudFormation limits to 1 MB as a whole: a dashboard is split well before.
 */
const DASHBOARD_MAX_WIDGETS = 500;
/** Estimated body size at which a dashboard is split (a fifth of a template). */
const DASHBOARD_MAX_BODY_BYTES = 200_000;

const PER_LINE = 6;

/** Props of an ObservedDashboard. */
export interface ObservedDashboardProps {
  /**
   * Whose observed constructs get a row (every observed construct under this scope).
   *
   * @default - the whole app
   */
  readonly watch?: IConstruct;

  /**
   * Name of the dashboard: 1-251 characters of A-Z, a-z, 0-9, - and _ (CloudWatch allows 255;
   * the second and later parts of a split dashboard add `-2`, `-3`, ...).
   *
   * @default - `<stack name>-<id>`, other characters replaced by -, a long one shortened with a hash
   */
  readonly dashboardName?: string;
}

/**
 * A CloudWatch dashboard with one row per observed construct: the metrics of its alarms against
 * their thresholds (errors, throttles, duration against the timeout, timeouts, queue age and
 * depth, dead letters, table throttles, code storage), each graph titled with the construct's
 * path. Built when the app is synthesized, so constructs created after it are included; split
 * into more dashboards before CloudWatch's 500 widgets or a body of 200 KB.
 */
export class ObservedDashboard extends Construct {
  /** CloudWatch's maximum number of widgets in one dashboard. */
  public static readonly MAX_WIDGETS = DASHBOARD_MAX_WIDGETS;

  /** The estimated body size (bytes) at which a dashboard is split; the body is part of a template limited to 1 MB. */
  public static readonly MAX_BODY_BYTES = DASHBOARD_MAX_BODY_BYTES;

  /** The dashboards (more than one when the rows did not fit one); filled when the app is synthesized. */
  public readonly dashboards: Dashboard[] = [];

  private readonly watched: IConstruct;
  private readonly baseName: string;

  constructor(scope: Construct, id: string, props: ObservedDashboardProps = {}) {
    super(scope, id);
    this.watched = props.watch ?? this.node.root;
    this.baseName = props.dashboardName ?? defaultName(`${Stack.of(this).stackName}-${id}`);
    const name = props.dashboardName;
    if (name !== undefined && !Token.isUnresolved(name) && (name.length > MAX_BASE_NAME || !DASHBOARD_NAME.pattern.test(name))) {
      invalidProp(ObservedErrorCode.INVALID_FORMAT, this, 'dashboardName', `'${name}' (${name.length} characters)`,
        `allowed are 1-${MAX_BASE_NAME} characters of A-Z, a-z, 0-9, - and _ (CloudWatch allows ${DASHBOARD_NAME.maxLength}; a split dashboard adds -2, -3, ...)`);
    }
    Aspects.of(this).add({ visit: node => { if (node === this) this.build(); } }, { priority: AspectPriority.DEFAULT + 100 });
  }

  private build(): void {
    if (this.dashboards.length > 0) return;
    adoptPending(this.watched);
    let current: { dashboard: Dashboard; widgets: number; bytes: number } | undefined;
    // a construct's lines (title, graphs, log queries) stay together in one dashboard
    for (const lines of sectionsOf(alarmsUnder(this.watched))) {
      const widgets = lines.reduce((n, line) => n + line.length, 0);
      const bytes = lines.flat().reduce((n, w) => n + estimateBytes(w), 0);
      if (!current || current.widgets + widgets > DASHBOARD_MAX_WIDGETS || current.bytes + bytes > DASHBOARD_MAX_BODY_BYTES) {
        const n = this.dashboards.length + 1;
        const dashboard = new Dashboard(this, n === 1 ? 'Dashboard' : `Dashboard${n}`, {
          dashboardName: n === 1 ? this.baseName : `${this.baseName}-${n}`,
        });
        this.dashboards.push(dashboard);
        current = { dashboard, widgets: 0, bytes: 0 };
      }
      for (const line of lines) current.dashboard.addWidgets(...line);
      current.widgets += widgets;
      current.bytes += bytes;
    }
  }
}

/** Room left in a dashboard name for the suffix of a split dashboard (`-999`). */
const MAX_BASE_NAME = DASHBOARD_NAME.maxLength - 4;

/** The stack name and id in the characters a dashboard name allows; a long one keeps its tail and gains a hash. */
function defaultName(text: string): string {
  const name = text.replace(/[^A-Za-z0-9_-]/g, '-');
  if (name.length <= MAX_BASE_NAME) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${hash}-${name.slice(name.length - (MAX_BASE_NAME - hash.length - 1))}`;
}

/**
 * The lines of widgets of each observed construct: a title line, then its graphs six to a line,
 * then (for a function) its log queries.
 */
export function sectionsOf(records: AlarmRecord[]): IWidget[][][] {
  const byOwner = new Map<IConstruct, AlarmRecord[]>();
  for (const r of records) {
    if (!r.critical && !r.entry.dashboard) continue;
    const list = byOwner.get(r.owner) ?? [];
    list.push(r);
    byOwner.set(r.owner, list);
  }
  const sections: IWidget[][][] = [];
  for (const [owner, list] of byOwner) {
    const rows: IWidget[][] = [[new TextWidget({ markdown: `### ${owner.node.path}`, width: 24, height: 1 })]];
    sections.push(rows);
    for (let i = 0; i < list.length; i += PER_LINE) {
      const line = list.slice(i, i + PER_LINE);
      const width = Math.floor(24 / line.length);
      rows.push(line.map(r => graphOf(owner, r, width)));
    }
    const logs = logQueriesOf(owner, list[0]);
    if (logs.length > 0) rows.push(logs);
  }
  return sections;
}

/** The owner's Logs Insights queries (a function's errors, slowest invocations, memory, cold starts) on its log group, one line. */
function logQueriesOf(owner: IConstruct, record: AlarmRecord): IWidget[] {
  const { logGroupName, dashboardQueries = [] } = record.diagnosis ?? {};
  if (!logGroupName || dashboardQueries.length === 0) return [];
  const name = renderParts(logGroupName);
  const width = Math.floor(24 / dashboardQueries.length);
  return dashboardQueries.map(q => new LogQueryWidget({
    title: `${owner.node.id} ${q.title}`,
    logGroupNames: [name],
    queryString: q.query,
    view: q.view === 'line' ? LogQueryVisualizationType.LINE : LogQueryVisualizationType.TABLE,
    width,
    height: 6,
  }));
}

function graphOf(owner: IConstruct, record: AlarmRecord, width: number): GraphWidget {
  const cfn = record.alarm.node.defaultChild as CfnAlarm;
  const annotations: HorizontalAnnotation[] = [];
  if (typeof cfn.threshold === 'number') annotations.push({ value: cfn.threshold, label: `alarm threshold (${record.key})` });
  // duration against the timeout: the timeout itself as a line above the threshold
  if (record.entry.id === 'DurationNearTimeout' && owner instanceof lambda.Function && owner.timeout && !owner.timeout.isUnresolved()) {
    annotations.push({ value: owner.timeout.toMilliseconds(), label: 'timeout' });
  }
  return new GraphWidget({
    title: `${owner.node.id} ${record.entry.id}`,
    left: [record.alarm.metric],
    leftAnnotations: annotations,
    width,
    height: 5,
  });
}

function estimateBytes(widget: IWidget): number {
  // tokens stand in for references (about 60 bytes each once resolved)
  return JSON.stringify(widget.toJson()).length + 100;
}
