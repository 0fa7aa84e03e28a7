import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/cascade/clock.js';
import { newTrace } from '../../src/cascade/trace.js';
import { feastCleanup } from '../../src/feast/cleanup.js';
import { feastRedisKey } from '../../src/feast/entity-key.js';
import { feastWarmFormat } from '../../src/feast/warm-format.js';
import { connectCluster, disconnect } from '../../src/redis/connect.js';
import { startPrivateCluster, type PrivateCluster } from '../../src/redis/private-cluster.js';
import { bySlot } from '../../src/redis/slots.js';
import { replica } from '../cascade/fixture.js';
import { DRIVER, RISK, feastOptions, feastSource, generate, writeFeastRow } from './layout-fixture.js';
import { vectors } from './vectors.js';

/**
 * cascade.layout feast on a real 3-master Redis Cluster: Feast keys carry no hash tag, so an
 * entity's hash lands on whichever master its bytes hash to, and what spans entities (a preload,
 * a warm batch, cleanup) must be split by node and slot.
 */
let cluster: PrivateCluster;
let client: Cluster;
const ENTITIES = Array.from({ length: 40 }, (_, i) => String(i));
const mapping = (project: string) => ({ project, joinKey: 'entity_id', entityType: 'string' as const, payloads: { driver_stats: DRIVER, risk: RISK } });

beforeAll(async () => {
  cluster = await startPrivateCluster({ masters: 3 });
  client = await connectCluster(cluster.urls.slice(0, 1), { commandTimeoutMs: 2000 });
}, 60_000);
afterAll(async () => {
  if (client !== undefined) disconnect(client);
  await cluster?.stop();
});

describe('cascade.layout feast on a Redis Cluster', () => {
  it("serves Feast's bytes, preloads entities spread over every master, and cleans up on each", async () => {
    const project = 'feastcluster';
    const keys = ENTITIES.map((e) => feastRedisKey(project, 'entity_id', e, 'string'));
    expect(bySlot(client, keys).length).toBeGreaterThan(3);
    for (const entity of ENTITIES) await writeFeastRow(client, project, entity, vectors.hashes.served[Number(entity) % 2 === 0 ? '0' : '1']!);

    const clock = new FakeClock();
    const src = feastSource(clock);
    const options = { ...feastOptions(project), local: { enabled: true, maxEntries: 200, ttlMs: 30_000 } };
    const cascade = replica(options, { redis: client, source: src, clock });
    expect(await cascade.preloadLocal(ENTITIES, 'driver_stats')).toEqual({ requested: 40, loaded: 40, failed: 0 });
    const trace = newTrace();
    expect(await cascade.get('3', 'driver_stats', trace)).toEqual({ f0: 0.125, f1: 3.75, i0: 7, s0: 'bob', emb: [1, -2] });
    expect(trace.servedBy).toBe('local');
    // A fill on the cluster: HSET + PEXPIRE of one key, one slot.
    const traces = [newTrace(), newTrace()];
    const both = await cascade.getMany('7', ['driver_stats', 'risk'], traces);
    expect(traces.map((t) => t.servedBy)).toEqual(['local', 'source']);
    expect(both[1]).toEqual(generate.risk('7', 'risk', 'v1'));
    expect(await client.hexists(keys[7]!, '_ts:risk')).toBe(1);
    expect(src.stats().calls).toBe(1);
    await cascade.close();

    const cleanup = feastCleanup(mapping(project));
    expect(await cleanup.measure(client)).toMatchObject({ keys: 40 });
    expect(await cleanup.deleteWritten(client, [`${project}:risk:v1:7`])).toBe(1);
    expect(await client.hexists(keys[7]!, '_ts:risk')).toBe(0);
    expect(await cleanup.deleteProject(client)).toBe(40);
    expect(await client.exists(keys[0]!)).toBe(0);
  });

  it("writes a warm batch across masters in Feast's format", async () => {
    const project = 'feastclusterwarm';
    const format = feastWarmFormat(mapping(project));
    const rows = ENTITIES.map((entity) => ({ entity, featureSet: 'driver_stats', values: generate.driver_stats(entity, 'driver_stats', 'v1') }));
    const ttl = { hardMs: 600_000, softMs: 0, jitter: 0, xfetchBeta: 0 };
    const batch = format.encodeBatch(rows, () => ({ version: 'v1', writtenAtMs: 1_000_000 }), () => ttl, 1_000_000);
    await format.write(client, batch);
    for (const entity of ENTITIES) expect(await client.hlen(feastRedisKey(project, 'entity_id', entity, 'string'))).toBe(6);
    expect(await feastCleanup(mapping(project)).deleteProject(client)).toBe(40);
  });
});
