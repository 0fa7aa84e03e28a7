import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/cascade/clock.js';
import { newTrace } from '../../src/cascade/trace.js';
import { FcbenchError } from '../../src/errors.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { cascadeOptions, featureSet, isThenable, payload, replica, simulatedSource } from './fixture.js';

const redisServer = usePrivateRedis();

describe('local tier', () => {
  it('serves a local hit synchronously, with the trace filled', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const cascade = replica(cascadeOptions({ local: { timingSampleEvery: 1 } }), { redis: await redisServer.client(), source, clock });
    const first = newTrace();
    const miss = cascade.get('e1', 'credit', first);
    expect(isThenable(miss)).toBe(true);
    expect(await miss).toEqual(payload('e1', 'credit', 'v1'));
    expect(first).toMatchObject({ servedBy: 'source', originCalls: 1, outcome: { local: 'miss', redis: 'miss', source: 'hit' } });
    expect(first.encodedBytes).toBeGreaterThan(0);

    await clock.advanceMs(250);
    const trace = newTrace();
    const hit = cascade.get('e1', 'credit', trace);
    expect(isThenable(hit)).toBe(false);
    expect(hit).toEqual(payload('e1', 'credit', 'v1'));
    expect(trace).toMatchObject({ servedBy: 'local', stale: false, version: 'v1', ageMs: 250, originCalls: 0, outcome: { local: 'hit', redis: 'skipped' } });
    expect(trace.key).toBe(cascade.keyFor('e1', 'credit'));
    await cascade.close();
  });

  it('asks Redis again after the local TTL, and honours maxEntries', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const cascade = replica(cascadeOptions({ local: { maxEntries: 2, ttlMs: 1000 } }), { redis: await redisServer.client(), source, clock });
    for (const e of ['a', 'b']) await cascade.get(e, 'credit', newTrace());
    await clock.advanceMs(1000);
    const trace = newTrace();
    const afterTtl = cascade.get('a', 'credit', trace);
    expect(isThenable(afterTtl)).toBe(true);
    await afterTtl;
    expect(trace).toMatchObject({ servedBy: 'redis', outcome: { local: 'miss', redis: 'hit' } });
    expect(isThenable(cascade.get('a', 'credit', newTrace()))).toBe(false);
    await cascade.get('c', 'credit', newTrace()); // evicts b, the least recently used
    expect(isThenable(cascade.get('b', 'credit', newTrace()))).toBe(true);
    expect(source.stats().calls).toBe(3);
    await cascade.close();
  });

  it('invalidateLocal, evictLocal and setKeyVersion drop local entries', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const cascade = replica(cascadeOptions(), { redis: await redisServer.client(), source, clock });
    await cascade.get('a', 'credit', newTrace());
    cascade.invalidateLocal();
    const afterFlush = cascade.get('a', 'credit', newTrace());
    expect(isThenable(afterFlush)).toBe(true);
    await afterFlush;
    expect(cascade.evictLocal(cascade.keyFor('a', 'credit'))).toBe(true);
    expect(cascade.evictLocal('other:credit:v1:a')).toBe(false);
    const afterEvict = cascade.get('a', 'credit', newTrace());
    expect(isThenable(afterEvict)).toBe(true);
    await afterEvict;
    source.setVersion('credit', 'v2');
    cascade.setKeyVersion('credit', 'v2');
    const trace = newTrace();
    expect(await cascade.get('a', 'credit', trace)).toEqual(payload('a', 'credit', 'v2'));
    expect(trace.key.endsWith(':credit:v2:a')).toBe(true);
    expect(trace.servedBy).toBe('source');
    await cascade.close();
  });

  it('with the tier disabled, every get reads Redis and the outcome is skipped', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const cascade = replica(cascadeOptions({ local: { enabled: false } }), { redis: await redisServer.client(), source, clock });
    await cascade.get('a', 'credit', newTrace());
    const trace = newTrace();
    const result = cascade.get('a', 'credit', trace);
    expect(isThenable(result)).toBe(true);
    await result;
    expect(trace).toMatchObject({ servedBy: 'redis', outcome: { local: 'skipped', redis: 'hit', source: 'skipped' } });
    expect(trace.us.redisGet).toBeGreaterThanOrEqual(0);
    await cascade.close();
  });

  it('getMany is synchronous when every set hits locally and uses one MGET otherwise', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const redis = await redisServer.client();
    const options = cascadeOptions({ featureSets: [featureSet(), featureSet({ name: 'risk' })] });
    const writer = replica(options, { redis, source, clock });
    await writer.getMany('a', ['credit', 'risk'], [newTrace(), newTrace()]);
    const traces = [newTrace(), newTrace()];
    const all = writer.getMany('a', ['credit', 'risk'], traces);
    expect(isThenable(all)).toBe(false);
    expect(all).toEqual([payload('a', 'credit', 'v1'), payload('a', 'risk', 'v1')]);

    const reader = replica(options, { redis, source, clock, replicaId: 1 });
    await reader.get('a', 'credit', newTrace()); // local copy of credit only
    const mixed = [newTrace(), newTrace()];
    const values = await reader.getMany('a', ['credit', 'risk'], mixed);
    expect(values).toEqual([payload('a', 'credit', 'v1'), payload('a', 'risk', 'v1')]);
    expect(mixed.map((t) => t.servedBy)).toEqual(['local', 'redis']);
    expect(source.stats().calls).toBe(2);
    await writer.close();
    await reader.close();
  });

  it('rejects an unknown feature set as bad input', async () => {
    const clock = new FakeClock();
    const cascade = replica(cascadeOptions(), { redis: null, source: simulatedSource(clock), clock });
    expect(() => cascade.get('a', 'nope', newTrace())).toThrow(FcbenchError);
  });

  it('refuses a Redis client that could hang a get', async () => {
    const { Redis } = await import('ioredis');
    const client = new Redis({ lazyConnect: true });
    const clock = new FakeClock();
    expect(() => replica(cascadeOptions(), { redis: client, source: simulatedSource(clock), clock })).toThrow('connectRedis');
    client.disconnect();
  });
});
