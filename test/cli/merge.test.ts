import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVariant } from '../../src/load/run-variant.js';
import { createHistogram, mergeEncoded } from '../../src/metrics/histogram.js';
import { mergeShardResults } from '../../src/results/merge-results.js';
import type { ResultDocument } from '../../src/results/result-types.js';
import { parseScenario } from '../../src/scenario/validate.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { useBuiltCli } from './cli-helpers.js';

/**
 * `fcbench merge` on real shard results: two runs of one small scenario against a private
 * redis-server, each stamped as one shard of two (as `run --shard i/2` would write them, with its
 * own seed), merged in-process and through the spawned CLI.
 */
const redis = usePrivateRedis();
const cli = useBuiltCli();
const dir = mkdtempSync(join(tmpdir(), 'fcbench-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenario(seed: number) {
  return parseScenario({
    name: 'merge-test',
    seed,
    keys: { entities: 2000, distribution: { kind: 'zipf', exponent: 1 } },
    featureSets: [{ name: 'scores', payload: { floats: 4, ints: 1, strings: 1 } }],
    cascade: { replicas: 2, local: { maxEntries: 200 }, redis: { keyPrefix: 'fcb-merge' }, source: { kind: 'simulated', latency: { p50: '1ms', p99: '3ms' } } },
    load: { mode: 'closed', concurrency: 4, requests: 1500 },
    // Each shard alone fails this; the whole run (3,000 requests) passes it.
    thresholds: { 'requests.total': '>= 2500' },
  });
}

let shards: ResultDocument[] = [];
const files: string[] = [];

beforeAll(async () => {
  for (const index of [0, 1]) {
    const doc = await runVariant({ label: '', assignments: {}, scenario: scenario(100 + index), hash: 'same-scenario' }, { scenarioDir: dir, toolVersion: 'test', env: { REDIS_URL: redis.url } });
    doc.shard = { index, count: 2 };
    shards.push(doc);
    const file = join(dir, `shard-${index}.json`);
    writeFileSync(file, JSON.stringify(doc));
    files.push(file);
  }
}, 60_000);

const named = (docs: ResultDocument[]) => docs.map((doc, i) => ({ file: `s${i}.json`, doc }));

describe('merging shard results', () => {
  it('sums counters, recomputes ratios, and merges latency histograms into the union', () => {
    const merged = mergeShardResults(named(shards));
    const [a, b] = shards as [ResultDocument, ResultDocument];
    expect(merged.requests.total).toBe(3000);
    expect(merged.tiers.local.hits).toBe(a.tiers.local.hits + b.tiers.local.hits);
    expect(merged.tiers.local.hitRatio).toBeCloseTo((a.tiers.local.hits + b.tiers.local.hits) / (a.tiers.local.lookups + b.tiers.local.lookups), 12);
    expect(merged.tiers.source.calls).toBe(a.tiers.source.calls + b.tiers.source.calls);
    expect(merged.latency.endToEnd).toEqual(mergeEncoded([a.latency.endToEnd.hdr, b.latency.endToEnd.hdr]));
    expect(merged.latency.byTier.source.count).toBe(a.latency.byTier.source.count + b.latency.byTier.source.count);
    expect(merged.serving.replicas.map((r) => r.id)).toEqual([0, 1, 2, 3]);
    expect(merged.shards).toEqual({ count: 2, indexes: [0, 1], timelineP99: 'max-of-shards', capacityOmitted: true });
    expect(merged.shard).toBeUndefined();
    expect(merged.capacity).toBeUndefined();
    const totalInTimeline = merged.timeline.reduce((n, bucket) => n + bucket.localHits, 0);
    expect(totalInTimeline).toBe(shards.reduce((n, d) => n + d.timeline.reduce((m, bucket) => m + bucket.localHits, 0), 0));
  });

  it('recomputes thresholds on the merged figures: each shard alone fails, the whole run passes', () => {
    expect(shards.every((d) => d.thresholds[0]!.passed === false)).toBe(true);
    expect(mergeShardResults(named(shards)).thresholds).toEqual([expect.objectContaining({ metric: 'requests.total', actual: 3000, passed: true })]);
  });

  it("gives the union's percentiles, never an average of the shards' (synthetic histograms)", () => {
    const fast = createHistogram();
    const slow = createHistogram();
    const all = createHistogram();
    for (let i = 1; i <= 9900; i++) {
      fast.record(100 + (i % 50));
      all.record(100 + (i % 50));
    }
    for (let i = 1; i <= 100; i++) {
      slow.record(50_000 + i);
      all.record(50_000 + i);
    }
    const docs = shards.map((d) => structuredClone(d));
    docs[0]!.latency.endToEnd = fast.summary();
    docs[1]!.latency.endToEnd = slow.summary();
    const merged = mergeShardResults(named(docs)).latency.endToEnd;
    const union = all.summary();
    expect(merged).toEqual(union);
    expect(merged.p99).toBeLessThan(1); // 99% of the union is fast: the p99 is a fast value
    expect(merged.p999).toBeGreaterThan(50); // its slowest 1 in 1,000 is the slow shard's
    for (const h of [fast, slow, all]) h.destroy();
  });
});

describe('fcbench merge', () => {
  it('takes a folder of shard results (what a Kubernetes merge Job has)', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    for (const f of files) writeFileSync(join(folder, f.split('/').pop()!), readFileSync(f));
    const out = join(dir, 'from-folder.json');
    const r = await cli.run(['merge', `${folder}/`, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(readFileSync(out, 'utf8')) as ResultDocument).requests.total).toBe(3000);
  });

  it('writes the merged result atomically, and fcbench report reads it', async () => {
    const out = join(dir, 'merged.json');
    const r = await cli.run(['merge', ...files, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^merged 2 shards: 3,000 requests, p99 [\d.]+ ms\nresult: .*merged\.json\n$/);
    const merged = JSON.parse(readFileSync(out, 'utf8')) as ResultDocument;
    expect(merged.shards!.indexes).toEqual([0, 1]);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    const report = await cli.run(['report', out, '--out', join(dir, 'merged.html')]);
    expect(report.code, report.stderr).toBe(0);
  });

  it.each([
    ['a single file', (f: string[]) => [f[0]!], /^fcbench: merge needs the results of at least two shards \(got only .*shard-0\.json\)$/],
    ['the same shard twice', (f: string[]) => [f[0]!, f[0]!], /^fcbench: .*shard-0\.json: shard 0\/2 again \(also .*shard-0\.json\)$/],
  ])('%s: exit 2, one line, nothing written', async (_label, pick, message) => {
    const out = join(dir, 'never.json');
    const r = await cli.run(['merge', ...pick(files), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a missing index, another scenario and a result that is not a shard (exit 2)', async () => {
    const variant = (name: string, change: (d: ResultDocument) => void) => {
      const doc = structuredClone(shards[1]!);
      change(doc);
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(doc));
      return file;
    };
    const ofThree = variant('of-three.json', (d) => (d.shard = { index: 1, count: 3 }));
    const firstOfThree = variant('first-of-three.json', (d) => (d.shard = { index: 0, count: 3 }));
    const other = variant('other.json', (d) => (d.scenario.hash = 'another-scenario'));
    const plain = variant('plain.json', (d) => delete d.shard);
    const cases: Array<[string[], RegExp]> = [
      [[firstOfThree, ofThree], /^fcbench: shard 2 of 3 missing \(merge needs every shard of the run\)$/],
      [[files[0]!, other], /^fcbench: .*other\.json: a shard of another scenario \(merge-test another-scen\) than .*shard-0\.json \(merge-test same-scenari\)$/],
      [[files[0]!, plain], /^fcbench: .*plain\.json: not a shard result \(no shard field; write shards with fcbench run --shard i\/N\)$/],
      [[files[0]!, ofThree], /^fcbench: .*of-three\.json: shard 1\/3, but .*shard-0\.json is one of 2$/],
    ];
    for (const [args, message] of cases) {
      const r = await cli.run(['merge', ...args, '--out', join(dir, 'never.json')]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim()).toMatch(message);
    }
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });
});
