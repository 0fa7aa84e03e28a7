import { describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { clearBarrier, endBarrier, startBarrier } from '../../src/redis/shard-barrier.js';
import { usePrivateRedis } from '../helpers/redis.js';

/** The shards' barriers on a real private redis-server. */
const redis = usePrivateRedis();
const options = (key: string, index: number, count: number, timeoutMs = 5000) => ({ key, shard: { index, count }, timeoutMs, leadMs: 200, pollMs: 10, target: 'test-redis' });

describe('the start barrier', () => {
  it('releases every shard at one common start time, once all have arrived', async () => {
    const clients = await Promise.all([0, 1, 2].map(() => redis.client()));
    const arrivedBefore = Date.now();
    const starts = await Promise.all(clients.map((c, i) => startBarrier(c, options('fcb-run:shards', i, 3))));
    expect(new Set(starts).size).toBe(1);
    expect(starts[0]).toBeGreaterThanOrEqual(arrivedBefore);
    expect(Date.now()).toBeGreaterThanOrEqual(starts[0]!);
    const c = clients[0]!;
    expect(await c.smembers('fcb-run:shards:members')).toEqual(expect.arrayContaining(['0', '1', '2']));
    expect(await c.pttl('fcb-run:shards:members')).toBeGreaterThan(0);
  });

  it('times out with an environment error (exit 3) naming how many shards came', async () => {
    const c = await redis.client();
    const error = await startBarrier(c, options('fcb-alone:shards', 1, 3, 200)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FcbenchError);
    expect((error as FcbenchError).code).toBe('environment');
    expect((error as Error).message).toBe('--shard 1/3: only 1 of 3 shards arrived at test-redis within 0.2 s (start the others with the same scenario and --shard i/3)');
  });

  it('refuses to join a barrier whose start is long past (an earlier run)', async () => {
    const c = await redis.client();
    await c.set('fcb-stale:shards:start', String(Date.now() - 60_000));
    const error = await startBarrier(c, options('fcb-stale:shards', 0, 2)).catch((e: unknown) => e);
    expect((error as FcbenchError).code).toBe('environment');
    expect((error as Error).message).toMatch(/started 60\.\d s ago at test-redis .*fresh --shard-group$/);
  });
});

describe('the end barrier', () => {
  it('lets shard 0 go on only once every shard is done, then clears the group', async () => {
    const c = await redis.client();
    const key = 'fcb-end:shards';
    let zeroDone = false;
    const zero = endBarrier(c, options(key, 0, 2)).then((ok) => ((zeroDone = true), ok));
    await new Promise((r) => setTimeout(r, 100));
    expect(zeroDone).toBe(false);
    expect(await endBarrier(await redis.client(), options(key, 1, 2))).toBe(true);
    expect(await zero).toBe(true);
    await clearBarrier(c, key);
    expect(await c.exists(`${key}:done`, `${key}:members`, `${key}:start`)).toBe(0);
  });

  it('gives up after the timeout and says so (false), rather than hang', async () => {
    const c = await redis.client();
    expect(await endBarrier(c, options('fcb-end-alone:shards', 0, 2, 150))).toBe(false);
  });
});
