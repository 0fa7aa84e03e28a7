/**
 * Key scheme: `{keyPrefix}:{featureSet}:{version}:{entity}` for values and
 * `{keyPrefix}:lock:{featureSet}:{version}:{entity}` for stampede locks, so cleaning up by prefix
 * (src/redis/cleanup.ts) removes locks too, and a new version (batch publish with versioned keys)
 * never reads the old snapshot's values.
 */

/** Everything before the entity in a value key; built once per feature set and version. */
export function valueKeyPrefix(keyPrefix: string, featureSet: string, version: string): string {
  return `${keyPrefix}:${featureSet}:${version}:`;
}

export function valueKey(keyPrefix: string, featureSet: string, version: string, entity: string): string {
  return valueKeyPrefix(keyPrefix, featureSet, version) + entity;
}

/** The lock guarding the fill of `key`, a value key under `keyPrefix`. */
export function lockKeyFor(keyPrefix: string, key: string): string {
  return `${keyPrefix}:lock:${key.slice(keyPrefix.length + 1)}`;
}
