/**
 * State the library keeps about a construct, stored on the construct itself under a
 * `Symbol.for('cdk-observed.<name>')` key, instead of in module-level maps: it lives as long as the
 * construct tree, depends on no call order of module loading, and two copies of the library loaded
 * in one app (a monorepo, a linked package) read and write the same state.
 */
import { IConstruct } from 'constructs';

function key(name: string): symbol {
  return Symbol.for(`cdk-observed.${name}`);
}

/** The state `name` of `target`, if any was set. */
export function peekState<T>(target: object, name: string): T | undefined {
  return (target as Record<symbol, T | undefined>)[key(name)];
}

/** Sets the state `name` of `target`. */
export function setState<T>(target: object, name: string, value: T): T {
  Object.defineProperty(target, key(name), { value, writable: true, configurable: true, enumerable: false });
  return value;
}

/** The state `name` of `target`, created by `init` the first time. */
export function stateOf<T>(target: object, name: string, init: () => T): T {
  return peekState<T>(target, name) ?? setState(target, name, init());
}

/** The state `name` of the nearest scope of `construct` (itself first) that has one. */
export function nearestState<T>(construct: IConstruct, name: string): T | undefined {
  for (let scope: IConstruct | undefined = construct; scope; scope = scope.node.scope) {
    const value = peekState<T>(scope, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * A brand: `brand(this, 'ObservedFunction')` in a constructor, `hasBrand(x, 'ObservedFunction')` to
 * recognise an instance made by any copy of the library (`instanceof` fails across copies).
 */
export function brand(target: object, name: string): void {
  setState(target, `brand.${name}`, true);
}

export function hasBrand(x: unknown, name: string): boolean {
  return typeof x === 'object' && x !== null && peekState<boolean>(x, `brand.${name}`) === true;
}
