import { describe, expect, it } from 'vitest';
import type { Cascade } from '../../src/cascade/cascade.js';
import { CascadeError } from '../../src/cascade/cascade-error.js';
import { FakeClock, systemClock } from '../../src/cascade/clock.js';
import { createCodec } from '../../src/codec/index.js';
import type { StampedeOptions } from '../../src/cascade/options.js';
import { newTrace, type Trace } from '../../src/cascade/trace.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { cascadeOptions, driveClock, featureSet, freshPrefix, payload, replica, simulatedSource, until, watchUnhandledRejections } from './fixture.js';

// Real time here: these tests count origin calls, they assert nothing about durations. The source
// takes 300 ms so that 50 concurrent misses all reach the strategy while the first fetch runs.
const redisServer = usePrivateRedis();
const unhandled = watchUnhandledRejections();
const HOT = 'hot-entity';

async function stampede(strategy: StampedeOptions, replicas: number, getsPerReplica: number) {
  const source = simulatedSource(systemClock, { latency: { fixedMs: 300 } });
  const keyPrefix = freshPrefix();
  const cascades: Cascade[] = [];
  for (let r = 0; r < replicas; r++) {
    const options = cascadeOptions({ redis: { keyPrefix }, stampede: strategy });
    cascades.push(replica(options, { redis: await redisServer.client(), source, clock: systemClock, replicaId: r }));
  }
  // Fill, then expire the hot key everywhere (what the expire-hot event does).
  await (cascades[0] as Cascade).get(HOT, 'credit', newTrace());
  const key = await (cascades[0] as Cascade).deleteKeys(HOT, 'credit');
  for (const c of cascades) c.evictLocal(key);
  const before = source.stats().calls;
  const locksBefore = cascades.reduce((n, c) => n + c.stats().locksAcquired, 0);

  const traces: Trace[] = [];
  const gets: Promise<unknown>[] = [];
  for (const c of cascades) {
    for (let i = 0; i < getsPerReplica; i++) {
      const trace = newTrace();
      traces.push(trace);
      gets.push(Promise.resolve(c.get(HOT, 'credit', trace)));
    }
  }
  const settled = await Promise.allSettled(gets);
  for (const c of cascades) await c.close();
  const values = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  const locks = cascades.reduce((n, c) => n + c.stats().locksAcquired, 0) - locksBefore;
  return { calls: source.stats().calls - before, traces, values, errors, cascades, locks };
}

describe('stampede strategies on an expired hot key', () => {
  it('none: every one of 50 concurrent misses calls the source', async () => {
    const { calls, traces, errors } = await stampede({ strategy: 'none' }, 1, 50);
    expect(errors).toEqual([]);
    expect(calls).toBe(50);
    expect(traces.every((t) => t.originCalls === 1 && !t.waited)).toBe(true);
    expect(unhandled).toEqual([]);
  });

  it('single-flight: 50 concurrent misses in one replica share one fetch', async () => {
    const { calls, traces, values } = await stampede({ strategy: 'single-flight' }, 1, 50);
    expect(calls).toBe(1);
    expect(traces.filter((t) => t.originCalls === 1)).toHaveLength(1);
    expect(traces.filter((t) => t.waited && t.originCalls === 0)).toHaveLength(49);
    expect(traces.every((t) => t.servedBy === 'source')).toBe(true);
    expect(values.every((v) => JSON.stringify(v) === JSON.stringify(payload(HOT, 'credit', 'v1')))).toBe(true);
  });

  it('single-flight does not coordinate replicas: one fetch per replica', async () => {
    const { calls } = await stampede({ strategy: 'single-flight' }, 4, 12);
    expect(calls).toBe(4);
  });

  it('redis-lock: 50 concurrent misses across 4 replicas make one source call', async () => {
    const lock: StampedeOptions = { strategy: 'redis-lock', lockTtlMs: 5000, waitMs: 5000, pollIntervalMs: 5, onTimeout: 'fail' };
    const { calls, traces, values, errors, cascades, locks } = await stampede(lock, 4, 13);
    expect(errors).toEqual([]);
    expect(calls).toBe(1);
    expect(traces.filter((t) => t.originCalls === 1)).toHaveLength(1);
    expect(traces.filter((t) => t.waited)).toHaveLength(traces.length - 1);
    expect(traces.filter((t) => t.servedBy === 'redis').length).toBeGreaterThanOrEqual(3); // the other replicas' pollers
    expect(values.every((v) => JSON.stringify(v) === JSON.stringify(payload(HOT, 'credit', 'v1')))).toBe(true);
    // One holder fetched. On a loaded machine a late replica can miss Redis just before the fill
    // lands and take the released lock too; it then finds the value on its re-check, so the source
    // count above stays 1 while the lock count may reach the replica count.
    expect(locks).toBeGreaterThanOrEqual(1);
    expect(locks).toBeLessThanOrEqual(4);
    // The lock was released: nothing left under the lock prefix.
    const redis = await redisServer.client();
    expect(await redis.keys(`${cascades[0]?.options.keyPrefix}:lock:*`)).toEqual([]);
  });

  it('redis-lock waiters act on onTimeout when the holder is too slow', async () => {
    const lock: StampedeOptions = { strategy: 'redis-lock', lockTtlMs: 5000, waitMs: 20, pollIntervalMs: 5, onTimeout: 'fail' };
    // One replica holds the lock for the 300 ms fetch; the other gives up after 20 ms.
    const { traces, errors } = await stampede(lock, 2, 1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CascadeError);
    expect((errors[0] as CascadeError).kind).toBe('lock-timeout');
    expect(traces.filter((t) => t.failed && t.errorKind === 'lock-timeout')).toHaveLength(1);
    const bypass: StampedeOptions = { ...lock, onTimeout: 'bypass' };
    const { calls, traces: bypassed } = await stampede(bypass, 2, 1);
    expect(calls).toBe(2);
    expect(bypassed.every((t) => t.originCalls === 1)).toBe(true);
    expect(bypassed.filter((t) => t.waited)).toHaveLength(1);
  });

  it('redis-lock onTimeout serve-stale serves the held value, marked stale', async () => {
    const source = simulatedSource(systemClock, { latency: { fixedMs: 300 } });
    const keyPrefix = freshPrefix();
    const lock: StampedeOptions = { strategy: 'redis-lock', lockTtlMs: 5000, waitMs: 20, pollIntervalMs: 5, onTimeout: 'serve-stale' };
    const options = cascadeOptions({ redis: { keyPrefix }, stampede: lock, local: { ttlMs: 0 } });
    const redis = await redisServer.client();
    const holder = replica(options, { redis, source, clock: systemClock, replicaId: 0 });
    const waiter = replica(options, { redis: await redisServer.client(), source, clock: systemClock, replicaId: 1 });
    await holder.get(HOT, 'credit', newTrace());
    await waiter.get(HOT, 'credit', newTrace()); // both replicas now hold the value (local TTL 0: held, never a hit)
    await redis.del(holder.keyFor(HOT, 'credit'));
    const holderTrace = newTrace();
    const holding = holder.get(HOT, 'credit', holderTrace);
    await until(() => source.stats().inFlight === 1, 'the holder to reach the source');
    const trace = newTrace();
    expect(await waiter.get(HOT, 'credit', trace)).toEqual(payload(HOT, 'credit', 'v1'));
    expect(trace).toMatchObject({ servedBy: 'local', stale: 'outdated', errorKind: 'lock-timeout', failed: false, waited: true, originCalls: 0 });
    await holding;
    expect(holderTrace).toMatchObject({ servedBy: 'source', originCalls: 1 });
    await holder.close();
    await waiter.close();
  });

  it('swr: a caller holding the previous value is served it stale instead of waiting', async () => {
    const source = simulatedSource(systemClock, { latency: { fixedMs: 300 } });
    const options = cascadeOptions({ stampede: { strategy: 'swr' }, local: { ttlMs: 0 } });
    const cascade = replica(options, { redis: await redisServer.client(), source, clock: systemClock });
    await cascade.get(HOT, 'credit', newTrace());
    await (await redisServer.client()).del(cascade.keyFor(HOT, 'credit')); // Redis lost it; the replica still holds it
    source.setVersion('credit', 'v2');
    const traces = Array.from({ length: 20 }, () => newTrace());
    const values = await Promise.all(traces.map((t) => cascade.get(HOT, 'credit', t)));
    expect(values.every((v) => JSON.stringify(v) === JSON.stringify(payload(HOT, 'credit', 'v1')))).toBe(true);
    expect(traces.every((t) => t.stale === 'outdated' && t.servedBy === 'local')).toBe(true);
    expect(traces.filter((t) => t.originCalls === 1)).toHaveLength(1);
    await cascade.close(); // waits for the background revalidation
    expect(source.stats().calls).toBe(2);
    expect(await cascade.get(HOT, 'credit', newTrace())).toEqual(payload(HOT, 'credit', 'v2'));
  });
});

// Fake time: the source takes 100 ms of it, so every get below runs while the one refresh does.
describe('swr with the local tier off: a soft-expired value in Redis', () => {
  it('is served stale to every concurrent get while exactly one refresh fetches, then Redis holds the new value', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock, { latency: { fixedMs: 100 } });
    const options = cascadeOptions({
      featureSets: [featureSet({ ttl: { hardMs: 60_000, softMs: 1000 } })],
      local: { enabled: false },
      stampede: { strategy: 'swr' },
    });
    const redis = await redisServer.client();
    const cascade = replica(options, { redis, source, clock });
    let filled = false;
    void Promise.resolve(cascade.get(HOT, 'credit', newTrace())).then(() => (filled = true));
    await driveClock(clock, 10, () => filled, 'the first fill');
    source.setVersion('credit', 'v2');
    await clock.advanceMs(1500); // past the soft TTL, well within the hard one

    // Two waves of 10 gets, the second halfway through the refresh's fetch.
    const traces: Trace[] = [];
    const wave = () => Promise.all(Array.from({ length: 10 }, () => {
      const trace = newTrace();
      traces.push(trace);
      return cascade.get(HOT, 'credit', trace);
    }));
    const first = await wave();
    await until(() => source.stats().inFlight === 1, 'the refresh to reach the source');
    await clock.advanceMs(50);
    const second = await wave();
    expect([...first, ...second].every((v) => JSON.stringify(v) === JSON.stringify(payload(HOT, 'credit', 'v1')))).toBe(true);
    expect(traces.every((t) => t.servedBy === 'redis' && t.stale === 'soft-expired' && t.outcome.redis === 'stale' && !t.waited)).toBe(true);
    // One refresh for all 20: the slot stays taken until its fill is done.
    expect(traces.filter((t) => t.refreshStarted)).toHaveLength(1);
    expect(cascade.stats().refreshes).toBe(1);

    let closed = false;
    void cascade.close().then(() => (closed = true));
    await driveClock(clock, 10, () => closed, 'the refresh to finish');
    expect(source.stats().calls).toBe(2); // the first fill and the one refresh
    const stored = createCodec(options.codec).decode((await redis.getBuffer(cascade.keyFor(HOT, 'credit')))!, 'credit');
    expect(stored.ok && stored.value.header.version).toBe('v2');
    expect(stored.ok && stored.value.header.softExpiresAtMs).toBeGreaterThan(clock.wallMs());
    const after = newTrace();
    expect(await cascade.get(HOT, 'credit', after)).toEqual(payload(HOT, 'credit', 'v2'));
    expect(after).toMatchObject({ servedBy: 'redis', stale: false, version: 'v2' });
    expect(unhandled).toEqual([]);
  });
});
