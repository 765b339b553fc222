/**
 * Which numbered versions of a function something still references, so the version cleanup keeps
 * them. Each kind of reference is found with the call that lists it:
 *
 * - aliases (ListAliases): the version an alias points to and the additional version of a
 *   weighted alias (RoutingConfig.AdditionalVersionWeights);
 * - provisioned concurrency (ListProvisionedConcurrencyConfigs): configurations on a version
 *   (those on an alias protect the alias's version already);
 * - event source mappings (ListEventSourceMappings over the whole region, once per poll): mappings
 *   whose FunctionArn is a version ARN;
 * - resource-based policy (GetPolicy with the version as qualifier): a version with a policy of
 *   its own has been granted to a caller by its qualified ARN (API Gateway, EventBridge, S3 ...).
 *
 * Function URLs need no check: a URL is configured on $LATEST or an alias, never on a version.
 */
// bundled into the poller handler, whose runtime provides the SDK (like code-storage-poller.lambda.ts)
// eslint-disable-next-line import/no-extraneous-dependencies
import {
  AliasConfiguration,
  EventSourceMappingConfiguration,
  GetPolicyCommand,
  ListAliasesCommand,
  ListEventSourceMappingsCommand,
  ListProvisionedConcurrencyConfigsCommand,
  ProvisionedConcurrencyConfigListItem,
} from '@aws-sdk/client-lambda';
import { all, during, isNotFound, pages, PollerDeps, withRetry } from './code-storage-calls';

const NUMBERED = /^[0-9]+$/;

/** The version qualifier of a qualified function ARN (`...:function:name:qualifier`), if numbered. */
export function versionOfArn(arn: string | undefined): { functionName: string; version: string } | undefined {
  const parts = (arn ?? '').split(':');
  if (parts.length !== 8 || parts[5] !== 'function' || !NUMBERED.test(parts[7])) return undefined;
  return { functionName: parts[6], version: parts[7] };
}

/** Versions an alias points to, including the additional version of a weighted alias. */
export function aliasTargets(aliases: AliasConfiguration[]): Set<string> {
  const targets = new Set<string>();
  for (const alias of aliases) {
    if (alias.FunctionVersion) targets.add(alias.FunctionVersion);
    for (const version of Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {})) targets.add(version);
  }
  return targets;
}

/**
 * The region's event source mappings on a version ARN, by function name. Only mappings on
 * versions are kept (a mapping on an alias or an unqualified function protects nothing more).
 */
export async function versionsWithEventSourceMappings(deps: PollerDeps): Promise<Map<string, Set<string>>> {
  const byFunction = new Map<string, Set<string>>();
  const read = async (marker: string | undefined) => {
    const page = await deps.client.send(new ListEventSourceMappingsCommand({ Marker: marker, MaxItems: 100 }));
    return { items: page.EventSourceMappings, nextMarker: page.NextMarker };
  };
  for await (const page of pages<EventSourceMappingConfiguration>('ListEventSourceMappings', read, deps)) {
    for (const mapping of page.items) {
      const ref = versionOfArn(mapping.FunctionArn);
      if (!ref) continue;
      const set = byFunction.get(ref.functionName) ?? new Set<string>();
      set.add(ref.version);
      byFunction.set(ref.functionName, set);
    }
  }
  return byFunction;
}

/** Why a version is kept. */
export type KeptFor = 'alias' | 'provisionedConcurrency' | 'eventSourceMapping' | 'resourcePolicy';

/**
 * The versions of one function that aliases, provisioned concurrency and event source mappings
 * reference, with the reason; undefined when the function no longer exists (deleted since it was
 * listed).
 */
export async function referencedVersions(
  functionName: string,
  mappings: Map<string, Set<string>>,
  deps: PollerDeps,
): Promise<Map<string, KeptFor> | undefined> {
  const kept = new Map<string, KeptFor>();
  try {
    const aliases = await during('ListAliases', () => all<AliasConfiguration>('ListAliases', async marker => {
      const page = await deps.client.send(new ListAliasesCommand({ FunctionName: functionName, Marker: marker, MaxItems: 50 }));
      return { items: page.Aliases, nextMarker: page.NextMarker };
    }, deps));
    for (const v of aliasTargets(aliases)) kept.set(v, 'alias');
    const configs = await during('ListProvisionedConcurrencyConfigs', () => all<ProvisionedConcurrencyConfigListItem>('ListProvisionedConcurrencyConfigs', async marker => {
      const page = await deps.client.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: functionName, Marker: marker, MaxItems: 50 }));
      return { items: page.ProvisionedConcurrencyConfigs, nextMarker: page.NextMarker };
    }, deps));
    for (const config of configs) {
      const ref = versionOfArn(config.FunctionArn);
      if (ref && !kept.has(ref.version)) kept.set(ref.version, 'provisionedConcurrency');
    }
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  for (const v of mappings.get(functionName) ?? []) if (!kept.has(v)) kept.set(v, 'eventSourceMapping');
  return kept;
}

/**
 * Whether a version has a resource-based policy of its own (a permission granted on its qualified
 * ARN). GetPolicy answers ResourceNotFoundException when it has none (or the version is gone).
 */
export async function hasOwnPolicy(functionName: string, version: string, deps: PollerDeps): Promise<boolean> {
  try {
    const policy = await withRetry('GetPolicy', () => deps.client.send(new GetPolicyCommand({ FunctionName: functionName, Qualifier: version })), deps);
    return Boolean(policy.Policy);
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
