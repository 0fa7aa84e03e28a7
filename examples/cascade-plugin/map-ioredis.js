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
  const fill = async (set, key, entity, status) => {
    const cached = await redis.get(key);
    status.tier = cached === null ? 'source' : 'redis';
    const values = cached === null ? await source.fetch(entity, set.name) : JSON.parse(cached);
    if (cached === null) await redis.set(key, JSON.stringify(values), 'PX', set.ttl.hardMs);
    remember(key, values, set);
    return values;
  };
  return {
    library: { name: 'map-ioredis example', version: '1' },
    unmappedOptions: ['featureSets[].ttl.soft', 'stampede', 'codec (JSON strings)'],
    get(entity, featureSet, status) {
      const set = sets.get(featureSet);
      const key = keyOf(set, entity);
      const held = local.get(key);
      status.stale = false; // no soft TTL here: nothing is ever served stale
      if (held === undefined || held.freshUntil <= Date.now()) return fill(set, key, entity, status);
      status.tier = 'local'; // a local hit is answered synchronously: no await on the fastest path
      return held.values;
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
