import { redisFailure } from './cascade-error.js';
import { keyOf, type CascadeCore, type SetState } from './core.js';
import type { ResolvedTtl } from './options.js';
import { expiriesFromEnvelope } from './ttl-policy.js';

/**
 * The expire-hot event's `expiry: soft`: one key's Redis value aged to its soft expiry, as if it
 * had been written one (jittered) soft TTL ago. Its jitter factor is kept, so the envelope still
 * gives the same soft/hard ratio, and its `PX` becomes what is left of its hard TTL from there: the
 * value is still in Redis, stale, until then. That is what a soft expiry is, so every strategy
 * meets it as it would the natural one; rewriting only the soft-expiry field would not do, because
 * the hard expiry is derived from it (ttl-policy.ts). Local copies are dropped (after Redis, as
 * `deleteKeys` does) so replicas read the aged value. A set without a soft TTL has no soft expiry:
 * its key is deleted. A fill that lands between the GET and the SET is overwritten by the aged old
 * value; an event tolerates that.
 */
export async function softExpireKey(core: CascadeCore, set: SetState, entity: string): Promise<string> {
  const key = keyOf(set, entity);
  const redis = core.redis;
  if (redis !== null) {
    try {
      if (set.ttl.softMs === 0) await core.layout.remove(core, set, key, entity);
      else await ageValue(core, set, key);
    } catch (error) {
      throw redisFailure(error, `soft-expiring ${key}`);
    }
  }
  set.lru.delete(entity);
  return key;
}

async function ageValue(core: CascadeCore, set: SetState, key: string): Promise<void> {
  const redis = core.redis!;
  const bytes = await redis.getBuffer(key);
  if (bytes === null) return;
  const decoded = core.codec.decode(bytes, set.name);
  if (!decoded.ok) {
    await redis.del(key); // undecodable reads as a miss anyway: gone is the honest equivalent
    return;
  }
  const { header, values } = decoded.value;
  const { softExpiresAtMs } = expiriesFromEnvelope(set.ttl, header.writtenAtMs, header.softExpiresAtMs);
  const aged = agedToSoftExpiry(set.ttl, header.writtenAtMs, softExpiresAtMs, core.clock.wallMs());
  if (aged === null) return; // soft-expired already
  const remainingMs = Math.max(1, Math.ceil(aged.hardExpiresAtMs - aged.nowMs));
  const agedBytes = core.codec.encode({ ...header, writtenAtMs: aged.writtenAtMs, softExpiresAtMs: aged.nowMs }, values);
  await redis.set(key, agedBytes, 'PX', remainingMs);
  core.onRedisWrite?.(key);
}

/**
 * A value written at `writtenAtMs` with soft expiry `softExpiresAtMs`, aged so that its soft expiry
 * is `nowMs` (its jitter factor kept): when it now reads as written, and its hard expiry. Null when
 * it is soft-expired already. Pure; the simulation ages its Redis values with it too.
 */
export function agedToSoftExpiry(
  ttl: ResolvedTtl,
  writtenAtMs: number,
  softExpiresAtMs: number,
  nowMs: number,
): { writtenAtMs: number; hardExpiresAtMs: number; nowMs: number } | null {
  if (nowMs >= softExpiresAtMs) return null;
  const factor = (softExpiresAtMs - writtenAtMs) / ttl.softMs;
  const agedWrittenAtMs = nowMs - ttl.softMs * factor;
  return { writtenAtMs: agedWrittenAtMs, hardExpiresAtMs: agedWrittenAtMs + ttl.hardMs * factor, nowMs };
}
