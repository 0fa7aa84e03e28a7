import { describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { countByPrefix, deleteByPrefix, meanBytesPerKey } from '../../src/redis/cleanup.js';
import { connectRedis } from '../../src/redis/connect.js';
import { freeLoopbackPort } from '../../src/redis/private-server.js';
import { isLoopback, provisionRedis } from '../../src/redis/provision.js';
import { usePrivateRedis } from '../helpers/redis.js';

const redis = usePrivateRedis();

describe('provisionRedis', () => {
  it('auto without REDIS_URL starts a private redis-server and stops it on close', async () => {
    const provisioned = await provisionRedis({ url: 'auto', env: {} });
    expect(provisioned.provisioned).toBe('private');
    expect(provisioned.serverVersion).toMatch(/^\d+\.\d+/);
    expect(provisioned.clientVersion).toMatch(/^ioredis \d/);
    const port = Number(new URL(provisioned.url).port);
    expect(await provisioned.client.ping()).toBe('PONG');
    await provisioned.close();
    await expect(connectRedis(`redis://127.0.0.1:${port}`, { connectTimeoutMs: 300 })).rejects.toThrow(/cannot connect/);
  });

  it('auto with REDIS_URL uses it', async () => {
    const provisioned = await provisionRedis({ url: 'auto', env: { REDIS_URL: redis.url } });
    expect(provisioned.provisioned).toBe('env');
    expect(provisioned.privateServer).toBeNull();
    await provisioned.close();
  });

  // A ref'd timer left behind kept every `fcbench run` alive for 2 s after its work was done.
  it('close leaves no timer behind, even for a client already disconnected elsewhere', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const provisioned = await provisionRedis({ url: 'auto', env: { REDIS_URL: redis.url } });
    const replicaClient = await provisioned.connect({ name: 'replica' });
    replicaClient.disconnect();
    await new Promise<void>((resolve) => replicaClient.once('end', () => resolve()));
    // Other files' timers may expire meanwhile (fewer), never start: one more is the leak.
    const before = timers();
    await provisioned.close();
    await new Promise<void>((resolve) => provisioned.client.once('end', () => resolve()));
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('a refused first connection leaves no timer behind (an error exit waited 2 s for it)', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const port = await freeLoopbackPort();
    const before = timers();
    await expect(connectRedis(`redis://127.0.0.1:${port}`, { connectTimeoutMs: 500 })).rejects.toThrow(/connection refused/);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('an unreachable URL is an environment error naming the URL, not a hang', async () => {
    const port = await freeLoopbackPort();
    const error = await provisionRedis({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 500 }).catch((e) => e);
    expect(error).toBeInstanceOf(FcbenchError);
    expect(error.code).toBe('environment');
    expect(error.message).toContain(`redis://127.0.0.1:${port}`);
  });

  // Remote targets are names under .invalid (RFC 2606): even if the refusal broke, nothing real
  // could be reached. The refusal comes before any connection: a connection attempt (even its DNS
  // lookup failing) would be an 'environment' error, not 'bad-input'.
  it.each(['redis://:secret@feature-cache.invalid:6379', 'rediss://default:secret@feature-cache.invalid:6380'])(
    'refuses the remote target %s unless allowed, before connecting, and hides the password',
    async (url) => {
      const error = await provisionRedis({ url, connectTimeoutMs: 200 }).catch((e) => e);
      expect(error).toBeInstanceOf(FcbenchError);
      expect(error.code).toBe('bad-input');
      expect(error.message).toContain('allowRemote');
      expect(error.message).toContain('feature-cache.invalid');
      expect(error.message).not.toContain('secret');
    },
  );

  it('isLoopback: only localhost, 127.0.0.0/8 and ::1', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('127.1.2.3')).toBe(true);
    expect(isLoopback('[::1]')).toBe(true);
    expect(isLoopback('localhost')).toBe(true);
    expect(isLoopback('feature-cache.invalid')).toBe(false);
    expect(isLoopback('127.0.0.1.invalid')).toBe(false);
    expect(isLoopback('localhost.invalid')).toBe(false);
  });
});

describe('cleanup by prefix', () => {
  it('deletes only keys under the prefix (SCAN + UNLINK), leaving everything else', async () => {
    const client = await redis.client();
    for (let i = 0; i < 1200; i++) await client.set(`fcbt:set:v1:${i}`, 'x');
    await client.set('fcbt-other:1', 'keep');
    await client.set('other:1', 'keep');
    await client.set('fcbt*:glob', 'keep');
    expect(await countByPrefix(client, 'fcbt')).toBe(1200);
    expect(await meanBytesPerKey(client, 'fcbt')).toBeGreaterThan(0);
    expect(await deleteByPrefix(client, 'fcbt')).toBe(1200);
    expect(await countByPrefix(client, 'fcbt')).toBe(0);
    expect(await client.get('fcbt-other:1')).toBe('keep');
    expect(await client.get('other:1')).toBe('keep');
    expect(await client.get('fcbt*:glob')).toBe('keep');
  });
});

describe('private server', () => {
  it('kill makes commands fail fast; restart brings it back on the same port', async () => {
    const client = await connectRedis(redis.url, { commandTimeoutMs: 300 });
    await redis.server.kill();
    await expect(client.get('k')).rejects.toThrow();
    await redis.server.restart();
    let pong = '';
    for (let i = 0; i < 100 && pong !== 'PONG'; i++) {
      pong = await client.ping().catch(() => '');
      if (pong !== 'PONG') await new Promise((r) => setTimeout(r, 50));
    }
    expect(pong).toBe('PONG');
    client.disconnect();
  });
});
