import type { RedisClient } from '../redis/client.js';
import { pipelineByNode, unlinkKeys } from '../redis/slots.js';
import type { Codec } from '../codec/types.js';
import type { ResolvedTtl } from '../cascade/options.js';
import { envelopeSoftExpiry, expiriesFor } from '../cascade/ttl-policy.js';
import type { FeatureValues } from '../workload/types.js';
import type { LocalBus } from './local-bus.js';

/**
 * Compare-and-set on the snapshot version inside the stored envelope (offset 30: version length,
 * uint16 LE; offset 34: the version): a value already at this version or a newer one is left
 * alone, so writers arriving in any order never put an older snapshot over a newer one, and
 * overwriting twice with the same snapshot changes nothing. ARGV: envelope, PX ms, then every
 * version from this one on. Returns 1 when written, 0 when refused.
 */
export const OVERWRITE_IF_OLDER_LUA = `
local cur = redis.call('GET', KEYS[1])
if cur and string.len(cur) >= 34 then
  local len = string.byte(cur, 31) + string.byte(cur, 32) * 256
  local stored = string.sub(cur, 35, 34 + len)
  for i = 3, #ARGV do
    if ARGV[i] == stored then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** Keys per UNLINK and scripted SETs per pipeline: few round trips, no multi-second command. */
const BATCH = 500;

export interface UpdaterSet {
  name: string;
  ttl: ResolvedTtl;
}

/** The Redis key holding a feature set's current snapshot version (versioned keys). */
export function pointerKey(runPrefix: string, featureSet: string): string {
  return `${runPrefix}:current:${featureSet}`;
}

/**
 * The cache updater: consumes a publication and applies its invalidation to Redis (and, through
 * the bus, to the replicas' local tiers). Returns the Redis commands it sent, the cost the result
 * charges to the publication.
 */
export interface CacheUpdater {
  /** Readers move to the new version's keys: SET the pointer; pubsub replicas switch at once. */
  switchVersion(featureSet: string, version: string): Promise<number>;
  /** UNLINK the changed entities' keys. */
  deleteKeys(keys: readonly string[]): Promise<number>;
  /** Write the new snapshot's values over the changed keys, refused where a newer one is stored. */
  overwrite(
    set: UpdaterSet,
    version: string,
    newerOrEqual: readonly string[],
    entries: readonly { key: string; values: FeatureValues }[],
    writtenAtMs: number,
    nowMs: number,
  ): Promise<{ commands: number; written: number; refused: number }>;
}

export function createCacheUpdater(deps: { redis: RedisClient; codec: Codec; bus: LocalBus; runPrefix: string; nowUs: () => number }): CacheUpdater {
  const { redis, bus } = deps;
  return {
    async switchVersion(featureSet, version) {
      const key = pointerKey(deps.runPrefix, featureSet);
      bus.applying(deps.nowUs(), [key]);
      await redis.set(key, version);
      return 1 + (await bus.applied()) + (await bus.announceVersion(featureSet, version));
    },
    async deleteKeys(keys) {
      bus.applying(deps.nowUs(), keys);
      let commands = 0;
      for (let i = 0; i < keys.length; i += BATCH) {
        await unlinkKeys(redis, keys.slice(i, i + BATCH));
        commands++;
      }
      return commands + (await bus.applied()) + (await bus.announceKeys(keys));
    },
    async overwrite(set, version, newerOrEqual, entries, writtenAtMs, nowMs) {
      bus.applying(deps.nowUs(), entries.map((e) => e.key));
      // The snapshot's own commit time as written-at, no jitter: two overwrites of one snapshot
      // produce the same bytes, and TTLs count from when the data became true.
      const expiries = expiriesFor(set.ttl, writtenAtMs, 0);
      const pxMs = Math.max(1, Math.ceil(expiries.hardExpiresAtMs - nowMs));
      const header = { featureSet: set.name, version, writtenAtMs, softExpiresAtMs: envelopeSoftExpiry(set.ttl, expiries) };
      let written = 0;
      let refused = 0;
      for (let i = 0; i < entries.length; i += BATCH) {
        const batch = entries.slice(i, i + BATCH);
        const keys = batch.map((entry) => entry.key);
        const replies = await pipelineByNode(redis, keys, (pipeline, j) =>
          pipeline.eval(OVERWRITE_IF_OLDER_LUA, 1, keys[j]!, deps.codec.encode(header, batch[j]!.values), String(pxMs), ...newerOrEqual),
        );
        for (const [error, reply] of replies) {
          if (error) throw error;
          if (reply === 1) written++;
          else refused++;
        }
      }
      const announced = (await bus.applied()) + (await bus.announceKeys(entries.map((e) => e.key)));
      return { commands: entries.length + announced, written, refused };
    },
  };
}
