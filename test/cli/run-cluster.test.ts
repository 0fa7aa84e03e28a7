import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import { countByPrefix, deleteByPrefix } from '../../src/redis/cleanup.js';
import { dataNodes } from '../../src/redis/client.js';
import { connectCluster, connectRedis, disconnect } from '../../src/redis/connect.js';
import { startPrivateCluster, type PrivateCluster } from '../../src/redis/private-cluster.js';
import { startPrivateRedis } from '../../src/redis/private-server.js';
import { mgetBuffers, pipelineByNode, unlinkKeys } from '../../src/redis/slots.js';
import type { ResultDocument } from '../../src/results/result-types.js';
import { readResultFiles, useBuiltCli, writeScenario } from './cli-helpers.js';

/**
 * `cascade.redis.cluster` against a real local Redis Cluster (3 masters, 3 replicas, formed with
 * `redis-cli --cluster create`), through the spawned CLI: keys spread over every master, a
 * request's feature sets stay one MGET, locks, pub/sub invalidation and batch overwrites work,
 * cleanup empties every master, and a master killed mid-run fails over without losing the run.
 */
const cli = useBuiltCli();
let cluster: PrivateCluster;
let client: Cluster;

beforeAll(async () => {
  cluster = await startPrivateCluster({ masters: 3, replicasPerMaster: 1 });
  client = await connectCluster(cluster.urls.slice(0, 1), { commandTimeoutMs: 2000 });
});
afterAll(async () => {
  if (client !== undefined) disconnect(client);
  await cluster?.stop();
});

function scenario(extra: string): { dir: string; file: string } {
  const { dir, file } = writeScenario('fcb-cluster-', `name: cluster
seed: 11
warmup: 300ms
keys: { entities: 3000, distribution: { kind: zipf, exponent: 1.1 } }
featureSets:
  - { name: user, version: v1, payload: { floats: 8, ints: 2 }, ttl: { hard: 10m } }
  - { name: item, version: v1, payload: { floats: 8 }, ttl: { hard: 10m } }
request: { featureSets: all }
cascade:
  replicas: 2
  local: { maxEntries: 400, ttl: 1s, invalidation: pubsub }
  redis:
    cluster: [${cluster.urls[1]}]
    keyPrefix: fcb-cl
    commandTimeout: 200ms
    connectTimeout: 2s
  source: { kind: simulated, latency: { fixed: 1ms } }
load: { mode: open, rate: 400, arrivals: constant }
${extra}`);
  return { dir, file };
}

const args = (file: string, dir: string, more: string[] = []) => ['run', file, '--out', join(dir, 'results'), '--no-report', '--quiet', ...more];
const result = (dir: string): ResultDocument => readResultFiles(join(dir, 'results'))[0]!;

describe('multi-key commands on a cluster', () => {
  it('MGET, UNLINK and pipelines split by slot and node and keep the caller order; SCAN cleanup sees every master', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `fcb-slots:${i}`);
    const replies = await pipelineByNode(client, keys, (pipeline, i) => pipeline.set(keys[i]!, `v${i}`));
    expect(replies.every(([error]) => error === null)).toBe(true);
    const values = await mgetBuffers(client, [...keys, 'fcb-slots:absent']);
    expect(values.map((v) => v?.toString() ?? null)).toEqual([...keys.map((_, i) => `v${i}`), null]);
    // 60 keys spread over 3 masters: each holds some, and the prefix count sums them.
    const perMaster = await Promise.all(dataNodes(client).map((node) => countByPrefix(node, 'fcb-slots')));
    expect(perMaster.every((n) => n > 0)).toBe(true);
    expect(await countByPrefix(client, 'fcb-slots')).toBe(60);
    expect(await unlinkKeys(client, keys.slice(0, 10))).toBe(10);
    expect(await deleteByPrefix(client, 'fcb-slots')).toBe(50);
    expect(await countByPrefix(client, 'fcb-slots')).toBe(0);
  });
});

describe('fcbench run against a Redis Cluster', () => {
  it('serves from every master: hash-tagged keys, one MGET per request, locks, pub/sub, a batch overwrite and a version-pointer switch; cleanup empties every master', async () => {
    const { dir, file } = scenario(`duration: 3s
stampede: { strategy: redis-lock, lockTtl: 2s, wait: 1s, pollInterval: 5ms }
events:
  - { at: 1s, kind: expire-hot, top: 20 }
  - { at: 1500ms, kind: batch-publish, featureSet: user, version: v2, changed: 0.3, commitDuration: 200ms, publication: post-commit, invalidation: overwrite, publishLag: 50ms }
  - { at: 2s, kind: batch-publish, featureSet: item, version: v2, changed: 0.3, commitDuration: 200ms, publication: post-commit, invalidation: versioned-keys, publishLag: 50ms }
thresholds:
  requests.errors: "== 0"`);
    // Generous timeouts: this run asserts no errors, and other test files share the two cores.
    const out = await cli.run(args(file, dir, ['--set', 'cascade.redis.commandTimeout=2s']));
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const r = result(dir);
    expect(r.env.redis).toMatchObject({ mode: 'cluster', provisioned: 'cluster' });
    expect(r.requests.errors).toBe(0);
    expect(r.tiers.redis.hits).toBeGreaterThan(0);
    // Both sets of an entity in one slot: a request's lookup is one MGET, and none failed with
    // CROSSSLOT (errors is 0 above; a lock waiter's polls are single GETs).
    expect(r.redis.commands?.['mget']).toBeGreaterThan(0);
    // Locks were taken (SET NX on the hash-tagged lock key) and the overwrite went out per master.
    expect(r.redis.commands?.['set']).toBeGreaterThan(0);
    expect(r.redis.commands?.['evalsha'] ?? r.redis.commands?.['eval'] ?? 0).toBeGreaterThan(0);
    // Both publications committed: the overwrite (scripted SETs per master) and the version pointer's switch.
    const publications = r.freshness.publications ?? [];
    expect(publications.map((p) => p.invalidation)).toEqual(['overwrite', 'versioned-keys']);
    expect(publications.every((p) => p.committedAt !== null)).toBe(true);
    expect(r.events.map((e) => e.kind)).toEqual(['expire-hot', 'batch-publish', 'batch-publish']);
    // Per-node balance: three masters, each with keys and commands of its own.
    const masters = (r.redis.nodes ?? []).filter((n) => n.role === 'master');
    expect(masters).toHaveLength(3);
    for (const node of masters) {
      expect(node.keys).toBeGreaterThan(0);
      expect(node.commandsProcessed).toBeGreaterThan(0);
    }
    expect(r.redis.nodes?.filter((n) => n.role === 'replica')).toHaveLength(3);
    // Cleanup SCANned every master: nothing of the run is left anywhere.
    expect(r.redis.cleanup).toEqual({ status: 'deleted', keys: r.redis.keys });
    expect(await countByPrefix(client, 'fcb-cl')).toBe(0);
  });

  it('the shipped hot-keys-cluster scenario: one master takes the head of the Zipf traffic, a local tier evens the masters out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcb-hot-'));
    const seeds = `cascade.redis.cluster=${JSON.stringify(cluster.urls.slice(0, 3))}`;
    // Its errors threshold is for a quiet machine; three test files at once can time a command out,
    // and this test is about where the commands went, which timeouts do not change.
    const out = await cli.run(['run', 'scenarios/hot-keys-cluster.yaml', '--duration', '1s', '--set', 'warmup=0s', '--set', seeds, '--set', 'thresholds={}', '--set', 'cascade.redis.commandTimeout=2s', '--out', dir, '--no-report', '--quiet']);
    expect(out.code, out.stderr).toBe(0);
    const busiest = (r: ResultDocument) => {
      const masters = (r.redis.nodes ?? []).filter((n) => n.role === 'master');
      const total = masters.reduce((sum, n) => sum + n.commandsProcessed!, 0);
      return Math.max(...masters.map((n) => n.commandsProcessed!)) / total;
    };
    const [without, withLocal] = ['false', 'true'].map((on) => readResultFiles(dir).find((r) => r.scenario.variant === `cascade.local.enabled=${on}`)!);
    expect(without!.requests.total).toBeGreaterThan(1000);
    // Hash-tagged keys: one MGET per request for both sets, so Redis saw as many MGETs as lookups.
    expect(without!.redis.commands?.['mget']).toBe(without!.tiers.redis.lookups);
    expect(busiest(without!)).toBeGreaterThan(busiest(withLocal!));
    expect(busiest(without!)).toBeGreaterThan(0.4);
  });

  it('HTTP serving on the cluster: replica processes connect to it, serve Redis hits over HTTP, and the run cleans every master', async () => {
    const { dir, file } = scenario('duration: 2s');
    const http = ['--set', 'load={mode: http, driver: open, rate: 300, connections: 2}', '--set', 'cascade.redis.commandTimeout=2s', '--set', 'cascade.local.invalidation=ttl'];
    const out = await cli.run(args(file, dir, http));
    expect(out.code, out.stderr).toBe(0);
    const r = result(dir);
    expect(r.serving.mode).toBe('http');
    expect(r.env.redis).toMatchObject({ mode: 'cluster', provisioned: 'cluster' });
    expect(r.requests.errors).toBe(0);
    // Two processes served, and their Server-Timing says Redis answered some: they read the hash-tagged keys.
    expect(r.serving.replicas.filter((x) => x.requests > 0)).toHaveLength(2);
    expect(r.tiers.redis.hits).toBeGreaterThan(0);
    expect(r.redis.cleanup?.status).toBe('deleted');
    expect(await countByPrefix(client, 'fcb-cl')).toBe(0);
  });

  it('bad input before any load: --redis with a cluster, tracking, and a seed that is not loopback', async () => {
    const { dir, file } = scenario('duration: 1s');
    const both = await cli.run(args(file, dir, ['--redis', cluster.urls[0]!]));
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--redis .*cascade\.redis\.cluster/);
    const tracking = await cli.run(args(file, dir, ['--set', 'cascade.local.invalidation=tracking']));
    expect(tracking.code).toBe(2);
    expect(tracking.stderr).toMatch(/cascade\.local\.invalidation: tracking is not supported with cascade\.redis\.cluster/);
    const remote = await cli.run(args(file, dir, ['--set', 'cascade.redis.cluster=[redis://cache.invalid:6379]']));
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('cascade.redis.cluster: redis://cache.invalid:6379 is not a loopback address');
    for (const out of [both, tracking, remote]) expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses, before any load, a loopback seed whose cluster names a node elsewhere, and a seed that is no cluster node', async () => {
    // One node holding every slot, announcing itself by a hostname under .invalid: the slot map
    // would send the cluster client there.
    const elsewhere = await startPrivateRedis({
      extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-announce-hostname', 'node1.invalid', '--cluster-preferred-endpoint-type', 'hostname'],
    });
    const single = await startPrivateRedis();
    try {
      const admin = await connectRedis(elsewhere.url);
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      disconnect(admin);
      const { dir, file } = scenario('duration: 1s');
      const announced = await cli.run(args(file, dir, ['--set', `cascade.redis.cluster=[${elsewhere.url}]`]));
      expect(announced.code).toBe(2);
      expect(announced.stderr).toMatch(/cascade\.redis\.cluster: the cluster at redis:\/\/127\.0\.0\.1:\d+ names node node1\.invalid:\d+, which is not a loopback address/);
      const plain = await cli.run(args(file, dir, ['--set', `cascade.redis.cluster=[${single.url}]`]));
      expect(plain.code).toBe(2);
      expect(plain.stderr).toContain(`cascade.redis.cluster: ${single.url} is not a Redis Cluster node`);
      for (const out of [announced, plain]) expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
    } finally {
      await elsewhere.stop();
      await single.stop();
    }
  });

  it('warm writes hash-tagged keys on every master that a shared-layout run then reads', async () => {
    const { dir, file } = scenario('duration: 1s');
    const manifest = join(dir, 'warm.manifest');
    const shared = ['--set', 'cascade.redis.shared=true'];
    const planned = await cli.run(['manifest', file, '--top', '300', '--out', manifest, ...shared]);
    expect(planned.code).toBe(0);
    const warm = await cli.run(['warm', manifest, '--scenario', file, '--quiet', ...shared]);
    expect(warm.stderr).toBe('');
    expect(warm.code).toBe(0);
    const perMaster = await Promise.all(dataNodes(client).map((node) => countByPrefix(node, 'fcb-cl')));
    expect(perMaster.every((n) => n > 0)).toBe(true);
    const warmed = perMaster.reduce((a, b) => a + b, 0);
    expect(warmed).toBeGreaterThanOrEqual(300);
    const [, sample] = await dataNodes(client)[0]!.scan('0', 'MATCH', 'fcb-cl:*', 'COUNT', 1000);
    expect(sample[0]).toMatch(/^fcb-cl:(user|item):v1:\{[^{}]+\}$/);
    // The run reads what warm wrote: its first Redis lookups hit, and it deletes only its own writes.
    const out = await cli.run(args(file, dir, shared));
    expect(out.code).toBe(0);
    const r = result(dir);
    expect(r.tiers.redis.hits).toBeGreaterThan(0);
    expect(await countByPrefix(client, 'fcb-cl')).toBe(warmed);
    await deleteByPrefix(client, 'fcb-cl');
  });

  it('shard processes against the cluster merge into the single run: the same requests, origin calls within 3%', async () => {
    const { dir, file } = scenario('duration: 10s');
    // No warmup: each shard would warm Redis with its own, and the measured misses would differ.
    // 4,001 requests: origin calls are mostly first fetches, and the distinct keys of two shards'
    // streams and of one stream agree within 3% only past a few thousand draws (at 1,001, 10% apart).
    const closed = ['--set', 'load={mode: closed, concurrency: 4, requests: 4001}', '--set', 'warmup=0s'];
    const out = join(dir, 'shards');
    const shard = (spec: string) => cli.run(['run', file, '--shard', spec, '--shard-group', 'cl', '--out', out, '--no-report', '--quiet', ...closed]);
    const runs = await Promise.all([shard('0/2'), shard('1/2')]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    const files = readResultFiles(out).map((d) => d.shard?.index);
    expect(files.sort()).toEqual([0, 1]);
    const merged = join(dir, 'merged.json');
    const merge = await cli.run(['merge', out, '--out', merged]);
    expect(merge.code, merge.stderr).toBe(0);
    const whole = readResultFiles(dir).find((d) => d.shards !== undefined)!;
    const single = await cli.run(args(file, join(dir, 'single'), closed));
    expect(single.code, single.stderr).toBe(0);
    const one = result(join(dir, 'single'));
    expect(whole.requests.total).toBe(4001);
    expect(one.requests.total).toBe(4001);
    expect(Math.abs(whole.tiers.source.calls - one.tiers.source.calls) / one.tiers.source.calls).toBeLessThanOrEqual(0.03);
    expect(await countByPrefix(client, 'fcb-cl')).toBe(0);
  });

  it('a cluster seed nobody answers on is exit 3 within the connect timeout, one line naming the seed', async () => {
    const { dir, file } = scenario('duration: 1s');
    const out = await cli.run(args(file, dir, ['--set', 'cascade.redis.cluster=[redis://127.0.0.1:1]', '--set', 'cascade.redis.connectTimeout=500ms']));
    expect(out.code).toBe(3);
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(out.stderr).toContain('cannot connect to Redis Cluster at redis://127.0.0.1:1');
  });

  // Last: it kills a master (its replica takes over, and the cluster stays usable for nothing after).
  it('a master killed mid-run: the run finishes its schedule, the errors sit in a window on the timeline, failover is absorbed', async () => {
    const { dir, file } = scenario('duration: 7s\nfailurePolicy: serve-stale');
    const run = cli.start(['run', file, '--out', join(dir, 'results'), '--no-report'], {});
    await run.stderrMatches(/measure\s+1s/);
    const victim = cluster.nodes[0]!;
    await victim.kill();
    const out = await run.done;
    expect(out.stderr).not.toContain('internal error');
    expect(out.code).toBe(0);
    const r = result(dir);
    expect(r.requests.total).toBeGreaterThanOrEqual(2700);
    const buckets = r.timeline;
    const firstError = buckets.findIndex((b) => b.errors > 0 || b.staleServed > 0);
    expect(r.tiers.redis.errors).toBeGreaterThan(0);
    expect(firstError).toBeGreaterThan(0);
    // After the replica took over: a last stretch with Redis hits and no errors.
    const lastError = buckets.findLastIndex((b) => b.errors > 0);
    expect(lastError).toBeLessThan(buckets.length - 1);
    expect(buckets.slice(lastError + 1).some((b) => b.redisHits > 0 && b.errors === 0)).toBe(true);
    // The killed master is listed as unreachable, its replica now serves as a master.
    const nodes = r.redis.nodes ?? [];
    expect(nodes.find((n) => n.address === `127.0.0.1:${victim.port}`)?.role).toBe('unreachable');
    expect(nodes.filter((n) => n.role === 'master')).toHaveLength(3);
    expect(r.redis.cleanup?.status).toBe('deleted');
  });
});
