import { badInput } from '../errors.js';
import type { CodecOptions } from '../codec/types.js';

/** TTL policy of one feature set; times in ms. */
export interface TtlOptions {
  /** Hard TTL: a value is never served after it. Also the Redis `PX`. */
  hardMs: number;
  /** Soft TTL: after it the value is served marked stale while one refresh per replica runs. Must be < hardMs. @default none */
  softMs?: number | undefined;
  /**
   * TTL spread in [0, 1): both TTLs are multiplied by the same `1 - jitter * u`, u uniform in [0, 1)
   * from the seeded rng. One-sided downwards so the configured hard TTL stays the longest any
   * value lives, and one factor for both so soft < hard always holds. @default 0
   */
  jitter?: number | undefined;
  /** XFetch probabilistic early refresh (Vattani et al., VLDB 2015). @default none */
  earlyRefresh?: { kind: 'xfetch'; /** > 1 refreshes earlier. @default 1 */ beta?: number | undefined } | undefined;
}

export interface FeatureSetOptions {
  name: string;
  /** Snapshot version in the keys (versioned-key invalidation moves it with `setKeyVersion`). */
  version: string;
  ttl: TtlOptions;
}

export interface LocalTierOptions {
  /** Use the in-process LRU. When off the replica holds no values at all, so `serve-stale` has nothing to serve. @default true */
  enabled?: boolean | undefined;
  /** Entries per replica, split evenly between feature sets. @default 10000 */
  maxEntries?: number | undefined;
  /** Byte budget per replica (encoded sizes), split evenly between feature sets. @default none */
  maxBytes?: number | undefined;
  /** How long a local copy is served before Redis is asked again, ms. @default 30000 */
  ttlMs?: number | undefined;
  /**
   * Time one local lookup in this many into `trace.us.localGet`. Two clock reads cost about as much
   * as a whole lru-cache hit (ANCHORS.md), so timing every hit would double the cost it measures;
   * a 1-in-N sample keeps the histogram's shape at 1/N of the cost. 1 = time every lookup. @default 64
   */
  timingSampleEvery?: number | undefined;
}

/** Lock-based stampede protection across replicas; times in ms. */
export interface RedisLockOptions {
  strategy: 'redis-lock';
  /** Lock expiry (a crashed holder frees it after this). @default 2000 */
  lockTtlMs?: number | undefined;
  /** How long a caller waits for the holder's value. @default 200 */
  waitMs?: number | undefined;
  /** First poll period; doubles after each empty poll, capped at 8x. @default 5 */
  pollIntervalMs?: number | undefined;
  /** When the wait runs out: serve the value this replica holds (stale), fetch anyway, or fail. @default 'serve-stale' */
  onTimeout?: 'serve-stale' | 'bypass' | 'fail' | undefined;
}

export type StampedeOptions = { strategy: 'none' } | { strategy: 'single-flight' } | { strategy: 'swr' } | RedisLockOptions;

export type FailurePolicy = 'serve-stale' | 'bypass' | 'fail-closed';

export interface CascadeOptions {
  featureSets: readonly FeatureSetOptions[];
  codec: CodecOptions;
  local?: LocalTierOptions | undefined;
  /**
   * Key prefix of every value and lock. The Redis client itself is passed in `deps`: connect it
   * with `connectRedis` (src/redis/connect.ts), whose command timeout and disabled offline queue
   * are what keep a get from hanging on a dead Redis. @default 'fcb'
   */
  redis?: {
    keyPrefix?: string | undefined;
    /** Hash-tag the entity in every key (`…:{entity}`), as a Redis Cluster needs for one-slot MGETs. @default false */
    hashTag?: boolean | undefined;
  } | undefined;
  /** @default { strategy: 'single-flight' } */
  stampede?: StampedeOptions | undefined;
  /** What a get does when Redis or the source fails (table in src/cascade/README.md). @default 'serve-stale' */
  failurePolicy?: FailurePolicy | undefined;
  /**
   * How values sit in Redis: fcbench's envelope per key, or Feast's Redis online store format
   * (a hash per entity, project = `redis.keyPrefix`; src/feast/layout.ts), whose features are named
   * by each set's payload spec in `codec.layouts`. @default { kind: 'fcbench' }
   */
  layout?: LayoutOptions | undefined;
}

export type LayoutOptions =
  | { kind: 'fcbench' }
  | { kind: 'feast'; /** @default "entity_id" */ joinKey?: string | undefined; /** @default "string" */ entityType?: 'string' | 'int64' | undefined };

export type ResolvedLayout = { kind: 'fcbench' } | { kind: 'feast'; joinKey: string; entityType: 'string' | 'int64' };

export interface ResolvedTtl {
  hardMs: number;
  /** 0 = no soft TTL. */
  softMs: number;
  jitter: number;
  /** 0 = no early refresh. */
  xfetchBeta: number;
}

export type ResolvedStampede =
  | { strategy: 'none' | 'single-flight' | 'swr' }
  | { strategy: 'redis-lock'; lockTtlMs: number; waitMs: number; pollIntervalMs: number; onTimeout: 'serve-stale' | 'bypass' | 'fail' };

export interface ResolvedCascadeOptions {
  featureSets: { name: string; version: string; ttl: ResolvedTtl }[];
  codec: CodecOptions;
  local: { enabled: boolean; maxEntries: number; maxBytes: number; ttlMs: number; timingSampleEvery: number };
  keyPrefix: string;
  hashTagKeys: boolean;
  layout: ResolvedLayout;
  stampede: ResolvedStampede;
  failurePolicy: FailurePolicy;
}

const STRATEGIES = ['none', 'single-flight', 'swr', 'redis-lock'] as const;
const POLICIES = ['serve-stale', 'bypass', 'fail-closed'] as const;
const ON_TIMEOUT = ['serve-stale', 'bypass', 'fail'] as const;
const NAME_RE = /^[A-Za-z0-9_.-]+$/;
const PREFIX_RE = /^[A-Za-z0-9_.:-]+$/;

function num(path: string, value: number | undefined, fallback: number, min: number, opts: { integer?: boolean; above?: boolean } = {}): number {
  const v = value ?? fallback;
  const ok = Number.isFinite(v) && (opts.above ? v > min : v >= min) && (!opts.integer || Number.isInteger(v));
  if (!ok) throw badInput(`${path}: must be ${opts.integer ? 'an integer' : 'a number'} ${opts.above ? '>' : '>='} ${min}, got ${String(value)}`);
  return v;
}

function oneOf<T extends string>(path: string, value: T | undefined, fallback: T, allowed: readonly T[]): T {
  const v = value ?? fallback;
  if (!allowed.includes(v)) throw badInput(`${path}: must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return v;
}

function name(path: string, value: string, re: RegExp): string {
  if (typeof value !== 'string' || !re.test(value)) throw badInput(`${path}: must match ${String(re)}, got ${JSON.stringify(value)}`);
  return value;
}

function resolveTtl(path: string, ttl: TtlOptions): ResolvedTtl {
  const hardMs = num(`${path}.hard`, ttl.hardMs, NaN, 0, { above: true });
  const softMs = ttl.softMs === undefined ? 0 : num(`${path}.soft`, ttl.softMs, 0, 0, { above: true });
  if (softMs >= hardMs) throw badInput(`${path}.soft: must be shorter than hard (${softMs} ms >= ${hardMs} ms)`);
  const jitter = num(`${path}.jitter`, ttl.jitter, 0, 0);
  if (jitter >= 1) throw badInput(`${path}.jitter: must be in [0, 1), got ${jitter}`);
  const early = ttl.earlyRefresh;
  if (early !== undefined && early.kind !== 'xfetch') throw badInput(`${path}.earlyRefresh.kind: must be xfetch, got ${JSON.stringify(early.kind)}`);
  const xfetchBeta = early === undefined ? 0 : num(`${path}.earlyRefresh.beta`, early.beta, 1, 0, { above: true });
  return { hardMs, softMs, jitter, xfetchBeta };
}

function resolveStampede(raw: StampedeOptions | undefined): ResolvedStampede {
  const strategy = oneOf('stampede.strategy', raw?.strategy, 'single-flight', STRATEGIES);
  if (strategy !== 'redis-lock') return { strategy };
  const lock = raw as RedisLockOptions;
  return {
    strategy,
    lockTtlMs: num('stampede.lockTtl', lock.lockTtlMs, 2000, 1, { integer: true }),
    waitMs: num('stampede.wait', lock.waitMs, 200, 0),
    pollIntervalMs: num('stampede.pollInterval', lock.pollIntervalMs, 5, 0, { above: true }),
    onTimeout: oneOf('stampede.onTimeout', lock.onTimeout, 'serve-stale', ON_TIMEOUT),
  };
}

/** Validates options and applies defaults into a new object; the caller's is never touched. */
export function resolveCascadeOptions(options: CascadeOptions): ResolvedCascadeOptions {
  if (!Array.isArray(options.featureSets) || options.featureSets.length === 0) {
    throw badInput('featureSets: the cascade needs at least one feature set');
  }
  const seen = new Set<string>();
  const featureSets = options.featureSets.map((set, i) => {
    const setName = name(`featureSets[${i}].name`, set.name, NAME_RE);
    if (seen.has(setName)) throw badInput(`featureSets[${i}].name: duplicate feature set ${JSON.stringify(setName)}`);
    seen.add(setName);
    return { name: setName, version: name(`featureSets[${i}].version`, set.version, NAME_RE), ttl: resolveTtl(`featureSets[${i}].ttl`, set.ttl) };
  });
  const local = options.local ?? {};
  return {
    featureSets,
    codec: { ...options.codec },
    local: {
      enabled: local.enabled ?? true,
      maxEntries: num('cascade.local.maxEntries', local.maxEntries, 10_000, featureSets.length, { integer: true }),
      maxBytes: local.maxBytes === undefined ? 0 : num('cascade.local.maxBytes', local.maxBytes, 0, 1, { integer: true }),
      ttlMs: num('cascade.local.ttl', local.ttlMs, 30_000, 0),
      timingSampleEvery: num('cascade.local.timingSampleEvery', local.timingSampleEvery, 64, 1, { integer: true }),
    },
    keyPrefix: name('cascade.redis.keyPrefix', options.redis?.keyPrefix ?? 'fcb', PREFIX_RE),
    hashTagKeys: options.redis?.hashTag ?? false,
    layout: options.layout?.kind === 'feast' ? { kind: 'feast', joinKey: options.layout.joinKey ?? 'entity_id', entityType: options.layout.entityType ?? 'string' } : { kind: 'fcbench' },
    stampede: resolveStampede(options.stampede),
    failurePolicy: oneOf('failurePolicy', options.failurePolicy, 'serve-stale', POLICIES),
  };
}
