import { CfnResource } from 'aws-cdk-lib';
import { AppIndex, memo, relation } from '../app-index';
import { T } from '../resource-types';
import { booleanValue, isRef, parts, prop } from '../values';
import { functionOf } from './functions';
import { byName } from './names';

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

/** What an event source mapping connects. */
export const eventSource = memo((index: AppIndex, mapping: CfnResource): EventSource => {
  const fn = functionOf(index, mapping, prop(mapping, 'FunctionName'));
  const raw = prop(mapping, 'Enabled');
  const enabled = raw === undefined ? true : booleanValue(mapping, raw);
  const { kind, source } = sourceOf(index, mapping);
  return { mapping, fn, kind, source, enabled };
});

/** The event source mappings that invoke a function. */
export const eventSourcesOf = relation<EventSource>((index, add) => {
  for (const m of index.ofType(T.eventSourceMapping)) {
    const s = eventSource(index, m);
    add(s.fn, s);
  }
});

function sourceOf(index: AppIndex, mapping: CfnResource): { kind?: SourceKind; source?: CfnResource } {
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
  if (m) return { kind: 'sqs', source: byName(index, T.queue, m[1]) };
  m = /^arn:[^:]*:dynamodb:[^:]*:[^:]*:table\/([^/]+)\/stream\//.exec(first);
  if (m) return { kind: 'dynamodb', source: byName(index, T.table, m[1]) ?? byName(index, T.globalTable, m[1]) };
  m = /^arn:[^:]*:kinesis:[^:]*:[^:]*:stream\/([^/]+)/.exec(first);
  if (m) return { kind: 'kinesis', source: byName(index, T.stream, m[1]) };
  return {};
}
