import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countByPrefix } from '../../src/redis/cleanup.js';
import type { ResultDocument } from '../../src/results/result-types.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { readResultFiles, useBuiltCli } from './cli-helpers.js';

/**
 * `fcbench run --shard i/N` as users run it: separate processes against one Redis, meeting at the
 * start barrier, each sending its part, then `fcbench merge` over their results.
 */
const cli = useBuiltCli();
const redis = usePrivateRedis();
const dir = mkdtempSync(join(tmpdir(), 'fcb-shard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIO = `name: shard-run
seed: 5
warmup: 0s
keys: { entities: 2000, distribution: { kind: zipf, exponent: 1.0, scramble: true } }
featureSets:
  - name: f
    payload: { floats: 4, ints: 1, strings: 1 }
cascade:
  replicas: 2
  local: { maxEntries: 200 }
  redis: { keyPrefix: fcb-shardrun }
  source: { kind: simulated, latency: { fixed: 1ms } }
load: { mode: closed, concurrency: 4, requests: 1001 }
events:
  - { at: 0s, kind: expire-hot, top: 10 }
  - { at: 0s, kind: flush-local }
# Each shard alone sends half: only the merged run meets it.
thresholds: { "requests.total": ">= 1001" }
`;
const file = join(dir, 'shard.yaml');
writeFileSync(file, SCENARIO);

/** The merged two-shard run, for the comparisons further down. */
let mergedShards: ResultDocument | undefined;

/** Within 3% of each other (the bound for a sharded run against a single one). */
function expectWithin3Percent(actual: number, expected: number): void {
  expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(0.03);
}

function shard(spec: string, out: string, extra: string[] = []) {
  return cli.run(['run', file, '--shard', spec, '--out', out, '--no-report', '--quiet', ...extra], { env: { REDIS_URL: redis.url } });
}

describe('fcbench run --shard i/N (spawned CLI, one private Redis)', () => {
  it('two shards start together, send their exact parts, and merge into the whole run; shard 0 deletes the keys', async () => {
    const out = join(dir, 'results');
    const [zero, one] = await Promise.all([shard('0/2', out, ['--shard-group', 'pair']), shard('1/2', out, ['--shard-group', 'pair'])]);
    expect(zero.code, zero.stderr).toBe(0);
    // A shard's thresholds are not its exit code: its half fails requests.total, and it still exits 0.
    expect(one.code, one.stderr).toBe(0);
    const docs = readResultFiles(out).sort((a, b) => a.shard!.index - b.shard!.index) as [ResultDocument, ResultDocument];
    expect(readdirSync(out).sort()).toEqual([expect.stringMatching(/^shard-run-shard0of2-.*\.json$/), expect.stringMatching(/^shard-run-shard1of2-.*\.json$/)]);
    expect(docs.map((d) => d.shard)).toEqual([{ index: 0, count: 2 }, { index: 1, count: 2 }]);
    expect(docs.map((d) => d.requests.total)).toEqual([501, 500]);
    expect(docs.map((d) => d.load.concurrency)).toEqual([2, 2]);
    expect(docs.every((d) => d.thresholds.some((t) => !t.passed))).toBe(true);
    // The common start: both results begin at the barrier's time.
    expect(docs[0].startedAt).toBe(docs[1].startedAt);
    // Shared-state events fire once (shard 0), replica-local ones in every shard.
    expect(docs.map((d) => d.events.map((e) => e.kind).sort())).toEqual([['expire-hot', 'flush-local'], ['flush-local']]);
    // One prefix for the group: both shards read Redis values the other filled.
    expect(docs[0].redis.keyPrefix).toBe('fcb-shardrun:pair');
    expect(docs[1].redis.keyPrefix).toBe('fcb-shardrun:pair');
    expect(docs[0].redis.cleanup).toMatchObject({ status: 'deleted' });
    expect(docs[1].redis.cleanup).toEqual({ status: 'skipped', reason: "shard 1/2: shard 0 deletes the run's keys once every shard is done" });
    expect(await countByPrefix(await redis.client(), 'fcb-shardrun:pair')).toBe(0);

    const merged = await cli.run(['merge', ...readdirSync(out).map((f) => join(out, f)), '--out', join(dir, 'merged.json')]);
    expect(merged.code, merged.stderr).toBe(0);
    const whole = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8')) as ResultDocument;
    expect(whole.requests.total).toBe(1001);
    expect(whole.shards).toMatchObject({ count: 2, indexes: [0, 1] });
    expect(whole.thresholds.every((t) => t.passed)).toBe(true);
    mergedShards = whole;

    // The same scenario unsharded: the same requests, and origin calls within 3% (each shard's
    // single-flight is its own, so two shards may both fetch a key the other was fetching).
    const single = await cli.run(['run', file, '--out', join(dir, 'single'), '--no-report', '--quiet'], { env: { REDIS_URL: redis.url } });
    expect(single.code, single.stderr).toBe(0);
    const [one1] = readResultFiles(join(dir, 'single'));
    expect(whole.requests.total).toBe(one1!.requests.total);
    expectWithin3Percent(whole.tiers.source.calls, one1!.tiers.source.calls);
  });

  it('a shard whose partners never come exits 3 naming how many arrived, and writes no result', async () => {
    const out = join(dir, 'alone');
    const alone = await shard('1/3', out, ['--shard-group', 'alone', '--shard-timeout', '1s']);
    expect(alone.code).toBe(3);
    expect(alone.stderr).toMatch(/^fcbench: --shard 1\/3: only 1 of 3 shards arrived at redis:\/\/127\.0\.0\.1:\d+ within 1 s/m);
    expect(readdirSync(out)).toEqual([]);
  });

  it.each([
    [['--shard', '1/2'], /--shard 1\/2: give every shard of the run the same fresh --shard-group/],
    [['--shard', '2/2', '--shard-group', 'g'], /--shard 2\/2: index 2 is not below the count 2/],
    [['--shard', '0/2', '--shard-group', 'a b'], /--shard-group a b: use 1-64 of/],
    [['--shard-group', 'g'], /--shard-group: only with --shard i\/N/],
    [['--shard', '0/2', '--shard-group', 'g', '--shard-timeout', 'soon'], /--shard-timeout soon: expected a duration/],
  ])('bad flags %j exit 2 before anything is sent', async (flags, message) => {
    const out = await cli.run(['run', file, '--no-report', '--out', join(dir, 'never'), ...flags], { env: { REDIS_URL: redis.url } });
    expect(out.code).toBe(2);
    expect(out.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(out.stderr).toMatch(message);
  });

  it('refuses cascade.redis.url auto without REDIS_URL: each shard would start a Redis of its own', async () => {
    const out = await cli.run(['run', file, '--no-report', '--out', join(dir, 'never'), '--shard', '0/2', '--shard-group', 'g']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/--shard 0\/2: every shard must use the same Redis; give it with --redis URL or REDIS_URL/);
  });
});

describe('load.workers: N shards on worker threads, merged in memory (spawned CLI)', () => {
  const workersFile = join(dir, 'workers.yaml');
  writeFileSync(workersFile, SCENARIO.replace('load: { mode: closed, concurrency: 4, requests: 1001 }', 'load: { mode: closed, concurrency: 4, requests: 1001, workers: 2 }'));

  it('one result for the whole run: requests add up, shared events fire once, thresholds judged on the whole', async () => {
    const out = join(dir, 'workers');
    const run = await cli.run(['run', workersFile, '--out', out, '--no-report', '--quiet'], { env: { REDIS_URL: redis.url } });
    expect(run.code, run.stderr).toBe(0);
    const [doc, ...more] = readResultFiles(out);
    expect(more).toHaveLength(0);
    expect(doc!.shard).toBeUndefined();
    expect(doc!.shards).toMatchObject({ count: 2, indexes: [0, 1] });
    expect(doc!.load.workers).toBe(2);
    expect(doc!.load.concurrency).toBe(4);
    expect(doc!.requests.total).toBe(1001);
    expect(doc!.thresholds.every((t) => t.passed)).toBe(true);
    expect(doc!.events.map((e) => e.kind).sort()).toEqual(['expire-hot', 'flush-local', 'flush-local']);
    expect(doc!.serving.replicas).toHaveLength(4);
    // Worker threads count what separate shard processes count.
    expect(mergedShards, 'the two-process run above').toBeDefined();
    expect(doc!.requests.total).toBe(mergedShards!.requests.total);
    expectWithin3Percent(doc!.tiers.source.calls, mergedShards!.tiers.source.calls);
    expect(doc!.redis.cleanup).toMatchObject({ status: 'deleted' });
    expect(doc!.redis.keyPrefix).toMatch(/^fcb-shardrun:w[0-9a-f]{8}$/);
    expect(await countByPrefix(await redis.client(), doc!.redis.keyPrefix)).toBe(0);
  });

  it('a load that cannot be split over the workers is exit 2 naming file, line and load.workers, before any thread starts', async () => {
    const bad = join(dir, 'workers-bad.yaml');
    writeFileSync(bad, SCENARIO.replace('load: { mode: closed, concurrency: 4, requests: 1001 }', 'load: { mode: closed, concurrency: 1, workers: 2 }'));
    const out = await cli.run(['run', bad, '--out', join(dir, 'never'), '--no-report', '--quiet'], { env: { REDIS_URL: redis.url } });
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`fcbench: ${bad}:13:48: load.workers: 2 workers need load.concurrency of at least 2 (one virtual user each; it is 1)\n`);
    // validate says the same, so a CI check of the file catches it.
    expect((await cli.run(['validate', bad])).stderr).toBe(out.stderr);
  });
});
