import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { isCdkInternal } from './cdk-internal';
import { ResourceType } from './resource-types';

/**
 * An index of an app (or any scope), built once per validation by one walk of the construct
 * tree. Everything a rule needs about other resources comes from here: the resources by type,
 * and the relations between them (which function a mapping invokes, which role a function has,
 * which alarms watch a function), one module per service under `index/`. A relation is a `memo`:
 * computed on first use, by one pass over the resources of the types involved, and kept in the
 * index, so that linting stays linear in the number of resources and each validation starts
 * fresh. Rules never walk the tree themselves.
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
  private readonly memos = new Map<object, Map<unknown, unknown>>();

  private constructor(resources: CfnResource[]) {
    this.resources = resources;
    for (const r of resources) addTo(this.byType, r.cfnResourceType, r);
  }

  /** The resources of one CloudFormation type. */
  public ofType(type: ResourceType): readonly CfnResource[] {
    return this.byType.get(type) ?? [];
  }

  /** A resource's name in messages: its construct path without the trailing `/Resource`. */
  public name(node: CfnResource): string {
    return node.node.path.replace(/\/Resource$/, '');
  }

  /** Whether aws-cdk-lib added the resource on its own (custom-resource handlers and what they own). */
  public isCdkInternal(node: CfnResource): boolean {
    return cdkInternal(this, node);
  }

  /** The values `lookup` (made by `memo`) has computed on this index. */
  public memoTable<K, V>(lookup: (index: AppIndex, key: K) => V): Map<K, V> {
    let table = this.memos.get(lookup);
    if (!table) this.memos.set(lookup, table = new Map());
    return table as Map<K, V>;
  }
}

/**
 * A lookup computed at most once per index and key: the first call runs `compute`, later calls
 * return its value. Values live in the index (no module state). Keys are resources, or typed
 * values that stand for one (a metric, a resource type); index-wide values take no key.
 */
export function memo<K, V>(compute: (index: AppIndex, key: K) => V): (index: AppIndex, key: K) => V {
  const lookup = (index: AppIndex, key: K): V => {
    const table = index.memoTable(lookup);
    const known = table.get(key);
    if (known !== undefined || table.has(key)) return known as V;
    const value = compute(index, key);
    table.set(key, value);
    return value;
  };
  return lookup;
}

/**
 * A one-to-many relation from resources (a function's event sources, a role's policies), built
 * on first use by one pass: `build` calls `add(key, value)` for each pair, in order; an undefined
 * key (a resource outside the app) is skipped. Returns the values of a key, `[]` for none.
 */
export function relation<V>(build: (index: AppIndex, add: (key: CfnResource | undefined, value: V) => void) => void)
  : (index: AppIndex, key: CfnResource) => readonly V[] {
  const all = memo((index: AppIndex, _: void) => {
    const map = new Map<CfnResource, V[]>();
    build(index, (key, value) => { if (key) addTo(map, key, value); });
    return map;
  });
  return (index, key) => all(index).get(key) ?? [];
}

/** Appends `value` to the list of `key`. */
function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const cdkInternal = memo((_: AppIndex, node: CfnResource) => isCdkInternal(node));
