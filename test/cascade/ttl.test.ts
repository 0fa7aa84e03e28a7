import { describe, expect, it } from 'vitest';
import type { Cascade } from '../../src/cascade/cascade.js';
import { FakeClock } from '../../src/cascade/clock.js';
import { createCodec } from '../../src/codec/index.js';
import { newTrace, type Trace } from '../../src/cascade/trace.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { cascadeOptions, driveClock, featureSet, freshPrefix, isThenable, outcomeOf, payload, replica, simulatedSource, until } from './fixture.js';

const redisServer = usePrivateRedis();

describe('soft TTL (stale-while-revalidate)', () => {
  it('serves the value stale past its soft TTL and refreshes it once per replica', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const options = cascadeOptions({ featureSets: [featureSet({ ttl: { hardMs: 10_000, softMs: 1000 } })] });
    const cascade = replica(options, { redis: await redisServer.client(), source, clock });
    await cascade.get('e1', 'credit', newTrace());
    source.setVersion('credit', 'v2');
    await clock.advanceMs(1500);

    const traces = Array.from({ length: 5 }, () => newTrace());
    const results = traces.map((t) => cascade.get('e1', 'credit', t));
    expect(results.some(isThenable)).toBe(false);
    expect(results).toEqual(traces.map(() => payload('e1', 'credit', 'v1')));
    expect(traces.every((t) => t.stale === 'soft-expired' && t.outcome.local === 'stale' && t.servedBy === 'local')).toBe(true);
    expect(traces.map((t) => t.refreshStarted)).toEqual([true, false, false, false, false]);

    await until(() => source.stats().calls === 2 && cascade.stats().refreshes === 1, 'the refresh');
    await cascade.close();
    const after = newTrace();
    expect(cascade.get('e1', 'credit', after)).toEqual(payload('e1', 'credit', 'v2'));
    expect(after).toMatchObject({ stale: false, version: 'v2', servedBy: 'local' });
    expect(source.stats().calls).toBe(2);
  });

  it('without a local tier, a refresh keeps its own value while later Redis hits reuse the served one', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const options = cascadeOptions({ local: { enabled: false, maxEntries: 1, ttlMs: 0 }, featureSets: [featureSet({ ttl: { hardMs: 10_000, softMs: 1000 } })] });
    const cascade = replica(options, { redis: await redisServer.client(), source, clock });
    for (const e of ['e1', 'e2', 'e3']) await cascade.get(e, 'credit', newTrace());
    source.setVersion('credit', 'v2');
    await clock.advanceMs(1500);
    // e1's stale hit starts a refresh; e2 and e3, read at once, are served from the same reused value.
    const traces = [newTrace(), newTrace(), newTrace()];
    const served = await Promise.all(['e1', 'e2', 'e3'].map((e, i) => cascade.get(e, 'credit', traces[i]!)));
    expect(served).toEqual(['e1', 'e2', 'e3'].map((e) => payload(e, 'credit', 'v1')));
    expect(traces.map((t) => [t.servedBy, t.stale, t.version])).toEqual(traces.map(() => ['redis', 'soft-expired', 'v1']));
    await until(() => cascade.stats().refreshes === 3 && source.stats().calls === 6, 'the three refreshes');
    await cascade.close();
    // Each refresh rewrote its own key: every entity now reads v2, none was refreshed twice or skipped.
    const after = ['e1', 'e2', 'e3'].map(() => newTrace());
    expect(await Promise.all(['e1', 'e2', 'e3'].map((e, i) => cascade.get(e, 'credit', after[i]!)))).toEqual(['e1', 'e2', 'e3'].map((e) => payload(e, 'credit', 'v2')));
    expect(after.map((t) => [t.servedBy, t.stale, t.version])).toEqual(after.map(() => ['redis', false, 'v2']));
    expect(source.stats().calls).toBe(6);
  });

  it('with redis-lock, replicas whose copies go stale together make one origin call', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const keyPrefix = freshPrefix();
    const options = cascadeOptions({
      redis: { keyPrefix },
      featureSets: [featureSet({ ttl: { hardMs: 10_000, softMs: 1000 } })],
      stampede: { strategy: 'redis-lock', waitMs: 60_000, pollIntervalMs: 5 },
    });
    const replicas: Cascade[] = [];
    for (let r = 0; r < 4; r++) replicas.push(replica(options, { redis: await redisServer.client(), source, clock, replicaId: r }));
    await replicas[0]?.get('e1', 'credit', newTrace());
    for (const r of replicas.slice(1)) await r.get('e1', 'credit', newTrace()); // Redis hits
    expect(source.stats().calls).toBe(1);
    await clock.advanceMs(1500);
    for (const r of replicas) expect(newTraceAfter(r).stale).toBe('soft-expired');
    expect(replicas.map((r) => r.stats().refreshes)).toEqual([1, 1, 1, 1]);
    // Waiters poll on the fake clock: move it along until every replica holds the refreshed value.
    await driveClock(clock, 5, () => replicas.every((r) => newTraceAfter(r).stale === false), 'refreshes to finish');
    for (const r of replicas) await r.close();
    expect(source.stats().calls).toBe(2);
  });
});

function newTraceAfter(cascade: Cascade): Trace {
  const trace = newTrace();
  cascade.get('e1', 'credit', trace);
  return trace;
}

describe('hard TTL', () => {
  it('never serves a value past its hard TTL, from any tier', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const keyPrefix = freshPrefix();
    const options = cascadeOptions({ redis: { keyPrefix }, featureSets: [featureSet({ ttl: { hardMs: 5000 } })], local: { ttlMs: 60_000 } });
    const redis = await redisServer.client();
    const cascade = replica(options, { redis, source, clock });
    await cascade.get('e1', 'credit', newTrace());
    source.setVersion('credit', 'v2');
    await clock.advanceMs(4999);
    expect(cascade.get('e1', 'credit', newTrace())).toEqual(payload('e1', 'credit', 'v1'));
    await clock.advanceMs(1);

    // The local copy is gone and Redis (on its own, real clock) still has the key: the cascade's clock decides.
    const other = replica(options, { redis, source, clock, replicaId: 1 });
    const fromRedisSide = newTrace();
    expect(await other.get('e1', 'credit', fromRedisSide)).toEqual(payload('e1', 'credit', 'v2'));
    expect(fromRedisSide).toMatchObject({ servedBy: 'source', outcome: { redis: 'miss' } });

    // Nothing past hard TTL even when the source fails under serve-stale.
    const third = replica({ ...options, failurePolicy: 'serve-stale' }, { redis, source, clock, replicaId: 2 });
    await third.get('e2', 'credit', newTrace());
    await clock.advanceMs(5000);
    source.setErrorRate(1);
    const failing = newTrace();
    const result = await outcomeOf(third.get('e2', 'credit', failing));
    expect(result.ok).toBe(false);
    expect(failing).toMatchObject({ failed: true, errorKind: 'source-error', servedBy: 'none' });
    for (const c of [cascade, other, third]) await c.close();
  });
});

describe('jitter', () => {
  async function writtenHardExpiries(seed: number, jitter: number): Promise<{ expiries: number[]; pttls: number[] }> {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const options = cascadeOptions({ featureSets: [featureSet({ ttl: { hardMs: 10_000, jitter } })] });
    const redis = await redisServer.client();
    const cascade = replica(options, { redis, source, clock, seed });
    const codec = createCodec(options.codec);
    const expiries: number[] = [];
    const pttls: number[] = [];
    for (let i = 0; i < 200; i++) {
      await cascade.get(`e${i}`, 'credit', newTrace());
      const key = cascade.keyFor(`e${i}`, 'credit');
      const decoded = codec.decode((await redis.getBuffer(key)) as Buffer, 'credit');
      if (!decoded.ok) throw new Error(decoded.detail);
      expiries.push(decoded.value.header.softExpiresAtMs - clock.wallMs()); // no soft TTL: the envelope carries the hard expiry
      pttls.push(await redis.pttl(key));
    }
    await cascade.close();
    return { expiries, pttls };
  }

  it('spreads hard expiries over [hard * (1 - jitter), hard], reproducibly from the seed', async () => {
    const { expiries, pttls } = await writtenHardExpiries(42, 0.5);
    expect(Math.min(...expiries)).toBeGreaterThanOrEqual(5000);
    expect(Math.max(...expiries)).toBeLessThanOrEqual(10_000);
    const bins = [0, 0, 0, 0, 0];
    for (const ms of expiries) {
      const bin = Math.min(4, Math.floor((ms - 5000) / 1000));
      bins[bin] = (bins[bin] ?? 0) + 1;
    }
    for (const n of bins) expect(n).toBeGreaterThan(20); // about 40 each: uniform, not bunched
    // Redis got the same spread as PX (less the real ms that passed since the write).
    expect(Math.min(...pttls)).toBeGreaterThan(4000);
    expect(Math.max(...pttls) - Math.min(...pttls)).toBeGreaterThan(4000);
    expect((await writtenHardExpiries(42, 0.5)).expiries).toEqual(expiries);
    expect((await writtenHardExpiries(43, 0.5)).expiries).not.toEqual(expiries);
    expect(new Set((await writtenHardExpiries(42, 0)).expiries)).toEqual(new Set([10_000]));
  });
});

describe('XFetch early refresh', () => {
  it('refreshes some hits early, more as expiry nears', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock, { latency: { fixedMs: 100 } });
    const options = cascadeOptions({
      featureSets: [featureSet({ ttl: { hardMs: 10_000, earlyRefresh: { kind: 'xfetch', beta: 1 } } })],
      local: { ttlMs: 60_000, maxEntries: 1000 },
    });
    const cascade = replica(options, { redis: await redisServer.client(), source, clock });
    const entities = Array.from({ length: 400 }, (_, i) => `x${i}`);
    const fills = entities.map((e) => cascade.get(e, 'credit', newTrace()));
    await until(() => clock.pendingSleeps === 400, 'all fills to reach the source', 5000);
    await clock.advanceMs(100); // every value took 100 ms to compute: delta = 100 ms
    await Promise.all(fills);
    const refreshedAt = async (group: string[]) => {
      const traces = group.map((e) => {
        const t = newTrace();
        expect(isThenable(cascade.get(e, 'credit', t))).toBe(false);
        return t;
      });
      return traces.filter((t) => t.refreshStarted && t.stale === false).length;
    };
    // Values expire at fill + 10 s. At 1 s before, P = exp(-10); at 50 ms before, P = exp(-0.5) = 0.61.
    await clock.advanceMs(9000);
    const far = await refreshedAt(entities.slice(0, 200));
    await clock.advanceMs(950);
    const near = await refreshedAt(entities.slice(200));
    expect(far).toBe(0);
    expect(near).toBeGreaterThan(90);
    expect(near).toBeLessThan(160);
    await driveClock(clock, 100, () => source.stats().inFlight === 0 && source.stats().calls === 400 + near, 'early refreshes');
    await cascade.close();
    expect(source.stats().calls).toBe(400 + near);
  });
});
