import type { EnvelopeHeader } from '../codec/types.js';
import type { ResolvedTtl } from '../cascade/options.js';
import { envelopeSoftExpiry, expiriesFor, type Expiries } from '../cascade/ttl-policy.js';
import { fnv1a32, mix32 } from '../workload/rng.js';

/**
 * What makes a warm write idempotent: everything in the bytes comes from the input, never from the
 * clock. The written-at is the snapshot's commit time from the input's header, and the TTL jitter
 * draw is a hash of (entity, version), so rerunning a warm job (or resuming one) writes the same
 * bytes, and a key keeps its jittered expiry however often it is rewritten. Pure.
 */

const TWO_POW_32 = 4294967296;

/** A uniform draw in [0, 1) fixed by (entity, version): the jitter a warmed key gets. */
export function jitterDraw(entity: string, version: string): number {
  return mix32(fnv1a32(entity, mix32(fnv1a32(version) ^ 0x5bd1e995))) / TWO_POW_32;
}

/** Envelope header and expiries of a warmed value. */
export function warmEnvelope(featureSet: string, version: string, writtenAtMs: number, ttl: ResolvedTtl, entity: string): { header: EnvelopeHeader; expiries: Expiries } {
  const expiries = expiriesFor(ttl, writtenAtMs, jitterDraw(entity, version));
  return { header: { featureSet, version, writtenAtMs, softExpiresAtMs: envelopeSoftExpiry(ttl, expiries) }, expiries };
}
