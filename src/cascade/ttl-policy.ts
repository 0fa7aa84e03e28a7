import type { ResolvedTtl } from './options.js';
import type { StaleReason } from './trace.js';

/**
 * TTL arithmetic, pure: jittered expiries, how they travel in the value envelope, XFetch.
 * All times are wall-clock ms (`Clock.wallMs`).
 */

export interface Expiries {
  hardExpiresAtMs: number;
  /** 0 = no soft TTL. */
  softExpiresAtMs: number;
}

/**
 * `1 - jitter * u` for u in [0, 1): jitter only shortens TTLs, so the configured hard TTL is the
 * longest any value lives, and keys written together expire spread over `[hard * (1 - jitter), hard]`.
 */
export function jitterFactor(jitter: number, u: number): number {
  return 1 - jitter * u;
}

/** Expiries of a value the source produced at `fetchedAtMs`; `u` is one uniform draw shared by both TTLs (so soft < hard stays true). */
export function expiriesFor(ttl: ResolvedTtl, fetchedAtMs: number, u: number): Expiries {
  const factor = jitterFactor(ttl.jitter, u);
  return {
    hardExpiresAtMs: fetchedAtMs + ttl.hardMs * factor,
    softExpiresAtMs: ttl.softMs > 0 ? fetchedAtMs + ttl.softMs * factor : 0,
  };
}

/**
 * What goes into the envelope's `softExpiresAtMs`. The envelope has no hard-expiry field, and a
 * reader needs the exact jittered hard expiry (a conservative guess would make every co-written
 * key expire at the same instant again, undoing the jitter). So: with a soft TTL the soft expiry is
 * written and the hard one follows from the shared jitter factor; without one the hard expiry is
 * written there, since "stale from the moment it expires" is exactly "no soft TTL".
 */
export function envelopeSoftExpiry(ttl: ResolvedTtl, expiries: Expiries): number {
  return ttl.softMs > 0 ? expiries.softExpiresAtMs : expiries.hardExpiresAtMs;
}

/**
 * Inverse of {@link envelopeSoftExpiry}. A header without one (0) gets the configured, unjittered
 * TTLs. Filled into `out` (a caller's reused scratch on the Redis-hit path) and returned.
 */
export function expiriesFromEnvelope(ttl: ResolvedTtl, writtenAtMs: number, envelopeSoftMs: number, out: Expiries = { hardExpiresAtMs: 0, softExpiresAtMs: 0 }): Expiries {
  if (envelopeSoftMs <= 0) {
    out.hardExpiresAtMs = writtenAtMs + ttl.hardMs;
    out.softExpiresAtMs = ttl.softMs > 0 ? writtenAtMs + ttl.softMs : 0;
  } else if (ttl.softMs === 0) {
    out.hardExpiresAtMs = Math.min(envelopeSoftMs, writtenAtMs + ttl.hardMs);
    out.softExpiresAtMs = 0;
  } else {
    // Clamped so a foreign or damaged header can never stretch a value past the configured hard TTL.
    const factor = Math.min(1, Math.max(0, (envelopeSoftMs - writtenAtMs) / ttl.softMs));
    out.hardExpiresAtMs = writtenAtMs + ttl.hardMs * factor;
    out.softExpiresAtMs = envelopeSoftMs;
  }
  return out;
}

/**
 * XFetch: refresh early when `now - delta * beta * ln(u) >= expiry`, u uniform in (0, 1].
 * `-ln(u)` is exponential with mean 1, so the chance grows as expiry nears and with the recompute
 * time `deltaMs` (a slow recompute starts earlier); `beta` > 1 favours earlier refreshes.
 */
export function xfetchDue(nowMs: number, expiryMs: number, deltaMs: number, beta: number, u: number): boolean {
  return nowMs - deltaMs * beta * Math.log(u) >= expiryMs;
}

/** Why a held value is stale when served in place of a fresh one: past its soft TTL, or possibly older than what the tier we could not read holds. */
export function staleReasonAt(softExpiresAtMs: number, nowMs: number): StaleReason {
  return softExpiresAtMs > 0 && nowMs >= softExpiresAtMs ? 'soft-expired' : 'outdated';
}
