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

/** A value to overwrite in place (`CascadeCore.transientValue`), its fields of their final types from the start. */
export function newTransientValue(): CachedValue {
  return makeCachedValue('', '', {}, '', 0.5, { hardExpiresAtMs: 0.5, softExpiresAtMs: 0.5 }, 0.5, 0);
}

/**
 * `makeCachedValue` written into `target` instead of a new object: a Redis hit without a local
 * tier serves its value and drops it, and the object with its five boxed doubles was a sixth of
 * the garbage such a hit left (260 of 1,520 bytes with the tensor codec).
 */
export function fillCachedValue(
  target: CachedValue,
  key: string,
  entity: string,
  values: ServedValues,
  version: string,
  fetchedAtMs: number,
  expiries: { hardExpiresAtMs: number; softExpiresAtMs: number },
  encodedBytes: number,
): CachedValue {
  target.values = values;
  target.version = version;
  target.fetchedAtMs = fetchedAtMs;
  target.softExpiresAtMs = expiries.softExpiresAtMs;
  target.hardExpiresAtMs = expiries.hardExpiresAtMs;
  target.key = key;
  target.entity = entity;
  target.staleAtMs = expiries.softExpiresAtMs > 0 ? expiries.softExpiresAtMs : Number.POSITIVE_INFINITY;
  target.freshUntilMs = 0;
  target.recomputeMs = 0;
  target.encodedBytes = encodedBytes;
  return target;
}

/** When XFetch aims its early refresh: the soft expiry (keep serving fresh) if there is one, else the hard expiry (avoid the miss). */
export function xfetchTargetMs(value: CachedValue, ttl: ResolvedTtl): number {
  return ttl.softMs > 0 && value.softExpiresAtMs > 0 ? value.softExpiresAtMs : value.hardExpiresAtMs;
}
