import type { SimContext } from './sim-context.js';

/**
 * The cascade's `storeLocal` on virtual time: kept for the local TTL but never past the hard TTL,
 * not stored at all once hard-expired.
 */
export function storeLocalAt(
  ctx: SimContext,
  atUs: number,
  replica: number,
  set: number,
  e: number,
  fetchedAtMs: number,
  softAtMs: number,
  hardAtMs: number,
  recomputeMs: number,
): void {
  if (!ctx.local.enabled) return;
  const nowMs = atUs / 1000;
  if (nowMs >= hardAtMs) return;
  const freshUntil = Math.min(nowMs + ctx.local.ttlMs, hardAtMs);
  ctx.replicas[replica]!.lru[set]!.set(e, fetchedAtMs, softAtMs > 0 ? softAtMs : Number.POSITIVE_INFINITY, hardAtMs, freshUntil, recomputeMs);
}
