import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/cascade/clock.js';
import { newTrace } from '../../src/cascade/trace.js';
import { feastCleanup } from '../../src/feast/cleanup.js';
import { feastRedisKey } from '../../src/feast/entity-key.js';
import { featureField } from '../../src/feast/feature-view.js';
import { decodeTimestamp, decodeValue } from '../../src/feast/value-proto.js';
import { freshPrefix, replica } from '../cascade/fixture.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { DRIVER, RISK, VIEW, feastOptions, feastSource as source, generate, writeFeastRow as writeRow } from './layout-fixture.js';
import { hex, vectors } from './vectors.js';

const redis = usePrivateRedis();

/** A fresh project in which one replica filled both views of `entity` from the source. */
async function filledBothViews(entity: string) {
  const project = freshPrefix();
  const clock = new FakeClock();
  const client = await redis.client();
  const cascade = replica(feastOptions(project), { redis: client, source: source(clock), clock });
  await cascade.get(entity, 'driver_stats', newTrace());
  await cascade.get(entity, 'risk', newTrace());
  return { project, clock, client, cascade, key: feastRedisKey(project, 'entity_id', entity, 'string') };
}

const hmgetCalls = async (): Promise<number> => {
  const info = await (await redis.client()).info('commandstats');
  return Number(/cmdstat_hmget:calls=(\d+)/.exec(info)?.[1] ?? 0);
};

describe('cascade.layout feast against a real Redis', () => {
  it("serves a hash written with Feast's bytes as a Redis hit, with Feast's values", async () => {
    const project = freshPrefix();
    await writeRow(await redis.client(), project, '0', vectors.hashes.served['0']!);
    const clock = new FakeClock();
    const src = source(clock);
    const cascade = replica(feastOptions(project), { redis: await redis.client(), source: src, clock });
    const trace = newTrace();
    const values = await cascade.get('0', 'driver_stats', trace);
    expect(trace.servedBy).toBe('redis');
    expect(trace.outcome.redis).toBe('hit');
    expect(values).toEqual({ f0: 0.25, f1: -1.5, i0: 42, s0: 'alice', emb: [0.5, -0.25] });
    expect(Object.keys(values)).toEqual(['f0', 'f1', 'i0', 's0', 'emb']);
    // The value's age comes from Feast's _ts (2021-02-16T16:45:08Z), not from an envelope.
    expect(trace.ageMs).toBe(clock.wallMs() - 1613493908_000);
    expect(src.stats().calls).toBe(0);
    await cascade.close();
  });

  it("reads an int64 entity under the key Feast's Go server builds (driver_id 1001)", async () => {
    const project = freshPrefix();
    const client = await redis.client();
    const row = vectors.hashes.served['0']!;
    const args = Object.entries(row.values).flatMap(([feature, value]) => [featureField(VIEW, feature), hex(value.hex)]);
    // go/internal/feast/onlinestore/onlinestore_test.go's serialized entity key, then the project.
    await client.hset(Buffer.concat([hex(vectors.entityKeys[0]!.hex), Buffer.from(project)]), ...args, `_ts:${VIEW}`, hex(row.ts.hex));
    const clock = new FakeClock();
    const src = source(clock);
    const options = { ...feastOptions(project), layout: { kind: 'feast' as const, joinKey: 'driver_id', entityType: 'int64' as const } };
    const cascade = replica(options, { redis: client, source: src, clock });
    const trace = newTrace();
    expect(await cascade.get('1001', 'driver_stats', trace)).toEqual({ f0: 0.25, f1: -1.5, i0: 42, s0: 'alice', emb: [0.5, -0.25] });
    expect(trace.servedBy).toBe('redis');
    expect(src.stats().calls).toBe(0);
    await cascade.close();
  });

  it("writes a fill in Feast's format, which another replica then reads as a hit", async () => {
    const project = freshPrefix();
    const clock = new FakeClock();
    const client = await redis.client();
    const writer = replica(feastOptions(project), { redis: client, source: source(clock), clock });
    const filled = await writer.get('17', 'driver_stats', newTrace());
    const key = feastRedisKey(project, 'entity_id', '17', 'string');
    expect(await client.hlen(key)).toBe(6);
    const features = ['f0', 'f1', 'i0', 's0', 'emb'];
    const stored = await client.hmgetBuffer(key, ...features.map((feature) => featureField(VIEW, feature)), `_ts:${VIEW}`);
    features.forEach((feature, i) => expect(decodeValue(stored[i]!)).toEqual((filled as Record<string, unknown>)[feature]));
    expect(decodeTimestamp(stored[5]!)).toBe(clock.wallMs());
    const pttl = await client.pttl(feastRedisKey(project, 'entity_id', '17', 'string'));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(60_000);

    const readerSource = source(clock);
    const reader = replica(feastOptions(project), { redis: client, source: readerSource, clock, replicaId: 1 });
    const trace = newTrace();
    expect(await reader.get('17', 'driver_stats', trace)).toEqual(filled);
    expect(trace.servedBy).toBe('redis');
    expect(readerSource.stats().calls).toBe(0);
    await writer.close();
    await reader.close();
  });

  it("reads several feature views of one entity with one HMGET (Feast's hash holds them all)", async () => {
    const { project, clock, client, cascade: writer, key } = await filledBothViews('5');
    expect(await client.hlen(key)).toBe(6 + 2);

    const reader = replica(feastOptions(project), { redis: client, source: source(clock), clock, replicaId: 1 });
    const traces = [newTrace(), newTrace()];
    const before = await hmgetCalls();
    const values = await reader.getMany('5', ['driver_stats', 'risk'], traces);
    expect((await hmgetCalls()) - before).toBe(1);
    expect(traces.map((t) => t.servedBy)).toEqual(['redis', 'redis']);
    expect(values[1]).toEqual(generate.risk('5', 'risk', 'v1'));
    await writer.close();
    await reader.close();
  });

  it('counts bytes that are not a Value as a decode error and rewrites the view from the source', async () => {
    const project = freshPrefix();
    const row = structuredClone(vectors.hashes.served['1']!);
    row.values['f1']!.hex = '29ff'; // a double's tag with one byte of its eight
    await writeRow(await redis.client(), project, '1', row);
    const clock = new FakeClock();
    const src = source(clock);
    const cascade = replica(feastOptions(project), { redis: await redis.client(), source: src, clock });
    const trace = newTrace();
    const values = await cascade.get('1', 'driver_stats', trace);
    expect(trace.servedBy).toBe('source');
    expect(cascade.stats().decodeErrors).toBe(1);
    expect(values).toEqual(generate.driver_stats('1', 'driver_stats', 'v1'));
    const again = newTrace();
    await cascade.get('1', 'driver_stats', again);
    expect(again.servedBy).toBe('redis');
    await cascade.close();
  });

  it("expire-hot's delete drops one view's fields and leaves the entity's other views", async () => {
    const { client, cascade, key } = await filledBothViews('9');
    await cascade.deleteKeys('9', 'driver_stats');
    expect(await client.hexists(key, `_ts:${VIEW}`)).toBe(0);
    expect(await client.hexists(key, '_ts:risk')).toBe(1);
    expect(await client.hlen(key)).toBe(2);
    await cascade.close();
  });

  it("preloads a deploy's local tier with one pipeline of HMGETs", async () => {
    const project = freshPrefix();
    for (const entity of ['0', '1']) await writeRow(await redis.client(), project, entity, vectors.hashes.served[entity]!);
    const clock = new FakeClock();
    const options = { ...feastOptions(project), local: { enabled: true, maxEntries: 100, ttlMs: 30_000 } };
    const src = source(clock);
    const cascade = replica(options, { redis: await redis.client(), source: src, clock });
    expect(await cascade.preloadLocal(['0', '1', '2'], 'driver_stats')).toEqual({ requested: 3, loaded: 2, failed: 0 });
    const trace = newTrace();
    expect(await cascade.get('1', 'driver_stats', trace)).toEqual({ f0: 0.125, f1: 3.75, i0: 7, s0: 'bob', emb: [1, -2] });
    expect(trace.servedBy).toBe('local');
    expect(src.stats().calls).toBe(0);
    await cascade.close();
  });

  it("cleans up exactly a project's hashes, or only the views a shared run wrote", async () => {
    const client = await redis.client();
    const project = freshPrefix();
    const mapping = { project, joinKey: 'entity_id', entityType: 'string' as const, payloads: { driver_stats: DRIVER, risk: RISK } };
    for (const entity of ['0', '1']) await writeRow(await redis.client(), project, entity, vectors.hashes.served[entity]!);
    await writeRow(await redis.client(), `x${project}`, '0', vectors.hashes.served['0']!);
    await client.hset(feastRedisKey(project, 'entity_id', '1', 'string'), '_ts:risk', 'kept');
    // A shared run that filled driver_stats of entity 1 removes those fields only.
    expect(await feastCleanup(mapping).deleteWritten(client, [`${project}:driver_stats:v1:1`])).toBe(1);
    expect(await client.hkeys(feastRedisKey(project, 'entity_id', '1', 'string'))).toEqual(['_ts:risk']);
    expect(await feastCleanup(mapping).deleteProject(client)).toBe(2);
    expect(await client.exists(feastRedisKey(`x${project}`, 'entity_id', '0', 'string'))).toBe(1);
  });
});
