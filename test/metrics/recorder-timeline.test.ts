import { describe, it, expect } from 'vitest';
import { createRecorder } from '../../src/metrics/recorder.js';
import { fetched, localHit, redisHit, trace } from './trace-builder.js';

const S = 1_000_000; // µs per second

describe('recorder timeline', () => {
  it('puts each request in the bucket of its completion and fills empty seconds', () => {
    const r = createRecorder();
    const origin = 5 * S;
    r.start(origin);
    r.record(localHit(), origin, origin, origin + 100, 0); // t=0
    r.record(redisHit(), origin, origin, origin + 0.999 * S, 0); // t=0
    r.record(fetched(), origin + 0.5 * S, origin + 0.5 * S, origin + 1.2 * S, 0); // t=1, 700 ms
    r.record(trace({ servedBy: 'none', failed: true, errorKind: 'source-error' }), origin + 3 * S, origin + 3 * S, origin + 3.1 * S, 0); // t=3
    r.record(trace({ servedBy: 'local', outcome: { local: 'hit' }, errorKind: 'source-error' }), origin + 3 * S, origin + 3 * S, origin + 3.2 * S, 0);
    r.record(trace({ servedBy: 'local', outcome: { local: 'stale' }, stale: 'soft-expired' }), origin + 3 * S, origin + 3 * S, origin + 3.3 * S, 0);
    const timeline = r.finish(origin + 4.5 * S).timeline;

    expect(timeline.map((b) => b.t)).toEqual([0, 1, 2, 3, 4]);
    expect(timeline.map((b) => b.rps)).toEqual([2, 1, 0, 3, 0]);
    expect(timeline.map((b) => b.localHits)).toEqual([1, 0, 0, 2, 0]);
    expect(timeline.map((b) => b.redisHits)).toEqual([1, 0, 0, 0, 0]);
    expect(timeline.map((b) => b.sourceCalls)).toEqual([0, 1, 0, 0, 0]);
    expect(timeline.map((b) => b.errors)).toEqual([0, 0, 0, 2, 0]);
    expect(timeline.map((b) => b.staleServed)).toEqual([0, 0, 0, 1, 0]);
    expect(timeline[1]?.p99).toBeCloseTo(700, 0);
    expect(timeline[0]?.p99).toBeCloseTo(999, 0); // the bucket histogram was reset, not cumulative
    expect(timeline[3]?.p99).toBeCloseTo(300, 0);
  });

  it('rates the last, partial bucket by its actual length', () => {
    const r = createRecorder();
    r.start(0);
    for (let i = 0; i < 10; i++) r.record(localHit(), 0, 0, 1.1 * S + i, 0);
    const timeline = r.finish(1.5 * S).timeline;
    expect(timeline).toHaveLength(2);
    expect(timeline[1]?.rps).toBeCloseTo(20, 9); // 10 requests in 0.5 s
  });

  it('folds a short trailing bucket (the drain) into the one before, so a steady run shows no dip', () => {
    const r = createRecorder();
    r.start(0);
    // 100 req/s for two seconds, then 1 request finishing in an 8 ms tail after the schedule ended.
    for (let i = 0; i < 200; i++) r.record(localHit(), i * 10_000, i * 10_000, i * 10_000 + (i === 150 ? 40_000 : 5), 0);
    r.record(fetched(), 1.99 * S, 1.99 * S, 2.006 * S, 0);
    const timeline = r.finish(2.008 * S).timeline;
    expect(timeline.map((b) => b.t)).toEqual([0, 1]);
    expect(timeline[1]?.durationMs).toBeCloseTo(1008, 6);
    expect(timeline[1]?.rps).toBeCloseTo(101 / 1.008, 9);
    expect(timeline[1]?.sourceCalls).toBe(1);
    // Merged histogram: of 101 values (99 x 5 µs, the 16 ms tail request, one 40 ms), the p99 is the tail's 16 ms.
    expect(timeline[1]?.p99).toBeCloseTo(16, 0);
    expect(timeline[0]?.durationMs).toBeUndefined();
  });

  it('has no empty trailing bucket when the run ends on a bucket boundary', () => {
    const r = createRecorder();
    r.start(0);
    r.record(localHit(), 0, 0, 10, 0);
    expect(r.finish(2 * S).timeline.map((b) => b.t)).toEqual([0, 1]);
  });

  it('keeps late (out-of-order) completions in the current bucket', () => {
    const r = createRecorder();
    r.start(0);
    r.record(localHit(), 0, 0, 2.5 * S, 0);
    r.record(localHit(), 0, 0, 0.5 * S, 0);
    const timeline = r.finish(3 * S).timeline;
    expect(timeline.map((b) => b.rps)).toEqual([0, 0, 2]);
  });
});

describe('recorder memory', () => {
  it('stays bounded over 1M requests: buckets per second, capped episode keys and listed expiries', () => {
    const r = createRecorder({ maxOpenExpiryKeys: 1000, maxListedExpiries: 20 });
    r.start(0);
    const keys = Array.from({ length: 250_000 }, (_, i) => `fcb:f:v1:${i}`);
    const miss = fetched();
    const hit = localHit();
    const stepUs = 100; // 10k requests per simulated second -> 100 s
    let maxOpen = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const t = i % 3 === 0 ? miss : hit;
      t.key = keys[(i * 7919) % keys.length] ?? '';
      const start = i * stepUs;
      r.record(t, start, start, start + 50, i % 4);
      if (i % 10_000 === 0) maxOpen = Math.max(maxOpen, r.snapshot().openExpiryKeys);
    }
    const s = r.finish(1_000_000 * stepUs);
    expect(maxOpen).toBeLessThanOrEqual(1000);
    expect(r.snapshot().openExpiryKeys).toBe(0);
    expect(s.timeline).toHaveLength(100);
    expect(s.stampede.expiries.length).toBeLessThanOrEqual(20);
    expect(s.stampede.episodes?.cold).toBeGreaterThan(1000); // no fill TTLs on these traces: every episode is cold
    expect(s.requests.total).toBe(1_000_000);
    expect(s.tiers.source.calls).toBe(333_334);
    r.close();
  });
});
