import { isCluster, type RedisClient } from '../redis/client.js';
import { createCodec } from '../codec/index.js';
import { badInput } from '../errors.js';
import { newDecodeSlot, type ServedValues } from '../codec/types.js';
import type { Rng } from '../workload/types.js';
import type { Clock } from './clock.js';
import { coarseWallMs } from './coarse-clock.js';
import { newTransientValue, type CachedValue } from './cached-value.js';
import { keyOf, newCascadeStats, type CascadeCore, type CascadeStats, type SetState } from './core.js';
import { fillFromSource } from './fill.js';
import { getMany } from './get-many.js';
import { valueKeyPrefix, valueKeySuffix } from './key-scheme.js';
import { createSetLru, heldValue } from './local-tier.js';
import { loadMiss } from './miss-path.js';
import { preloadLocal, type PreloadOutcome } from './preload.js';
import { resolveCascadeOptions, type CascadeOptions, type ResolvedCascadeOptions } from './options.js';
import { FCBENCH_LAYOUT, type RedisLayout } from './redis-layout.js';
import { createFeastLayout } from '../feast/layout.js';
import type { PayloadSpec } from '../workload/types.js';
import { maybeRefreshEarly, startRefresh } from './refresh.js';
import type { Source } from './source.js';
import { softExpireKey } from './soft-expire.js';
import { createStampedeStrategy } from './stampede/registry.js';
import type { Trace } from './trace.js';
import { readValue } from './redis-tier.js';

export interface CascadeDeps {
  /** A client from `connectRedis` (command timeout, no offline queue), or null for no Redis tier. Not closed by the cascade. */
  redis: RedisClient | null;
  /** The feature store, shared by replicas. */
  source: Source;
  clock: Clock;
  /** Seeded; the cascade forks its own streams (TTL jitter, XFetch, lock tokens) per replica from it. */
  rng: Rng;
  /** This replica's index: in lock tokens and rng stream labels. */
  replicaId: number;
  /** Called with each value key this replica wrote to Redis (a shared-layout run deletes exactly those at the end). @default none */
  onRedisWrite?: ((key: string) => void) | undefined;
}

/** One serving replica's cascade: local LRU -> Redis -> source. */
export interface Cascade {
  readonly options: ResolvedCascadeOptions;
  /** A local hit returns the values synchronously; anything else a promise. Fills `trace`; a failure rejects with a CascadeError. */
  get(entity: string, featureSet: string, trace: Trace): ServedValues | Promise<ServedValues>;
  /** Several feature sets of one entity, Redis misses fetched with one MGET; `traces[i]` per set. */
  getMany(entity: string, featureSets: readonly string[], traces: readonly Trace[]): ServedValues[] | Promise<ServedValues[]>;
  /** Empties this replica's local tier (flush-local event, deploy). */
  invalidateLocal(): void;
  /** Drops one key (a value key) from this replica's local tier; false when it is not one of ours. */
  evictLocal(key: string): boolean;
  /** Deletes the key from Redis and this replica's local tier (expire-hot); returns the key. */
  deleteKeys(entity: string, featureSet: string): Promise<string>;
  /** Ages the key's Redis value to its soft expiry, or deletes it without a soft TTL, and drops it locally (expire-hot `expiry: soft`); returns the key. */
  softExpireKeys(entity: string, featureSet: string): Promise<string>;
  /** Versioned-key invalidation: later gets of `featureSet` use keys of `version`; its local entries are dropped. */
  setKeyVersion(featureSet: string, version: string): void;
  keyFor(entity: string, featureSet: string): string;
  /** Reads these entities' values of `featureSet` from Redis into the local tier (a deploy's `warmLocal`); never calls the source. */
  preloadLocal(entities: readonly string[], featureSet: string): Promise<PreloadOutcome>;
  stats(): CascadeStats;
  /** Stops background refreshes and waits for those running. Leaves the Redis client open. */
  close(): Promise<void>;
}

function checkClient(redis: RedisClient): void {
  // A cluster keeps the per-connection settings in redisOptions and the queue switch at its top.
  const { commandTimeout } = isCluster(redis) ? (redis.options.redisOptions ?? {}) : redis.options;
  const { enableOfflineQueue } = redis.options;
  if (!(typeof commandTimeout === 'number' && commandTimeout > 0) || enableOfflineQueue !== false) {
    throw badInput(
      'cascade: the Redis client needs a commandTimeout and enableOfflineQueue: false, or a dead Redis hangs every get; connect it with connectRedis (src/redis/connect.ts)',
    );
  }
}

/** The Redis layout, chosen once here: the fcbench layout's calls are then the same on every request. */
function layoutOf(resolved: ResolvedCascadeOptions): RedisLayout {
  if (resolved.layout.kind === 'fcbench') return FCBENCH_LAYOUT;
  const payloads: Record<string, PayloadSpec> = {};
  for (const [name, source] of Object.entries(resolved.codec.layouts ?? {})) {
    if ('floats' in source) payloads[name] = source;
  }
  return createFeastLayout({ project: resolved.keyPrefix, joinKey: resolved.layout.joinKey, entityType: resolved.layout.entityType, payloads });
}

export function createCascade(options: CascadeOptions, deps: CascadeDeps): Cascade {
  const resolved = resolveCascadeOptions(options);
  if (deps.redis !== null) checkClient(deps.redis);
  const label = `cascade:${deps.replicaId}`;
  const sets = new Map<string, SetState>();
  for (const set of resolved.featureSets) {
    sets.set(set.name, {
      name: set.name,
      ttl: set.ttl,
      version: set.version,
      keyPrefix: valueKeyPrefix(resolved.keyPrefix, set.name, set.version, resolved.hashTagKeys),
      keySuffix: valueKeySuffix(resolved.hashTagKeys),
      lru: createSetLru(resolved.local, resolved.featureSets.length),
      recomputeMs: 0,
    });
  }
  const core: CascadeCore = {
    options: resolved,
    redis: deps.redis,
    codec: createCodec(resolved.codec),
    layout: layoutOf(resolved),
    source: deps.source,
    clock: deps.clock,
    now: coarseWallMs(deps.clock),
    jitterRng: deps.rng.fork(`${label}:ttl-jitter`),
    xfetchRng: deps.rng.fork(`${label}:xfetch`),
    tokenRng: deps.rng.fork(`${label}:lock-token`),
    replicaId: deps.replicaId,
    onRedisWrite: deps.onRedisWrite ?? null,
    stats: newCascadeStats(),
    decodeSlot: newDecodeSlot(),
    expiries: { hardExpiresAtMs: 0, softExpiresAtMs: 0 },
    transientValue: resolved.local.enabled ? null : newTransientValue(),
    strategy: undefined as never,
    refreshing: new Set(),
    background: new Set(),
    closed: false,
  };
  core.strategy = createStampedeStrategy(resolved.stampede, {
    core,
    fill: (request, trace) => fillFromSource(core, request, trace),
    readFresh: async (request) => {
      const value = await readValue(core, request.set, request.key, request.entity, request.trace, false);
      return value !== null && value.fetchedAtMs > request.newerThanMs && core.now() < value.staleAtMs ? value : null;
    },
  });

  const localEnabled = resolved.local.enabled;
  const sampleEvery = resolved.local.timingSampleEvery;
  const { clock } = deps;
  const wallNow = core.now;
  let countdown = sampleEvery;

  const unknownSet = (featureSet: string): never => {
    throw badInput(`cascade: unknown feature set ${JSON.stringify(featureSet)} (known: ${[...sets.keys()].join(', ')})`);
  };
  // Most requests name the same set as the last one: a string compare is cheaper than a Map lookup.
  let lastName = '';
  let lastSet: SetState | undefined;
  const setFor = (featureSet: string): SetState => {
    if (featureSet === lastName && lastSet !== undefined) return lastSet;
    const set = sets.get(featureSet) ?? unknownSet(featureSet);
    lastName = featureSet;
    lastSet = set;
    return set;
  };

  /**
   * The local-tier step: the served values on a hit (trace filled), undefined on a miss.
   * Synchronous by design, and kept small, with rare branches in their own functions, so V8 inlines
   * it together with lru-cache's own get into the caller (measured: ~15 ns a hit).
   */
  const lookupLocal = (set: SetState, entity: string, trace: Trace): ServedValues | undefined => {
    if (!localEnabled) return undefined;
    if (--countdown === 0) return timedLookup(set, entity, trace);
    const entry = set.lru.get(entity);
    const now = wallNow();
    if (entry === undefined || now >= entry.freshUntilMs) {
      trace.outcome.local = 'miss';
      return undefined;
    }
    trace.key = entry.key;
    trace.servedBy = 'local';
    trace.version = entry.version;
    trace.ageMs = now - entry.fetchedAtMs;
    if (now >= entry.staleAtMs || set.ttl.xfetchBeta !== 0) return servedWithRefreshCheck(set, entry, trace, now);
    trace.outcome.local = 'hit';
    return entry.values;
  };

  /** One lookup in `timingSampleEvery`, timed into `trace.us.localGet`. */
  const timedLookup = (set: SetState, entity: string, trace: Trace): ServedValues | undefined => {
    countdown = sampleEvery + 1; // the nested lookup counts down to sampleEvery, not 0: it does not sample again
    const startUs = clock.nowUs();
    const values = lookupLocal(set, entity, trace);
    trace.us.localGet = clock.nowUs() - startUs;
    countdown = sampleEvery;
    return values;
  };

  /** A local hit past its soft TTL (served stale, refreshed) or with XFetch on. */
  const servedWithRefreshCheck = (set: SetState, entry: CachedValue, trace: Trace, now: number): ServedValues => {
    if (now >= entry.staleAtMs) {
      trace.outcome.local = 'stale';
      trace.stale = 'soft-expired';
      startRefresh(core, set, entry, trace);
    } else {
      trace.outcome.local = 'hit';
      maybeRefreshEarly(core, set, entry, trace, now);
    }
    return entry.values;
  };

  /** Everything after a local miss: kept out of `get` so the hit path stays small enough to inline. */
  const miss = (set: SetState, entity: string, trace: Trace): Promise<ServedValues> => {
    const key = keyOf(set, entity);
    trace.key = key;
    return loadMiss(core, set, entity, key, trace, heldValue(core, set, entity));
  };

  const get = (entity: string, featureSet: string, trace: Trace): ServedValues | Promise<ServedValues> => {
    const set = setFor(featureSet);
    const hit = lookupLocal(set, entity, trace);
    return hit !== undefined ? hit : miss(set, entity, trace);
  };

  const evictLocal = (key: string): boolean => {
    for (const set of sets.values()) {
      if (key.startsWith(set.keyPrefix)) return set.lru.delete(key.slice(set.keyPrefix.length, key.length - set.keySuffix.length));
    }
    return false;
  };

  return {
    options: resolved,
    get,
    getMany: (entity, featureSets, traces) => getMany(core, featureSets.map(setFor), entity, traces, lookupLocal),
    invalidateLocal() {
      for (const set of sets.values()) set.lru.clear();
    },
    evictLocal,
    async deleteKeys(entity, featureSet) {
      const set = setFor(featureSet);
      const key = keyOf(set, entity);
      // Redis first: dropping the local copy first lets a request in the DEL's round trip read the
      // old value back from Redis and refill the local tier, so the expiry would never happen.
      await core.layout.remove(core, set, key, entity);
      set.lru.delete(entity);
      return key;
    },
    softExpireKeys: (entity, featureSet) => softExpireKey(core, setFor(featureSet), entity),
    setKeyVersion(featureSet, version) {
      const set = setFor(featureSet);
      if (!/^[A-Za-z0-9_.-]+$/.test(version)) throw badInput(`cascade.setKeyVersion: version must match /^[A-Za-z0-9_.-]+$/, got ${JSON.stringify(version)}`);
      set.version = version;
      set.keyPrefix = valueKeyPrefix(resolved.keyPrefix, set.name, version, resolved.hashTagKeys);
      set.lru.clear();
    },
    keyFor: (entity, featureSet) => {
      const set = setFor(featureSet);
      return keyOf(set, entity);
    },
    preloadLocal: (entities, featureSet) => preloadLocal(core, setFor(featureSet), entities),
    stats: () => ({ ...core.stats }),
    async close() {
      core.closed = true;
      while (core.background.size > 0) await Promise.all([...core.background]);
    },
  };
}
