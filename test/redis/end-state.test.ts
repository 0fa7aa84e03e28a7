import { describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/redis/connect.js';
import { measureRedisAtEnd } from '../../src/redis/end-state.js';
import { usePrivateRedis } from '../helpers/redis.js';

/** The end-of-run questions (INFO, SCAN, MEMORY USAGE) against a real redis-server that stalls. */
const redis = usePrivateRedis();

async function withKeys(prefix: string, n: number): Promise<void> {
  const admin = await redis.client();
  for (let i = 0; i < n; i++) await admin.set(`${prefix}:k${i}`, 'v');
}

describe('measureRedisAtEnd', () => {
  it('a stall longer than commandTimeout but inside waitMs is waited out, not reported as a dead Redis', async () => {
    await withKeys('slow', 5);
    // The run's client: a request-path commandTimeout, far shorter than the stall.
    const client = await connectRedis(redis.url, { commandTimeoutMs: 100 });
    const admin = await redis.client();
    try {
      await admin.call('CLIENT', 'PAUSE', '400', 'ALL');
      const end = await measureRedisAtEnd(client, 'slow', 3000);
      expect(end.unavailableAtEnd).toBe(false);
      expect(end.keys).toBe(5);
      expect(end.usedMemoryAfter).toBeGreaterThan(0);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
      client.disconnect();
    }
  });

  it('a Redis still stalled when waitMs has passed is reported unavailable, naming the step', async () => {
    await withKeys('stuck', 3);
    const client = await connectRedis(redis.url, { commandTimeoutMs: 100 });
    const admin = await redis.client();
    try {
      // Shorter than the admin's own 2 s timeout: its UNPAUSE below waits behind the pause too.
      await admin.call('CLIENT', 'PAUSE', '1200', 'ALL');
      const end = await measureRedisAtEnd(client, 'stuck', 300);
      expect(end.unavailableAtEnd).toBe(true);
      expect(end.note).toMatch(/^INFO memory failed after the measured phase: .*timed out/i);
      expect(end.keys).toBeNull();
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
      client.disconnect();
    }
  });
});
