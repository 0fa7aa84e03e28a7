import type { RedisClient } from '../redis/client.js';
import type { LRUCache } from 'lru-cache';
import type { Codec, DecodeSlot } from '../codec/types.js';
import type { Expiries } from './ttl-policy.js';
import type { Rng } from '../workload/types.js';
import type { CachedValue } from './cached-value.js';
import type { Clock } from './clock.js';
import type { RedisLayout } from './redis-layout.js';
import type { ResolvedCascadeOptions, ResolvedTtl } from './options.js';
import type { Source } from './source.js';
import type { StampedeStrategy } from './stampede/types.js';

/** Per feature set state of one replica. */
export interface SetState {
  readonly name: string;
  readonly ttl: ResolvedTtl;
  /** Version in the keys; `setKeyVersion` moves it. */
  version: string;
  /** `{keyPrefix}:{name}:{version}:` (plus `{` on a cluster), built once so a key is one concatenation. */
  keyPrefix: string;
  /** `}` closing a cluster hash tag, else ''; a key is `keyPrefix + entity + keySuffix`. */
  readonly keySuffix: string;
  /** Local tier, keyed by entity (no key string to build or hash on a hit). */
  readonly lru: LRUCache<string, CachedValue>;
  /** Moving average of this replica's source fetch times for the set, ms: XFetch's delta for values read from Redis. */
  recomputeMs: number;
}

/** Counters of one replica, beyond what traces carry. */
export interface CascadeStats {
  /** Background refreshes started (soft TTL, XFetch) and those that failed. */
  refreshes: number;
  refreshFailures: number;
  decodeErrors: number;
  /** Those of `decodeErrors` that were `schema-mismatch`: a tensor value written under another layout (schema drift). */
  schemaMismatches: number;
  /** Write-backs to Redis that failed (the get was still served). */
  writeErrors: number;
  /** Gets served a held value because a tier failed (failure policy serve-stale). */
  staleOnError: number;
  locksAcquired: number;
  lockWaits: number;
  lockTimeouts: number;
}

export function newCascadeStats(): CascadeStats {
  return { refreshes: 0, refreshFailures: 0, decodeErrors: 0, schemaMismatches: 0, writeErrors: 0, staleOnError: 0, locksAcquired: 0, lockWaits: 0, lockTimeouts: 0 };
}

/** What the cascade's modules share: one per replica. */
export interface CascadeCore {
  readonly options: ResolvedCascadeOptions;
  readonly redis: RedisClient | null;
  readonly codec: Codec;
  /** How values sit in Redis (`cascade.layout`), chosen once at construction. */
  readonly layout: RedisLayout;
  readonly source: Source;
  readonly clock: Clock;
  /** Wall ms for TTL checks (coarse for the real clock; see coarse-clock.ts). */
  readonly now: () => number;
  readonly jitterRng: Rng;
  readonly xfetchRng: Rng;
  readonly tokenRng: Rng;
  readonly replicaId: number;
  /** See `CascadeDeps.onRedisWrite`. */
  readonly onRedisWrite: ((key: string) => void) | null;
  readonly stats: CascadeStats;
  /** Scratch of `decodeValue`, reused on every Redis hit (read before the next decode; nothing keeps it). */
  readonly decodeSlot: DecodeSlot;
  readonly expiries: Expiries;
  /**
   * Without a local tier, the value a Redis hit on the miss path is served from, overwritten by the
   * next (`makeCachedValue(..., into)`): nothing keeps it past the get, and a refresh it starts copies it.
   * Null with a local tier, which keeps what it reads.
   */
  readonly transientValue: CachedValue | null;
  strategy: StampedeStrategy;
  /** Keys with a background refresh running in this replica (one at a time per key). */
  readonly refreshing: Set<string>;
  /** Background work `close()` waits for. */
  readonly background: Set<Promise<unknown>>;
  closed: boolean;
}

/** Runs `work` in the background: never an unhandled rejection, and `close()` waits for it. */
export function track(core: CascadeCore, work: Promise<unknown>): void {
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  core.background.add(settled);
  void settled.then(() => core.background.delete(settled));
}

/** The cascade's key of `entity` in `set`: the fcbench layout's Redis key, and every layout's name for locks, refreshes and traces. */
export function keyOf(set: SetState, entity: string): string {
  return set.keyPrefix + entity + set.keySuffix;
}
