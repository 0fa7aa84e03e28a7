import type { PluginFeatureSet, PluginOptions } from './plugin-types.js';

/**
 * What the built-in adapters share when they map fcbench's options onto a library's: the soft TTL
 * as the library's fresh time, the rest of the hard TTL as its stale window, and the list of
 * options a library has no equivalent for (recorded in the result, so a comparison says what
 * differed besides the library).
 */
export interface TtlPlan {
  /** How long a value is fresh: the soft TTL, or the hard TTL without one. */
  freshMs: number;
  /** How long past that it may still be served stale while one refresh runs; 0 without a soft TTL. */
  staleMs: number;
}

export function ttlPlan(set: PluginFeatureSet): TtlPlan {
  const soft = set.ttl.softMs;
  return soft === null ? { freshMs: set.ttl.hardMs, staleMs: 0 } : { freshMs: soft, staleMs: set.ttl.hardMs - soft };
}

/** The feature set by name, with a clear error for a name the scenario does not serve. */
export function featureSetIndex(options: PluginOptions): (name: string) => PluginFeatureSet {
  const byName = new Map(options.featureSets.map((set) => [set.name, set]));
  return (name) => {
    const set = byName.get(name);
    if (set === undefined) throw new Error(`unknown feature set ${JSON.stringify(name)}`);
    return set;
  };
}

/** The value key inside the run's prefix (cleanup deletes `<keyPrefix>:*`). */
export function libraryKey(set: PluginFeatureSet, entity: string): string {
  return `${set.name}:${set.version}:${entity}`;
}

/** Options set away from their defaults that neither library maps: each adapter adds its own. */
export function commonUnmapped(options: PluginOptions, extra: readonly (string | false)[]): string[] {
  const unmapped: string[] = [];
  options.featureSets.forEach((set, i) => {
    if (set.ttl.jitter > 0) unmapped.push(`featureSets[${i}].ttl.jitter`);
    if (set.ttl.earlyRefreshBeta !== null) unmapped.push(`featureSets[${i}].ttl.earlyRefresh`);
  });
  if (options.codec.format !== 'json' || options.codec.compression !== 'none') unmapped.push('codec (the library serializes values itself)');
  unmapped.push(`failurePolicy (${options.failurePolicy}: the library handles failures its own way)`);
  for (const item of extra) if (item !== false) unmapped.push(item);
  return unmapped;
}
