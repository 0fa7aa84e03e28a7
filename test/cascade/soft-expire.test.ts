import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/cascade/clock.js';
import { newTrace } from '../../src/cascade/trace.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { cascadeOptions, driveClock, featureSet, payload, replica, simulatedSource } from './fixture.js';

const redisServer = usePrivateRedis();

async function filled(ttl: { hardMs: number; softMs?: number }) {
  const clock = new FakeClock();
  const source = simulatedSource(clock, { latency: { fixedMs: 10 } });
  const options = cascadeOptions({ featureSets: [featureSet({ ttl })], local: { enabled: true, maxEntries: 100, ttlMs: 60_000 } });
  const redis = await redisServer.client();
  const cascade = replica(options, { redis, source, clock });
  let done = false;
  void Promise.resolve(cascade.get('e1', 'credit', newTrace())).then(() => (done = true));
  await driveClock(clock, 5, () => done, 'the fill');
  const close = async () => {
    let closed = false;
    void cascade.close().then(() => (closed = true));
    await driveClock(clock, 5, () => closed, 'background refreshes to finish');
  };
  return { clock, source, cascade, redis, close, key: cascade.keyFor('e1', 'credit') };
}

describe('softExpireKeys (expire-hot expiry: soft)', () => {
  it('ages the Redis value to its soft expiry: served stale with its hard expiry kept, local copy dropped', async () => {
    const { clock, cascade, redis, close, key } = await filled({ hardMs: 60_000, softMs: 20_000 });
    await clock.advanceMs(5_000);
    expect(await cascade.softExpireKeys('e1', 'credit')).toBe(key);
    // As if written one soft TTL ago: 40 s of its hard TTL left (Redis counts it on real time).
    const pttl = await redis.pttl(key);
    expect(pttl).toBeGreaterThan(39_000);
    expect(pttl).toBeLessThanOrEqual(40_000);
    const trace = newTrace();
    expect(await cascade.get('e1', 'credit', trace)).toEqual(payload('e1', 'credit', 'v1'));
    expect(trace).toMatchObject({ servedBy: 'redis', stale: 'soft-expired', ageMs: 20_000, refreshStarted: true });
    await close();
  });

  it('deletes the key of a set without a soft TTL: it has no soft expiry to reach', async () => {
    const { clock, source, cascade, redis, close, key } = await filled({ hardMs: 60_000 });
    await cascade.softExpireKeys('e1', 'credit');
    expect(await redis.exists(key)).toBe(0);
    const trace = newTrace();
    let served = false;
    void Promise.resolve(cascade.get('e1', 'credit', trace)).then(() => (served = true));
    await driveClock(clock, 5, () => served, 'the refetch');
    expect(trace).toMatchObject({ servedBy: 'source', originCalls: 1 }); // not a local hit: the copy went too
    expect(source.stats().calls).toBe(2);
    await close();
  });
});
