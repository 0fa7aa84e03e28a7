import { describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { buildWorkload } from '../../src/load/build-workload.js';
import { combineSnapshots, progressOfWorkers } from '../../src/load/worker-shards.js';
import { parseShard, shardScenario, shardStreamSeed, shareOf } from '../../src/load/shard.js';
import { parseScenario } from '../../src/scenario/validate.js';

const base = (extra: Record<string, unknown>) => parseScenario({ name: 's', seed: 5, ...extra });

function message(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(FcbenchError);
    expect((error as FcbenchError).code).toBe('bad-input');
    return (error as Error).message;
  }
  throw new Error('expected bad input');
}

describe('--shard i/N', () => {
  it('parses a 0-based index below the count', () => {
    expect(parseShard('0/4')).toEqual({ index: 0, count: 4 });
    expect(parseShard(' 3/4 ')).toEqual({ index: 3, count: 4 });
    expect(message(() => parseShard('3/2'))).toBe('--shard 3/2: index 3 is not below the count 2 (shards are 0..1)');
    for (const bad of ['2', '1/0', '-1/2', 'a/b', '1/2/3', '1.5/2']) expect(message(() => parseShard(bad))).toMatch(/^--shard .*: expected i\/N/);
  });

  it('splits requests, concurrency and warmup exactly, the remainder to the lowest indexes', () => {
    for (const [total, count] of [[10, 3], [7, 7], [1000, 6], [5, 2]] as const) {
      const parts = Array.from({ length: count }, (_, index) => shareOf(total, { index, count }));
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
      expect([...parts].sort((a, b) => b - a)).toEqual(parts);
    }
    const closed = base({ warmup: { requests: 100 }, load: { mode: 'closed', concurrency: 10, requests: 1001 } });
    const shards = [0, 1, 2].map((index) => shardScenario(closed, { index, count: 3 }));
    expect(shards.map((s) => (s.load as { concurrency: number }).concurrency)).toEqual([4, 3, 3]);
    expect(shards.map((s) => s.load.requests)).toEqual([334, 334, 333]);
    expect(shards.map((s) => (s.warmup as { requests: number }).requests)).toEqual([34, 33, 33]);
  });

  it('divides an open-loop rate and keeps a duration warmup', () => {
    const open = base({ warmup: '2s', load: { mode: 'open', rate: 3000 } });
    const s = shardScenario(open, { index: 1, count: 4 });
    expect(s.load).toMatchObject({ mode: 'open', rate: 750 });
    expect(s.warmup).toBe(2000);
    expect(s.keys).toEqual(open.keys);
    expect(s.seed).toBe(open.seed); // the key ranking's seed is shared; the streams' seed is shardStreamSeed
  });

  it('fires shared-state events from shard 0 only, replica-local ones in every shard', () => {
    const s = base({
      duration: '20s',
      load: { mode: 'open', rate: 100 },
      events: [
        { at: '1s', kind: 'expire-hot', top: 10 },
        { at: '2s', kind: 'flush-local' },
        { at: '3s', kind: 'redis-pause', for: '100ms' },
        { at: '4s', kind: 'source-slowdown', factor: 2, for: '1s' },
      ],
    });
    expect(shardScenario(s, { index: 0, count: 2 }).events.map((e) => e.kind)).toEqual(['expire-hot', 'flush-local', 'redis-pause', 'source-slowdown']);
    expect(shardScenario(s, { index: 1, count: 2 }).events.map((e) => e.kind)).toEqual(['flush-local', 'source-slowdown']);
  });

  it('gives every shard its own reproducible stream seed, and shard 0 of 1 the scenario seed', () => {
    const seeds = [0, 1, 2, 3].map((index) => shardStreamSeed(5, { index, count: 4 }));
    expect(new Set(seeds).size).toBe(4);
    expect(seeds).toEqual([0, 1, 2, 3].map((index) => shardStreamSeed(5, { index, count: 4 })));
    expect(shardStreamSeed(5, { index: 0, count: 1 })).toBe(5);
    expect(shardStreamSeed(5, { index: 0, count: 2 })).not.toBe(shardStreamSeed(6, { index: 0, count: 2 }));
  });

  it('shards draw distinct key streams from the same ranking: the same hot keys, not the same sequence', () => {
    const s = base({ keys: { entities: 10_000, distribution: { kind: 'zipf', exponent: 1, scramble: true } }, load: { mode: 'open', rate: 100 } });
    const workloads = [0, 1].map((index) => buildWorkload(s, '.', { streamSeed: shardStreamSeed(s.seed, { index, count: 2 }) }));
    const draws = workloads.map((w) => Array.from({ length: 200 }, () => w.keys.next()));
    expect(draws[0]).not.toEqual(draws[1]);
    expect(workloads[0]!.hottest(20)).toEqual(workloads[1]!.hottest(20));
    expect(workloads[0]!.hottest(20)).toEqual(buildWorkload(s, '.').hottest(20));
    // Reproducible: shard 1 again draws what it drew.
    const again = buildWorkload(s, '.', { streamSeed: shardStreamSeed(s.seed, { index: 1, count: 2 }) });
    expect(Array.from({ length: 200 }, () => again.keys.next())).toEqual(draws[1]);
  });

  it('warms in shard 0 only: the Redis it fills is every shard\'s', () => {
    const s = base({ keys: { entities: 1000 }, load: { mode: 'open', rate: 100 }, warm: { top: 100 } });
    expect(shardScenario(s, { index: 0, count: 2 }).warm).toEqual(s.warm);
    expect(shardScenario(s, { index: 1, count: 2 }).warm).toBeUndefined();
  });

  it('refuses what cannot be split', () => {
    expect(message(() => shardScenario(base({ load: { mode: 'closed', concurrency: 2 } }), { index: 0, count: 3 }))).toBe(
      '--shard 0/3: load.concurrency 2 cannot be split over 3 shards (each needs at least one virtual user)',
    );
    expect(message(() => shardScenario(base({ load: { mode: 'open', rate: 10, requests: 2 } }), { index: 2, count: 3 }))).toBe(
      '--shard 2/3: load.requests 2 leaves shard 2 nothing to send',
    );
    const trace = base({ keys: { entities: 10, distribution: { kind: 'trace', file: 'keys.txt', loop: false } }, load: { mode: 'open', rate: 10 } });
    expect(message(() => shardScenario(trace, { index: 0, count: 2 }))).toMatch(/^--shard 0\/2: keys\.distribution is a trace with loop: false, which cannot be split by arrival/);
  });
});

describe('load.workers progress: one line from every worker', () => {
  const snap = (requests: number, rps: number, p99: number, localHitRatio: number) => ({
    elapsedMs: 1000, requests, failed: 0, erred: 1, dropped: 0, achievedRps: rps, p99, localHitRatio, redisHitRatio: 0.5,
    sourceCalls: 10, staleServed: 0, lastBucket: null, openExpiryKeys: 0,
  });

  it('adds counts and rates, weights hit ratios by requests, keeps the worst p99', () => {
    const combined = combineSnapshots([snap(300, 300, 2, 0.9), snap(100, 100, 5, 0.5)]);
    expect(combined).toMatchObject({ requests: 400, achievedRps: 400, erred: 2, sourceCalls: 20, p99: 5 });
    expect(combined.localHitRatio).toBeCloseTo(0.8, 12);
  });

  it('prints when worker 0 reports, from every worker\'s latest snapshot', () => {
    const lines: number[] = [];
    const progress = progressOfWorkers(2, (_phase, s) => lines.push(s.requests));
    progress.report(1, 'measure', snap(50, 50, 1, 0.5));
    expect(lines).toEqual([]);
    progress.report(0, 'measure', snap(70, 70, 1, 0.5));
    progress.report(1, 'measure', snap(90, 90, 1, 0.5));
    progress.report(0, 'measure', snap(100, 100, 1, 0.5));
    expect(lines).toEqual([120, 190]);
  });
});
