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

/**
 * A value as a replica holds it, or, given `into` (`CascadeCore.transientValue`), the same fields
 * written into that object: a Redis hit without a local tier serves its value and drops it, and a
 * new object with its five boxed doubles was a sixth of the garbage such a hit left (260 of 1,520
 * bytes with the tensor codec).
 */
export function makeCachedValue(
  key: string,
  entity: string,
  values: ServedValues,
  version: string,
  fetchedAtMs: number,
  expiries: { hardExpiresAtMs: number; softExpiresAtMs: number },
  recomputeMs: number,
  encodedBytes: number,
  into: CachedValue | null = null,
): CachedValue {
  const staleAtMs = expiries.softExpiresAtMs > 0 ? expiries.softExpiresAtMs : Number.POSITIVE_INFINITY;
  if (into === null) {
    return { values, version, fetchedAtMs, softExpiresAtMs: expiries.softExpiresAtMs, hardExpiresAtMs: expiries.hardExpiresAtMs, key, entity, staleAtMs, freshUntilMs: 0, recomputeMs, encodedBytes };
  }
  into.values = values;
  into.version = version;
  into.fetchedAtMs = fetchedAtMs;
  into.softExpiresAtMs = expiries.softExpiresAtMs;
  into.hardExpiresAtMs = expiries.hardExpiresAtMs;
  into.key = key;
  into.entity = entity;
  into.staleAtMs = staleAtMs;
  into.freshUntilMs = 0;
  into.recomputeMs = recomputeMs;
  into.encodedBytes = encodedBytes;
  return into;
}

/** A value to overwrite in place (`CascadeCore.transientValue`), its fields of their final types from the start. */
export function newTransientValue(): CachedValue {
  return makeCachedValue('', '', {}, '', 0.5, { hardExpiresAtMs: 0.5, softExpiresAtMs: 0.5 }, 0.5, 0);
}

/** When XFetch aims its early refresh: the soft expiry (keep serving fresh) if there is one, else the hard expiry (avoid the miss). */
export function xfetchTargetMs(value: CachedValue, ttl: ResolvedTtl): number {
  return ttl.softMs > 0 && value.softExpiresAtMs > 0 ? value.softExpiresAtMs : value.hardExpiresAtMs;
}
