import { KeyvCacheableMemory } from '@cacheable/memory';
import { createClient, createKeyv } from '@keyv/redis';
import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { environmentError } from '../../errors.js';
import { libraryVersion } from './library-version.js';
import { commonUnmapped, featureSetIndex, libraryKey, ttlPlan } from './option-mapping.js';
import type { CascadeFactory } from './plugin-types.js';

/** Reconnect backoff of the library's own client: short, like fcbench's, so a restarted Redis is found again soon. */
const RECONNECT_MAX_MS = 500;

/**
 * cache-manager 7 over two keyv stores: @cacheable/memory's LRU, then @keyv/redis. @keyv/redis
 * speaks through node-redis (@redis/client 5), not ioredis, so it gets a client of its own: the
 * run's URL (already checked loopback), fcbench's connect and command timeouts, no offline queue.
 * Mapped: the hard TTL as the TTL, the stale window (hard - soft) as `refreshThreshold` (a hit
 * with less left is served and refreshed in the background), the local size as `lruSize`. Its
 * `wrap` coalesces concurrent misses of one key in process. It does not say which store answered,
 * so tier figures are not reported; staleness is read from the expiry `wrap` returns.
 */
export const createCascade: CascadeFactory = async (context) => {
  const { options, redisEndpoint } = context;
  const setOf = featureSetIndex(options);
  const client = createClient({
    url: redisEndpoint.url,
    socket: { connectTimeout: redisEndpoint.connectTimeoutMs, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, RECONNECT_MAX_MS) },
    disableOfflineQueue: true,
    commandOptions: { timeout: redisEndpoint.commandTimeoutMs },
  });
  // A dropped connection is an error event; unheard, it would end the process. The failing commands report it.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    client.destroy();
    throw environmentError(`cache-manager: its Redis client could not connect: ${(error as Error).message}`, error);
  }
  const redisStore = createKeyv(client as never, { namespace: options.keyPrefix, keyPrefixSeparator: ':' });
  redisStore.on('error', () => undefined);
  const stores = options.local.enabled
    ? [new Keyv({ store: new KeyvCacheableMemory({ lruSize: options.local.maxEntries, useClone: false }) }), redisStore]
    : [redisStore];
  const cache = createCache({ stores });

  return {
    library: { name: 'cache-manager', version: `${libraryVersion('cache-manager')} (keyv ${libraryVersion('keyv')}, @keyv/redis ${libraryVersion('@keyv/redis')})` },
    unmappedOptions: commonUnmapped(options, [
      options.local.enabled && 'cascade.local.ttl (cache-manager writes every store with the same TTL)',
      options.local.maxBytes !== null && 'cascade.local.maxBytes (the memory store bounds entries, not bytes)',
      options.stampede.strategy !== 'single-flight' && `stampede.strategy ${options.stampede.strategy} (wrap always coalesces per key, in process)`,
    ]),
    async get(entity, featureSet, status) {
      const set = setOf(featureSet);
      const plan = ttlPlan(set);
      const raw = await cache.wrap(libraryKey(set, entity), () => context.source.fetch(entity, featureSet), {
        ttl: set.ttl.hardMs,
        ...(plan.staleMs > 0 ? { refreshThreshold: plan.staleMs } : {}),
        raw: true,
      });
      if (raw === undefined) return undefined;
      if (typeof raw.expires === 'number') status.stale = plan.staleMs > 0 && raw.expires - Date.now() < plan.staleMs;
      return raw.value;
    },
    async delete(entity, featureSet) {
      await cache.del(libraryKey(setOf(featureSet), entity));
    },
    async clearLocal() {
      if (stores.length > 1) await stores[0]!.clear();
    },
    async close() {
      await client.close().catch(() => client.destroy());
    },
  };
};
