import { describe, expect, it } from 'vitest';
import { createCacheUpdater } from '../../src/batch/cache-updater.js';
import type { LocalBus } from '../../src/batch/local-bus.js';
import { createCodec } from '../../src/codec/create-codec.js';
import { usePrivateRedis } from '../helpers/redis.js';

const redis = usePrivateRedis();

/** A bus that tells no replica (the updater's Redis side alone is under test). */
const quietBus: LocalBus = {
  mode: 'ttl',
  applying: () => undefined,
  applied: async () => 0,
  announceKeys: async () => 0,
  announceVersion: async () => 0,
  results: () => [],
  close: async () => undefined,
};

describe('cache updater: overwrite', () => {
  const set = { name: 'scores', ttl: { hardMs: 600_000, softMs: 0, jitter: 0, xfetchBeta: 0 } } as never;
  const codec = createCodec({ format: 'msgpack', compression: 'none', compressAbove: 0, level: 1 });
  const versions = ['v1', 'v2', 'v3'];

  it('writing the same snapshot twice is byte-identical; an older snapshot after a newer one is refused', async () => {
    const client = await redis.client();
    const updater = createCacheUpdater({ redis: client, codec, bus: quietBus, runPrefix: 't', nowUs: () => 0 });
    const key = 't:scores:v1:42';
    const now = Date.now();
    const first = await updater.overwrite(set, 'v2', versions.slice(1), [{ key, values: { f0: 1 } }], now - 1000, now);
    expect(first).toEqual({ commands: 1, written: 1, refused: 0 });
    const bytes = await client.getBuffer(key);
    const again = await updater.overwrite(set, 'v2', versions.slice(1), [{ key, values: { f0: 1 } }], now - 1000, now);
    expect(again.refused).toBe(1);
    expect((await client.getBuffer(key))!.equals(bytes!)).toBe(true);

    await updater.overwrite(set, 'v3', versions.slice(2), [{ key, values: { f0: 3 } }], now, now);
    const v3 = await client.getBuffer(key);
    // A slow writer of v2 arriving after v3: refused, v3 stays.
    const late = await updater.overwrite(set, 'v2', versions.slice(1), [{ key, values: { f0: 2 } }], now - 1000, now);
    expect(late).toEqual({ commands: 1, written: 0, refused: 1 });
    expect((await client.getBuffer(key))!.equals(v3!)).toBe(true);
    const decoded = codec.decode(v3!, 'scores');
    expect(decoded.ok && decoded.value.header.version).toBe('v3');
    expect(await client.pttl(key)).toBeGreaterThan(590_000);
  });
});
