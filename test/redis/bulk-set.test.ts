import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { openBulkSet, RedisReplyError, type BulkSetConnection } from '../../src/redis/bulk-set.js';
import { connectRedis } from '../../src/redis/connect.js';
import { startPrivateRedis, type PrivateRedis } from '../../src/redis/private-server.js';
import { usePrivateRedis } from '../helpers/redis.js';

/** The warm job's hand-framed SET connection, against real redis-servers. */
const redis = usePrivateRedis();

/** Values that would break a framing mistake: empty, CR LF inside, every byte value, a long one. */
const awkward = [Buffer.alloc(0), Buffer.from('a\r\nb\r\n'), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.alloc(70_000, 7)];

/** `body` with a bulk connection to the file's server and a client of it; the connection is closed after. */
async function withBulk(body: (bulk: BulkSetConnection, client: Redis) => Promise<void>): Promise<void> {
  const client = await redis.client();
  const bulk = await openBulkSet(client);
  try {
    await body(bulk, client);
  } finally {
    bulk.close();
  }
}

describe('openBulkSet', () => {
  it('writes exactly the bytes and TTLs given, keys in UTF-8, in overlapping batches answered in order', () =>
    withBulk(async (bulk, client) => {
      const keys = ['bulk:plain', 'bulk:entité', 'bulk:\u{1F600}', 'bulk:long'];
      const first = bulk.send(keys, awkward, [60_000, 60_000, 60_000, 60_000]);
      const many = Array.from({ length: 2000 }, (_, i) => `bulk:many:${i}`);
      const second = bulk.send(many, many.map((k) => Buffer.from(k)), many.map((_, i) => 1000 + i));
      await Promise.all([first, second]);
      for (let i = 0; i < keys.length; i++) expect((await client.getBuffer(keys[i]!))?.equals(awkward[i]!)).toBe(true);
      expect((await client.getBuffer('bulk:many:1999'))?.toString()).toBe('bulk:many:1999');
      const pttl = await client.pttl('bulk:many:1999');
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(2999);
      expect(await client.pttl('bulk:plain')).toBeGreaterThan(2999);
    }));

  it('refuses a PX that is not a positive integer before sending anything', () =>
    withBulk(async (bulk, client) => {
      await expect(bulk.send(['bulk:bad-px'], [Buffer.from('x')], [0])).rejects.toThrow(/PX must be a positive integer/);
      await expect(bulk.send(['bulk:bad-px'], [Buffer.from('x')], [1.5])).rejects.toThrow(/PX must be a positive integer/);
      expect(await client.exists('bulk:bad-px')).toBe(0);
    }));

  it('an error reply in the middle of a batch rejects it with the server\'s words after all replies, and the connection goes on', async () => {
    const admin = await redis.client();
    const bulk = await openBulkSet(admin);
    const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))![1]);
    // Room for a few hundred of the 4,000 values: the rest are refused with OOM, mid-batch and
    // across many reply chunks.
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', String(used + 512 * 1024));
    const keys = Array.from({ length: 4000 }, (_, i) => `bulk:oom:${i}`);
    const before = await admin.dbsize();
    try {
      const error = await bulk.send(keys, keys.map(() => Buffer.alloc(1024, 1)), keys.map(() => 60_000)).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(RedisReplyError);
      expect((error as Error).message).toMatch(/^OOM /);
      const written = (await admin.dbsize()) - before;
      expect(written).toBeGreaterThan(0);
      expect(written).toBeLessThan(4000);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }
    await bulk.send(['bulk:after-oom'], [Buffer.from('ok')], [60_000]);
    expect(await admin.get('bulk:after-oom')).toBe('ok');
    bulk.close();
    await expect(bulk.send(['bulk:closed'], [Buffer.from('x')], [1000])).rejects.toThrow(/closed/);
  });

  it('a server that stops answering fails the batch after the command timeout', async () => {
    const admin = await redis.client();
    const bulk = await openBulkSet(admin, { commandTimeoutMs: 150 });
    try {
      await admin.call('CLIENT', 'PAUSE', '1000', 'WRITE');
      await expect(bulk.send(['bulk:paused'], [Buffer.from('x')], [60_000])).rejects.toThrow(/did not answer within 150 ms/);
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
      bulk.close();
    }
  });

  it('goes to the client\'s database', async () => {
    const inDb3 = await connectRedis(`${redis.url}/3`, { commandTimeoutMs: 2000 });
    const bulk = await openBulkSet(inDb3);
    try {
      await bulk.send(['bulk:db3'], [Buffer.from('three')], [60_000]);
      expect(await inDb3.get('bulk:db3')).toBe('three');
      expect(await (await redis.client()).exists('bulk:db3')).toBe(0);
    } finally {
      bulk.close();
      inDb3.disconnect();
    }
  });
});

describe('openBulkSet against a server that dies or wants a password', () => {
  const PASSWORD = 'bulk-secret-pw';
  let server: PrivateRedis;
  let client: Redis;
  beforeAll(async () => {
    server = await startPrivateRedis({ extraArgs: ['--requirepass', PASSWORD] });
    client = await connectRedis(server.url.replace('redis://', `redis://:${PASSWORD}@`), { commandTimeoutMs: 2000 });
  });
  afterAll(async () => {
    client.disconnect();
    await server.stop();
  });

  it('authenticates as the client did; a refused AUTH names the server\'s reason, never the password', async () => {
    const bulk = await openBulkSet(client);
    await bulk.send(['bulk:auth'], [Buffer.from('in')], [60_000]);
    expect(await client.get('bulk:auth')).toBe('in');
    bulk.close();
    await client.config('SET', 'requirepass', 'another-secret-pw');
    try {
      const error = (await openBulkSet(client).then(() => null, (e: unknown) => e)) as Error;
      expect(error.message).toMatch(/refused the connection's set-up: WRONGPASS/);
      expect(error.message).not.toContain(PASSWORD);
      expect(error.message).not.toContain('another-secret-pw');
    } finally {
      await client.config('SET', 'requirepass', PASSWORD);
    }
  });

  it('a killed server rejects the batch in flight and every later one', async () => {
    const bulk = await openBulkSet(client);
    const keys = Array.from({ length: 20_000 }, (_, i) => `bulk:dying:${i}`);
    const inFlight = bulk.send(keys, keys.map(() => Buffer.alloc(2048, 2)), keys.map(() => 60_000)).then(() => null, (e: unknown) => e);
    await server.kill();
    const error = (await inFlight) as Error | null;
    // The batch may have been answered in full before the kill landed; if not, it failed, not hung.
    if (error !== null) expect(error.message).toMatch(/closed the connection|ECONNRESET|EPIPE/);
    await expect(bulk.send(['bulk:later'], [Buffer.from('x')], [1000])).rejects.toThrow(/Redis at 127\.0\.0\.1:\d+/);
    await server.restart();
  });
});
