import type { ResolvedTtl } from './options.js';
import type { StoredValue } from './trace.js';
import type { ServedValues } from '../codec/types.js';

/** A value as one replica holds it: the StoredValue plus what its hot path needs precomputed. */
export interface CachedValue extends StoredValue {
  /** The Redis key (set on `trace.key` by a local hit without rebuilding the string). */
  key: string;
  entity: string;
  /** `softExpiresAtMs`, or +Infinity without a soft TTL: one comparison on the hot path. */
  staleAtMs: number;
  /** Served from the local tier until then: min(local insert + local TTL, hard expiry). */
  freshUntilMs: number;

  /** Source fetch time behind this value (XFetch's delta), ms; 0 when unknown (read from Redis). */
  recomputeMs: number;
  /** Encoded size, bytes (the local tier's byte budget counts these). */
  encodedBytes: number;
}

export function makeCachedValue(
  key: string,
  entity: string,
  values: ServedValues,
  version: string,
  fetchedAtMs: number,
  expiries: { hardExpiresAtMs: number; softExpiresAtMs: number },
  recomputeMs: number,
  encodedBytes: number,
): CachedValue {
  return {
    values,
    version,
    fetchedAtMs,
    softExpiresAtMs: expiries.softExpiresAtMs,
    hardExpiresAtMs: expiries.hardExpiresAtMs,
    key,
    entity,
    staleAtMs: expiries.softExpiresAtMs > 0 ? expiries.softExpiresAtMs : Number.POSITIVE_INFINITY,
    freshUntilMs: 0,
    recomputeMs,
    encodedBytes,
  };
}

/** When XFetch aims its early refresh: the soft expiry (keep serving fresh) if there is one, else the hard expiry (avoid the miss). */
export function xfetchTargetMs(value: CachedValue, ttl: ResolvedTtl): number {
  return ttl.softMs > 0 && value.softExpiresAtMs > 0 ? value.softExpiresAtMs : value.hardExpiresAtMs;
}
