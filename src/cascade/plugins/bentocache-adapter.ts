import { EventEmitter } from 'node:events';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import type { Redis } from 'ioredis';
import { currentCall } from './call-context.js';
import { libraryVersion } from './library-version.js';
import { commonUnmapped, featureSetIndex, libraryKey, ttlPlan } from './option-mapping.js';
import type { CascadeFactory } from './plugin-types.js';

interface HitEvent {
  layer?: 'l1' | 'l2';
  graced?: boolean;
}

/**
 * bentocache: its memory driver as L1, its Redis driver as L2 on this replica's own ioredis
 * connection (bentocache asks for ioredis 5 as an optional peer; package.json's override gives it
 * ours, 6, so `instanceof` finds the client we pass and no second client is made). Mapped: the
 * soft TTL as bentocache's `ttl`, the rest of the hard TTL as its `grace` with a soft timeout of 0
 * (serve the graced value at once, refresh in the background), local size as `maxItems` /
 * `maxSize`, the lock wait as `lockTimeout`. Its stampede lock is per process, always on.
 * It reports the tier and staleness through its `cache:hit` / `cache:miss` events, which it emits
 * inside the get's async context.
 */
export const createCascade: CascadeFactory = (context) => {
  const { options } = context;
  const setOf = featureSetIndex(options);
  const emitter = new EventEmitter();
  emitter.on('cache:hit', (event: HitEvent) => {
    const call = currentCall();
    if (call === null) return;
    call.status.tier = event.layer === 'l2' ? 'redis' : 'local';
    call.status.stale = event.graced === true;
  });
  emitter.on('cache:miss', () => {
    const call = currentCall();
    if (call === null) return;
    call.status.tier = 'source';
    call.status.stale = false;
  });
  const l2 = redisDriver({ connection: context.redis as Redis, prefix: options.keyPrefix });
  const store = options.local.enabled
    ? bentostore()
        .useL1Layer(memoryDriver({ maxItems: options.local.maxEntries, ...(options.local.maxBytes === null ? {} : { maxSize: options.local.maxBytes }) }))
        .useL2Layer(l2)
    : bentostore().useL2Layer(l2);
  const lockTimeout = options.stampede.waitMs;
  const bento = new BentoCache({ default: 'fcbench', stores: { fcbench: store }, emitter, ...(lockTimeout === undefined ? {} : { lockTimeout }) });

  return {
    library: { name: 'bentocache', version: libraryVersion('bentocache') },
    unmappedOptions: commonUnmapped(options, [
      options.local.enabled && 'cascade.local.ttl (an L1 entry lives as long as its L2 entry)',
      options.stampede.strategy !== 'single-flight' && `stampede.strategy ${options.stampede.strategy} (bentocache always locks per key, in process)`,
    ]),
    get(entity, featureSet) {
      const set = setOf(featureSet);
      const plan = ttlPlan(set);
      return bento.getOrSet({
        key: libraryKey(set, entity),
        factory: () => context.source.fetch(entity, featureSet),
        ttl: plan.freshMs,
        grace: plan.staleMs > 0 ? plan.staleMs : false,
        timeout: 0,
      });
    },
    async delete(entity, featureSet) {
      await bento.delete({ key: libraryKey(setOf(featureSet), entity) });
    },
    close() {
      // bento.disconnect() would quit the replica's connection, which fcbench owns and closes.
    },
  };
};
