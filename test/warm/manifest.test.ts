import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { createKeyChooser } from '../../src/workload/key-chooser.js';
import { createRng, deriveSeed, toSeed32 } from '../../src/workload/rng.js';
import { createScrambler } from '../../src/workload/scramble.js';
import { modelRanking } from '../../src/warm/model-ranking.js';
import { planManifest } from '../../src/warm/plan-manifest.js';
import { REPO_ROOT, useBuiltCli } from '../cli/cli-helpers.js';
import { tempDir, WARM_SCENARIO } from './warm-helpers.js';

const cli = useBuiltCli();

/** Exact Zipf shares over n ranks, summed the plain way (an independent check of the ranking's normaliser). */
function zipfShares(n: number, s: number): number[] {
  let norm = 0;
  for (let k = 1; k <= n; k++) norm += 1 / Math.pow(k, s);
  return Array.from({ length: n }, (_, r) => 1 / Math.pow(r + 1, s) / norm);
}

describe('warm manifests: rankings', () => {
  it('ranks a scrambled Zipf exactly: rank r is the entity the scramble maps r to, with share (r+1)^-s / H(n,s)', () => {
    for (const [n, s, seed] of [
      [5000, 1.0, 7],
      [1234, 1.3, 99],
    ] as const) {
      const ranking = modelRanking({ kind: 'zipf', exponent: s, scramble: true }, n, seed);
      const scramble = createScrambler(n, deriveSeed(toSeed32(seed), 'scramble'));
      const shares = zipfShares(n, s);
      expect(ranking.size).toBe(n);
      for (let r = 0; r < 300; r++) {
        expect(ranking.entityAt(r)).toBe(String(scramble.map(r)));
        expect(ranking.shareAt(r)).toBeCloseTo(shares[r]!, 12);
      }
      // The same entities the run's key chooser draws most often, in that order.
      const chooser = createKeyChooser({ kind: 'zipf', exponent: s, scramble: true }, n, seed, { rng: createRng(seed).fork('t') });
      const counts = new Map<string, number>();
      for (let i = 0; i < 200_000; i++) {
        const key = chooser.next()!;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const observed = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([key]) => key);
      expect(observed).toEqual([0, 1, 2].map((r) => ranking.entityAt(r)));
    }
  });

  it('ranks (entity, set) pairs of several sets together, and --penalty moves short-TTL sets up', async () => {
    const dir = tempDir();
    const file = join(dir, 'two-sets.yaml');
    writeFileSync(
      file,
      `name: two-sets
duration: 60s
keys: { entities: 100, distribution: { kind: zipf, exponent: 1.0, scramble: false } }
featureSets:
  - { name: slow, ttl: { hard: 1h } }
  - { name: fast, ttl: { hard: 10s } }
load: { mode: open, rate: 1000 }
`,
    );
    const scenario = (await loadScenario(file)).variants[0]!.scenario;
    const ranking = modelRanking(scenario.keys.distribution as never, 100, scenario.seed);
    const plan = (penalty: boolean) =>
      [...planManifest(scenario, { ranking, source: 'model', top: 6, featureSet: null, penalty, batchId: 'b', committedAt: '2026-01-01T00:00:00Z' }).entries()];
    const byShare = plan(false);
    expect(byShare.map((e) => `${e.featureSet}:${e.entity}`)).toEqual(['slow:0', 'fast:0', 'slow:1', 'fast:1', 'slow:2', 'fast:2']);
    expect(byShare[0]!.expectedShare).toBeCloseTo(zipfShares(100, 1)[0]! / 2, 12);
    const byPenalty = plan(true);
    // Same traffic, but a 10 s TTL misses every 10 s instead of once an hour: its keys cost more cold.
    expect(byPenalty.slice(0, 3).map((e) => `${e.featureSet}:${e.entity}`)).toEqual(['fast:0', 'fast:1', 'fast:2']);
    const slowOnly = [...planManifest(scenario, { ranking, source: 'model', top: 1, featureSet: 'slow', penalty: true, batchId: 'b', committedAt: '2026-01-01T00:00:00Z' }).entries()];
    expect(byPenalty[0]!.penaltyMs).toBeGreaterThan(slowOnly[0]!.penaltyMs!);
    expect(slowOnly[0]!.featureSet).toBeUndefined();
  });
});

describe('fcbench manifest (spawned CLI)', () => {
  it('writes the header and the exact top N, ranks a gzipped CSV request log by counts, and refuses what it cannot rank', async () => {
    const out = await cli.run(['manifest', WARM_SCENARIO, '--top', '50', '--committed-at', '2026-03-01T00:00:00Z', '--batch-id', 'nightly-42']);
    expect(out.code, out.stderr).toBe(0);
    const [head, ...lines] = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(head).toEqual({ kind: 'fcbench-manifest', version: 1, featureSet: 'feats', snapshotVersion: 'v3', batchId: 'nightly-42', committedAt: '2026-03-01T00:00:00.000Z', ranking: 'model' });
    const ranking = modelRanking({ kind: 'zipf', exponent: 1.0, scramble: true }, 5000, 7);
    expect(lines).toEqual(Array.from({ length: 50 }, (_, r) => ({ entity: ranking.entityAt(r), rank: r, expectedShare: ranking.shareAt(r) })));

    const dir = tempDir();
    const log = join(dir, 'requests.csv.gz');
    writeFileSync(log, gzipSync('ts,customer,latency\n1,42,3\n2,7,1\n3,42,2\n4,0007,9\n5,42,1\n6,9,1\n'));
    const traced = await cli.run(['manifest', WARM_SCENARIO, '--top', '3', '--from', 'trace', log, '--key-column', 'customer']);
    expect(traced.code, traced.stderr).toBe(0);
    const [traceHead, ...traceLines] = traced.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(traceHead!['ranking']).toBe('trace');
    expect(traceLines).toEqual([
      { entity: '42', rank: 0, expectedShare: 3 / 6 },
      { entity: '7', rank: 1, expectedShare: 2 / 6 },
      { entity: '9', rank: 2, expectedShare: 1 / 6 },
    ]);

    const tooMany = await cli.run(['manifest', WARM_SCENARIO, '--top', '5001', '--out', join(dir, 'never.manifest')]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr.trim()).toBe('fcbench: --top 5001: the scenario has only 5000 entities to rank');
    const fromResult = await cli.run(['manifest', WARM_SCENARIO, '--top', '5', '--from', 'result', join(REPO_ROOT, 'test/fixtures/result-realistic.json')]);
    expect(fromResult.code).toBe(2);
    expect(fromResult.stderr).toMatch(/result-realistic\.json: a result holds no per-entity request counts .* use --from model .* or --from trace/);
    const unreadable = await cli.run(['manifest', WARM_SCENARIO, '--top', '5', '--from', 'trace', join(dir, 'missing.log')]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/missing\.log: cannot read the request log \(ENOENT\)/);
  });
});
