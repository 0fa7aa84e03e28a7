import type { RedisClient } from './client.js';
import { unlinkKeys } from './slots.js';
import { environmentError } from '../errors.js';
import type { ResultShard } from '../results/result-types.js';

/**
 * The start and end barriers of a sharded run, on the Redis the shards share (no coordinator of
 * our own: the target is already common ground, as k6-operator's runners meet on their starter).
 * - start: each shard adds its index to a set; the shard that completes the set writes a start
 *   time `leadMs` ahead (SET NX, so exactly one time is ever written), and every shard waits for
 *   that time. Shards on several machines need clocks in step (NTP), as any distributed load
 *   test does: the README says so.
 * - end: each shard marks itself done; shard 0 waits for all before it deletes the shared keys, so
 *   no shard's keys vanish under a shard still running.
 * Keys live under the run's prefix and expire on their own (`ttlMs`), so an abandoned barrier is
 * never left behind. A barrier not met in `timeoutMs` is an environment error (exit 3) that says
 * how many shards came.
 */
export interface BarrierOptions {
  /** `<run prefix>:shards`: every shard of one run must use the same. */
  key: string;
  shard: ResultShard;
  timeoutMs: number;
  /** How far ahead of the last arrival the common start is set. @default 500 */
  leadMs?: number;
  /** @default 50 */
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** How the Redis is named in errors (redacted URL). */
  target: string;
  /** Ctrl-C: stop waiting at once (the start resolves now, the end with the shards done so far). */
  signal?: AbortSignal | undefined;
}

/** A shard may see the start this late (polling, a slow connect) and still join. */
const LATE_MS = 1000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves with the common start time (epoch ms) once every shard has arrived; waits until then. */
export async function startBarrier(redis: RedisClient, options: BarrierOptions): Promise<number> {
  const { key, shard } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const ttlMs = options.timeoutMs * 2 + 60_000;
  const members = `${key}:members`;
  const startKey = `${key}:start`;
  await redis.multi().sadd(members, String(shard.index)).pexpire(members, ttlMs).exec();
  const deadline = now() + options.timeoutMs;
  for (;;) {
    const [arrived, start] = await Promise.all([redis.scard(members), redis.get(startKey)]);
    if (start !== null) {
      const startMs = Number(start);
      // A start already well past is an earlier run's barrier (or this shard came too late): never join it.
      if (now() - startMs > LATE_MS) {
        throw environmentError(`--shard ${shard.index}/${shard.count}: the shards under ${key} started ${((now() - startMs) / 1000).toFixed(1)} s ago at ${options.target} (a barrier left by an earlier run, or this shard is late); give every shard of a new run a fresh --shard-group`);
      }
      return waitUntil(startMs, now, sleep);
    }
    if (arrived >= shard.count) {
      await redis.set(startKey, String(now() + (options.leadMs ?? 500)), 'PX', ttlMs, 'NX');
      continue;
    }
    if (options.signal?.aborted === true) return now();
    if (now() >= deadline) {
      throw environmentError(`--shard ${shard.index}/${shard.count}: only ${arrived} of ${shard.count} shards arrived at ${options.target} within ${options.timeoutMs / 1000} s (start the others with the same scenario and --shard i/${shard.count})`);
    }
    await sleep(options.pollMs ?? 50);
  }
}

async function waitUntil(startMs: number, now: () => number, sleep: (ms: number) => Promise<void>): Promise<number> {
  const wait = startMs - now();
  if (wait > 0) await sleep(wait);
  return startMs;
}

/**
 * Marks this shard done. A shard that deletes shared keys afterwards (shard 0; with `waitForAll`
 * every shard) resolves once every shard is done, or false when the timeout passed or the signal
 * aborted first; the others resolve true at once.
 */
export async function endBarrier(redis: RedisClient, options: BarrierOptions & { waitForAll?: boolean }): Promise<boolean> {
  const { key, shard } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const done = `${key}:done`;
  await redis.multi().sadd(done, String(shard.index)).pexpire(done, options.timeoutMs * 2 + 60_000).exec();
  if (!(options.waitForAll ?? shard.index === 0)) return true;
  const deadline = now() + options.timeoutMs;
  while ((await redis.scard(done)) < shard.count) {
    if (now() >= deadline || options.signal?.aborted === true) return false;
    await sleep(options.pollMs ?? 50);
  }
  return true;
}

/** Shard 0, after the end barrier: the barrier's keys go, so the group can be used again. */
export async function clearBarrier(redis: RedisClient, key: string): Promise<void> {
  await unlinkKeys(redis, [`${key}:members`, `${key}:start`, `${key}:done`]);
}
