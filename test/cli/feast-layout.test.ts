import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { feastRedisKey, isProjectKey } from '../../src/feast/entity-key.js';
import { featureField } from '../../src/feast/feature-view.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { hex, vectors, type FeastRow } from '../feast/vectors.js';
import { readResultFiles, useBuiltCli, writeScenario } from './cli-helpers.js';

/**
 * cascade.layout feast through the spawned CLI, against a real Redis: a run serves hashes written
 * with Feast's bytes as Redis hits, a warm job writes Feast's bytes exactly, a per-run project is
 * cleaned up, and a combination Feast cannot hold is exit 2 naming file, line and field.
 */
const cli = useBuiltCli();
const redis = usePrivateRedis();
const VIEW = vectors.hashes.featureView;
const FEATURES = ['f0', 'f1', 'i0', 's0', 'emb'];

function scenario(redisBlock: string, extra = ''): { dir: string; file: string } {
  const { dir, file } = writeScenario('fcb-feast-', `name: feast
seed: 3
warmup: 0s
keys: { entities: 2, distribution: { kind: uniform } }
featureSets:
  - { name: driver_stats, version: v1, payload: { floats: 2, ints: 1, strings: 1, embedding: 2, stringLength: 6 }, ttl: { hard: 10m } }
cascade:
  layout: feast
  local: { enabled: false }
  redis: ${redisBlock}
  source: { kind: simulated, latency: { fixed: 1ms } }
load: { mode: closed, concurrency: 2, requests: 200 }
${extra}`);
  return { dir, file };
}

const keyOf = (project: string, entity: string) => feastRedisKey(project, 'entity_id', entity, 'string');
const readRow = async (project: string, entity: string) =>
  (await redis.client()).hmgetBuffer(keyOf(project, entity), ...FEATURES.map((f) => featureField(VIEW, f)), `_ts:${VIEW}`);
const rowBytes = (row: FeastRow) => [...FEATURES.map((f) => hex(row.values[f]!.hex)), hex(row.ts.hex)];

describe('cascade.layout feast, end to end', () => {
  it("serves hashes written with Feast's bytes as Redis hits, and leaves them as they were", async () => {
    const client = await redis.client();
    const project = 'feastserved';
    for (const [entity, row] of Object.entries(vectors.hashes.served)) {
      const args = FEATURES.flatMap((f) => [featureField(VIEW, f), hex(row.values[f]!.hex)]);
      await client.hset(keyOf(project, entity), ...args, `_ts:${VIEW}`, hex(row.ts.hex));
    }
    const { dir, file } = scenario(`{ keyPrefix: ${project}, shared: true }`);
    const out = await cli.run(['run', file, '--redis', redis.url, '--out', join(dir, 'results'), '--no-report', '--quiet']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const [result] = readResultFiles(join(dir, 'results'));
    expect(result!.requests).toMatchObject({ total: 200, errors: 0 });
    expect(result!.tiers.redis.hits).toBe(200);
    expect(result!.tiers.redis.decodeErrors ?? 0).toBe(0);
    expect(result!.tiers.source.calls).toBe(0);
    for (const [entity, row] of Object.entries(vectors.hashes.served)) expect(await readRow(project, entity)).toEqual(rowBytes(row));
  });

  it('fills a per-run project in Feast format, reads its own fills back, and deletes its hashes at the end', async () => {
    const client = await redis.client();
    const keysBefore = await client.dbsize();
    const { dir, file } = scenario('{ keyPrefix: feastrun }');
    const out = await cli.run(['run', file, '--redis', redis.url, '--out', join(dir, 'results'), '--no-report', '--quiet']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const [result] = readResultFiles(join(dir, 'results'));
    // Two entities: at most one fill each per single-flight burst, every other request a hash hit.
    // A request that misses while its entity's fill is in flight joins that fill: served by the
    // source without a call of its own. Whether that happens depends on timing, so count it.
    const servedBySource = Math.round(result!.tiers.servedBy.source * 200);
    expect(result!.tiers.source.calls).toBeGreaterThan(0);
    expect(result!.tiers.source.calls).toBeLessThanOrEqual(4);
    expect(servedBySource).toBeGreaterThanOrEqual(result!.tiers.source.calls);
    expect(servedBySource).toBeLessThanOrEqual(8);
    expect(result!.tiers.redis.hits + servedBySource).toBe(200);
    // The values are the project's hashes, one per entity: what redis.keys and bytesPerKey count.
    expect(result!.redis.keys).toBe(2);
    expect(result!.payload).toMatchObject({ format: 'feast-value-proto', compression: 'none' });
    expect(result!.redis.bytesPerKey).toBeGreaterThan(0);
    expect(result!.redis.cleanup).toMatchObject({ status: 'deleted' });
    expect(await client.dbsize()).toBe(keysBefore);
    const [, left] = await client.scanBuffer('0', 'MATCH', '*feastrun*', 'COUNT', 1000);
    expect(left.filter((key) => isProjectKey(key, 'feastrun') || key.toString().startsWith('feastrun:'))).toEqual([]);
  });

  it("warms in Feast's format: exactly the fixture's bytes, with the hash TTL", async () => {
    const { dir, file } = scenario('{ keyPrefix: feastwarm, shared: true }');
    const manifest = join(dir, 'warm.manifest');
    writeFileSync(
      manifest,
      [
        JSON.stringify({ kind: 'fcbench-manifest', version: 1, featureSet: 'driver_stats', snapshotVersion: 'v1', batchId: 'b1', committedAt: '2026-01-02T03:04:05.678Z', ranking: 'model' }),
        JSON.stringify({ entity: '0', rank: 0, expectedShare: 0.5 }),
        JSON.stringify({ entity: '1', rank: 1, expectedShare: 0.5 }),
        '',
      ].join('\n'),
    );
    // The TTL runs from the snapshot's commit time: a hard TTL of ~11 years keeps its rows live whatever today is.
    const out = await cli.run(['warm', manifest, '--scenario', file, '--redis', redis.url, '--set', 'featureSets[0].ttl.hard=100000h']);
    expect(out.stderr).toMatch(/2 keys/);
    expect(out.code).toBe(0);
    const client = await redis.client();
    for (const [entity, row] of Object.entries(vectors.hashes.warmed)) {
      expect(await readRow('feastwarm', entity)).toEqual(rowBytes(row));
      expect(await client.hlen(keyOf('feastwarm', entity))).toBe(6);
      expect(await client.pttl(keyOf('feastwarm', entity))).toBeGreaterThan(0);
    }
    // --resume: entity 1's view holds the snapshot's _ts, entity 0's lost its _ts; only 0 is written again.
    await client.hdel(keyOf('feastwarm', '0'), `_ts:${VIEW}`);
    const resumed = await cli.run(['warm', manifest, '--scenario', file, '--redis', redis.url, '--set', 'featureSets[0].ttl.hard=100000h', '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^warmed 1 Feast rows of project feastwarm at .*; 1 already there/);
    expect(await readRow('feastwarm', '0')).toEqual(rowBytes(vectors.hashes.warmed['0']!));
  });

  it('refuses a codec Feast cannot hold: exit 2, one line with file, line and field', async () => {
    const { file } = scenario('{ keyPrefix: feastbad }', 'codec: { format: tensor }\n');
    const out = await cli.run(['validate', file]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:13:\\d+: codec\\.format: not supported with cascade\\.layout feast`));
  });
});
