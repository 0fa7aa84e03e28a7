import { describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/redis/connect.js';
import { measureRedisAtEnd, type RedisEndState } from '../../src/redis/end-state.js';
import { usePrivateRedis } from '../helpers/redis.js';

/** The end-of-run questions (INFO, SCAN, MEMORY USAGE) against a real redis-server that stalls. */
const redis = usePrivateRedis();

/**
 * `keys` keys under `prefix`, then every client paused for `pauseMs` (CLIENT PAUSE ALL) and the end
 * measured through a client with a request-path commandTimeout of 100 ms, waiting at most `waitMs`.
 */
async function measureWhilePaused(prefix: string, keys: number, pauseMs: number, waitMs: number): Promise<RedisEndState> {
  const admin = await redis.client();
  for (let i = 0; i < keys; i++) await admin.set(`${prefix}:k${i}`, 'v');
  const client = await connectRedis(redis.url, { commandTimeoutMs: 100 });
  try {
    // pauseMs stays under the admin's own 2 s timeout: its UNPAUSE below waits behind the pause too.
    await admin.call('CLIENT', 'PAUSE', String(pauseMs), 'ALL');
    return await measureRedisAtEnd(client, prefix, waitMs);
  } finally {
    await admin.call('CLIENT', 'UNPAUSE');
    client.disconnect();
  }
}

describe('measureRedisAtEnd', () => {
  it('a stall longer than commandTimeout but inside waitMs is waited out, not reported as a dead Redis', async () => {
    const end = await measureWhilePaused('slow', 5, 400, 3000);
    expect(end.unavailableAtEnd).toBe(false);
    expect(end.keys).toBe(5);
    expect(end.usedMemoryAfter).toBeGreaterThan(0);
  });

  it('a Redis still stalled when waitMs has passed is reported unavailable, naming the step', async () => {
    const end = await measureWhilePaused('stuck', 3, 1200, 300);
    expect(end.unavailableAtEnd).toBe(true);
    expect(end.note).toMatch(/^INFO memory failed after the measured phase: .*timed out/i);
    expect(end.keys).toBeNull();
  });
});
