/**
 * Key scheme: `{keyPrefix}:{featureSet}:{version}:{entity}` for values and
 * `{keyPrefix}:lock:{featureSet}:{version}:{entity}` for stampede locks, so cleaning up by prefix
 * (src/redis/cleanup.ts) removes locks too, and a new version (batch publish with versioned keys)
 * never reads the old snapshot's values.
 *
 * On a Redis Cluster (`hashTag`) the entity is a hash tag: `{keyPrefix}:{featureSet}:{version}:{<entity>}`
 * with literal braces, so every feature set of one entity (and its lock) lives in one slot and a
 * request for several sets stays one MGET, one round trip.
 */

/** Everything before the entity in a value key; built once per feature set and version. */
export function valueKeyPrefix(keyPrefix: string, featureSet: string, version: string, hashTag = false): string {
  return `${keyPrefix}:${featureSet}:${version}:${hashTag ? '{' : ''}`;
}

/** Everything after the entity: the hash tag's closing brace, or nothing. */
export function valueKeySuffix(hashTag: boolean): string {
  return hashTag ? '}' : '';
}

export function valueKey(keyPrefix: string, featureSet: string, version: string, entity: string, hashTag = false): string {
  return valueKeyPrefix(keyPrefix, featureSet, version, hashTag) + entity + valueKeySuffix(hashTag);
}

/** The lock guarding the fill of `key`, a value key under `keyPrefix` (it keeps the value key's hash tag). */
export function lockKeyFor(keyPrefix: string, key: string): string {
  return `${keyPrefix}:lock:${key.slice(keyPrefix.length + 1)}`;
}
