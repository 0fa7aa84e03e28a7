// A cascade.implementation plugin: a Map in the process, then Redis (the ioredis connection
// fcbench gives each replica), then fcbench's source. See docs/cascade-plugins.md.

/** @param {import('fcbench').PluginContext<import('ioredis').Redis>} context */
export function createCascade({ options, redis, source }) {
  const sets = new Map(options.featureSets.map((set) => [set.name, set]));
  const local = new Map(); // key -> { values, freshUntil }; insertion order evicts the oldest
  const keyOf = (set, entity) => `${options.keyPrefix}:${set.name}:${set.version}:${entity}`;

  const remember = (key, values, set) => {
    if (!options.local.enabled) return;
    local.delete(key);
    local.set(key, { values, freshUntil: Date.now() + Math.min(options.local.ttlMs, set.ttl.hardMs) });
    if (local.size > options.local.maxEntries) local.delete(local.keys().next().value);
  };

  const fromRedis = async (set, key, entity, status) => {
    const cached = await redis.get(key);
    let values;
    if (cached !== null) {
      status.tier = 'redis';
      values = JSON.parse(cached);
    } else {
      status.tier = 'source';
      values = await source.fetch(entity, set.name);
      await redis.set(key, JSON.stringify(values), 'PX', set.ttl.hardMs);
    }
    status.stale = false; // no soft TTL here: nothing is ever served stale
    remember(key, values, set);
    return values;
  };

  return {
    library: { name: 'map-ioredis example', version: '1' },
    unmappedOptions: ['featureSets[].ttl.soft', 'stampede', 'codec (JSON strings)'],
    // A local hit is answered synchronously: no await on the fastest path.
    get(entity, featureSet, status) {
      const set = sets.get(featureSet);
      const key = keyOf(set, entity);
      const held = local.get(key);
      if (held !== undefined && held.freshUntil > Date.now()) {
        status.tier = 'local';
        status.stale = false;
        return held.values;
      }
      return fromRedis(set, key, entity, status);
    },
    async delete(entity, featureSet) {
      const key = keyOf(sets.get(featureSet), entity);
      await redis.del(key);
      local.delete(key);
    },
    clearLocal: () => local.clear(),
    close: () => local.clear(),
  };
}
