import type { ServedValues } from '../codec/types.js';

export type Tier = 'local' | 'redis' | 'source';
export type Outcome = 'hit' | 'miss' | 'stale' | 'error' | 'skipped';
/** Why a value was served stale: soft TTL passed, an older snapshot version, or read before its write committed. */
export type StaleReason = 'soft-expired' | 'outdated' | 'uncommitted';
/** Error kinds counted in `requests.errorsByKind` and `trace.errorKind`. */
export type ErrorKind =
  | 'decode-error'
  | 'redis-error'
  | 'redis-timeout'
  | 'source-error'
  | 'source-timeout'
  | 'lock-timeout'
  | 'local-error'
  // A cascade.implementation plugin threw or returned no value (src/cascade/plugins/).
  | 'implementation-error'
  // HTTP load (src/serve/): a status >= 500 or 4xx, no response in time, the port refused the
  // connection (a dead replica), the connection dropped mid-request, any other client error.
  | 'http-5xx'
  | 'http-4xx'
  | 'http-timeout'
  | 'connect-refused'
  | 'connection-reset'
  | 'http-error';

/** Microsecond timings of one get; 0 means the step did not run. */
export interface ComponentTimingsUs {
  localGet: number;
  redisGet: number;
  decode: number;
  lockWait: number;
  /** Source fetch including queue wait for the source's concurrency limit. */
  sourceFetch: number;
  /** Part of `sourceFetch` spent queued behind the source's concurrency limit. */
  sourceQueue: number;
  encode: number;
  redisSet: number;
}

/**
 * What happened in one `cascade.get`, filled in place (like lru-cache's `status` object) so the
 * hot path allocates nothing: the runner keeps one Trace per in-flight slot and resets it.
 */
export interface Trace {
  /** The Redis key (`{prefix}:{featureSet}:{version}:{entity}`) the get resolved to. */
  key: string;
  servedBy: Tier | 'none';
  outcome: Record<Tier, Outcome>;
  stale: false | StaleReason;
  /** Age of the served value: now minus when it was fetched from the source. */
  ageMs: number;
  /** Snapshot version of the served value ('' when nothing was served). */
  version: string;
  /** Set when the get failed or a tier erred (the get may still have been served by another tier). */
  errorKind: ErrorKind | null;
  /** Whether the request itself failed (no value returned). */
  failed: boolean;
  /** Number of source fetches this get started (0 or 1): the origin calls a stampede counts. */
  originCalls: number;
  /** This get waited for another caller's fetch (single-flight join or lock wait). */
  waited: boolean;
  /** A background refresh (soft TTL / early refresh) was started by this get. */
  refreshStarted: boolean;
  /**
   * Hard TTL (jitter applied) of the value this get fetched and wrote back, ms from the fetch; 0
   * when the get filled nothing itself. Lets the stampede tracker tell a later miss of the key that
   * came after this TTL (an expiry) from one before it (an eviction).
   */
  filledTtlMs: number;
  /** Serialized bytes before compression and bytes stored, when this get encoded a value. */
  rawBytes: number;
  encodedBytes: number;
  us: ComponentTimingsUs;
}

export function newTrace(): Trace {
  return {
    key: '',
    servedBy: 'none',
    outcome: { local: 'skipped', redis: 'skipped', source: 'skipped' },
    stale: false,
    ageMs: 0,
    version: '',
    errorKind: null,
    failed: false,
    originCalls: 0,
    waited: false,
    refreshStarted: false,
    filledTtlMs: 0,
    rawBytes: 0,
    encodedBytes: 0,
    us: { localGet: 0, redisGet: 0, decode: 0, lockWait: 0, sourceFetch: 0, sourceQueue: 0, encode: 0, redisSet: 0 },
  };
}

/** Resets a trace for reuse without allocating. */
export function resetTrace(t: Trace): Trace {
  t.key = '';
  t.servedBy = 'none';
  t.outcome.local = 'skipped';
  t.outcome.redis = 'skipped';
  t.outcome.source = 'skipped';
  t.stale = false;
  t.ageMs = 0;
  t.version = '';
  t.errorKind = null;
  t.failed = false;
  t.originCalls = 0;
  t.waited = false;
  t.refreshStarted = false;
  t.filledTtlMs = 0;
  t.rawBytes = 0;
  t.encodedBytes = 0;
  const us = t.us;
  us.localGet = 0;
  us.redisGet = 0;
  us.decode = 0;
  us.lockWait = 0;
  us.sourceFetch = 0;
  us.sourceQueue = 0;
  us.encode = 0;
  us.redisSet = 0;
  return t;
}

/** A value as the cascade holds it between tiers. */
export interface StoredValue {
  values: ServedValues;
  version: string;
  /** Wall ms when the source produced it (age is measured from here). */
  fetchedAtMs: number;
  /** Wall ms after which it is soft-expired; 0 = no soft TTL. */
  softExpiresAtMs: number;
  /** Wall ms after which it must never be served (hard TTL). */
  hardExpiresAtMs: number;
}
