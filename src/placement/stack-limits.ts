import * as fs from 'fs';
import * as path from 'path';
import { CfnElement, CfnParameter, CfnResource, ISynthesisSession, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AlarmPlacement, AlarmPlacementMode, ResolvedPlacement } from './alarm-placement';
import { alarmsUnder } from '../core/alarm-registry';
import { ObservedErrorCode } from '../core/error-codes';
import { codedError, problemText } from '../core/errors';
import { peekState, setState } from '../core/tree-state';

/** What a stack holding alarms is checked against when the app is synthesized. */
interface Counts {
  readonly resources: number;
  readonly parameters: number;
  readonly bytes: number;
  /** Alarms and metric filters in the template. */
  readonly alarmResources: number;
  /** Their bytes in the template, when known. */
  readonly alarmBytes: number;
}

/** How full the fix's suggestion fills a nested alarm stack: hashing spreads owners unevenly. */
const SUGGESTED_FILL = 0.6;


/**
 * Checks, after the app is prepared (references have become parameters), that a stack holding
 * alarms of observed constructs is within CloudFormation's limits (500 resources, 1 MB, and 200
 * parameters for a nested alarm stack), and otherwise fails the synth with the stack, the counts
 * and the fix. It never moves an alarm.
 */
export function checkLimitsAtSynth(stack: Stack, placement: ResolvedPlacement, nestedAlarmStack: boolean): void {
  if (peekState<boolean>(stack, 'stackLimits.checked')) return;
  setState(stack, 'stackLimits.checked', true);
  stack.node.addValidation({
    validate: () => limitErrors(stack, placement, nestedAlarmStack, countsOf(stack, 0))
      .map(m => problemText(ObservedErrorCode.STACK_LIMIT_EXCEEDED, m)),
  });
  checkBytesWhenWritten(stack, placement, nestedAlarmStack);
}

/**
 * The template's size is known exactly once CDK has written it: the stack's own template
 * synthesis is wrapped to measure the file and fail the synth when it passes 1 MB (rendering the
 * template a second time in the validation would cost a quarter of the synth time).
 */
function checkBytesWhenWritten(stack: Stack, placement: ResolvedPlacement, nestedAlarmStack: boolean): void {
  const target = stack as unknown as { _synthesizeTemplate?: (session: ISynthesisSession, ...rest: unknown[]) => void };
  const synthesize = target._synthesizeTemplate;
  if (typeof synthesize !== 'function') return;
  target._synthesizeTemplate = function (this: Stack, session: ISynthesisSession, ...rest: unknown[]) {
    synthesize.call(this, session, ...rest);
    const file = path.join(session.assembly.outdir, stack.templateFile);
    const bytes = fs.statSync(file).size;
    if (bytes <= AlarmPlacement.TEMPLATE_BYTES_LIMIT) return;
    const resources = Object.values<{ Type?: string }>(JSON.parse(fs.readFileSync(file, 'utf8')).Resources ?? {});
    const alarmBytes = resources.filter(isAlarmResource).reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r, undefined, 1)), 0);
    throw codedError(ObservedErrorCode.STACK_LIMIT_EXCEEDED,
      `Synthesis failed: ${limitErrors(stack, placement, nestedAlarmStack, { ...countsOf(stack, bytes), alarmBytes }).join('\n')}`, stack);
  };
}

function limitErrors(stack: Stack, placement: ResolvedPlacement, nestedAlarmStack: boolean, counts: Counts): string[] {
  const over: string[] = [];
  if (counts.resources > AlarmPlacement.STACK_RESOURCE_LIMIT) over.push(`${counts.resources} resources (CloudFormation allows ${AlarmPlacement.STACK_RESOURCE_LIMIT})`);
  if (stack.nested && counts.parameters > AlarmPlacement.STACK_PARAMETER_LIMIT) over.push(`${counts.parameters} parameters (CloudFormation allows ${AlarmPlacement.STACK_PARAMETER_LIMIT}; one per value it takes from its parent)`);
  if (counts.bytes > AlarmPlacement.TEMPLATE_BYTES_LIMIT) over.push(`${counts.bytes} bytes (CloudFormation allows ${AlarmPlacement.TEMPLATE_BYTES_LIMIT}; the template as written)`);
  if (over.length === 0) return [];
  const where = configureCall(placement);
  if (nestedAlarmStack) {
    const owners = new Set(alarmsIn(stack).map(r => r.owner.node.path)).size;
    const need = Math.max(
      counts.resources / AlarmPlacement.STACK_RESOURCE_LIMIT,
      counts.parameters / AlarmPlacement.STACK_PARAMETER_LIMIT,
      counts.bytes / AlarmPlacement.TEMPLATE_BYTES_LIMIT,
    );
    const stacks = Math.max(placement.alarmStacks + 1, Math.ceil(placement.alarmStacks * need / SUGGESTED_FILL));
    const suggested = Math.min(AlarmPlacement.MAX_ALARM_STACKS, stacks);
    return [`${stack.node.path}: the nested alarm stack has ${over.join(', ')}. It holds the alarms of the ${owners} observed constructs whose construct paths hash to it. `
      + `Fix: raise alarmStacks of ${where} from ${placement.alarmStacks} to ${suggested}. Only the constructs whose hash picks a new stack move, under new alarm names, so the change deploys (README: "Where alarms live").`];
  }
  const head = `${stack.node.path}: the template has ${over.join(', ')}; ${counts.alarmResources} of its resources are alarms and the metric filters that feed them. Alarms stay where their placement puts them and are never moved to make room.`;
  const own = counts.resources - counts.alarmResources;
  const ownBytes = counts.bytes - counts.alarmBytes;
  const alarmsCannotHelp = counts.alarmResources === 0
    || (counts.resources > AlarmPlacement.STACK_RESOURCE_LIMIT && own >= AlarmPlacement.STACK_RESOURCE_LIMIT - 10)
    || ownBytes >= AlarmPlacement.TEMPLATE_BYTES_LIMIT * 0.95;
  if (alarmsCannotHelp) {
    return [`${head} ${own} resources${counts.bytes > 0 ? ` (${ownBytes} bytes)` : ''} are the stack's own, so moving alarms cannot make room: split the stack, or create fewer resources per construct (e.g. asyncFailureQueue: false for functions that are only invoked synchronously or by event source mappings).`];
  }
  const suggested = suggestedAlarmStacks(stack, counts);
  const fix = placement.mode === AlarmPlacementMode.MONITORING_STACK
    ? `give ${where} alarmStacks: ${suggested} (nested stacks of the monitoring stack)`
    : `call AlarmPlacement.configure(${stack.node.path}, { mode: AlarmPlacementMode.NESTED_STACKS, alarmStacks: ${suggested} }), or MONITORING_STACK with a monitoring stack, before creating the constructs`;
  return [`${head} Fix: ${fix}; the alarms are then created under new names, so the change deploys (README: "Where alarms live").`];
}

/** Nested alarm stacks that would hold these alarms with room to spare (an estimate). */
function suggestedAlarmStacks(stack: Stack, counts: Counts): number {
  // each observed construct's alarms take about two values from the stack (its name and its log
  // group or dead-letter queue): two parameters of the nested stack that holds them
  const owners = new Set(alarmsIn(stack).map(r => r.owner.node.path)).size;
  const need = Math.max(
    counts.alarmResources / AlarmPlacement.STACK_RESOURCE_LIMIT,
    2 * owners / AlarmPlacement.STACK_PARAMETER_LIMIT,
    counts.alarmBytes / AlarmPlacement.TEMPLATE_BYTES_LIMIT,
  );
  return Math.min(AlarmPlacement.MAX_ALARM_STACKS, Math.max(1, Math.ceil(need / SUGGESTED_FILL)));
}

function configureCall(placement: ResolvedPlacement): string {
  return `AlarmPlacement.configure(${placement.configuredOn?.node.path || 'app'})`;
}

function alarmsIn(stack: Stack) {
  return alarmsUnder(stack.node.root).filter(r => Stack.of(r.alarm) === stack);
}

/** The stack's counts: resources and parameters from the construct tree (after prepare), bytes when known. */
function countsOf(stack: Stack, bytes: number): Counts {
  const elements = cfnElements(stack);
  const resources = elements.filter(CfnResource.isCfnResource);
  const alarmResources = resources.filter(r => isAlarmResource({ Type: r.cfnResourceType })).length;
  return { resources: resources.length, parameters: elements.filter(e => e instanceof CfnParameter).length, bytes, alarmResources, alarmBytes: 0 };
}

function isAlarmResource(r: { Type?: string }): boolean {
  return r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::Logs::MetricFilter';
}

/** The elements of the stack's own template (a nested stack counts as its one AWS::CloudFormation::Stack). */
function cfnElements(stack: Stack): CfnElement[] {
  const found: CfnElement[] = [];
  const visit = (scope: IConstruct): void => {
    for (const child of scope.node.children) {
      if (Stack.isStack(child)) continue;
      if (CfnElement.isCfnElement(child)) found.push(child);
      visit(child);
    }
  };
  visit(stack);
  return found;
}
