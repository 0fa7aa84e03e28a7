import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DistanceHistogram, bucketOf, bucketRange } from '../../src/capacity/distance-histogram.js';
import { curvePoints, sizesFor } from '../../src/capacity/miss-ratio-curve.js';
import { createExactCounter, createShardsCounter } from '../../src/capacity/shards.js';
import { StackDistanceCounter } from '../../src/capacity/stack-distance.js';
import { createRng } from '../../src/workload/rng.js';
import { createZipfSampler } from '../../src/workload/zipf.js';

/** Hits of an LRU of `size` over `stream`, by brute force (an array in recency order). */
function lruHits(stream: readonly string[], size: number): number {
  const order: string[] = [];
  let hits = 0;
  for (const key of stream) {
    const at = order.indexOf(key);
    if (at >= 0) {
      hits++;
      order.splice(at, 1);
    } else if (order.length === size) order.pop();
    order.unshift(key);
  }
  return hits;
}

describe('exact stack distances', () => {
  it('give every LRU size the hits a brute-force LRU has, for any stream (compactions included)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 45 }), (ids, size) => {
        const stream = ids.map(String);
        // 4 slots to start: compaction runs many times over a 400-access stream.
        const counter = new StackDistanceCounter(new DistanceHistogram(), 1, 4);
        for (const key of stream) counter.access(key);
        expect(counter.histogram.hitsAt(size)).toBe(lruHits(stream, size));
        expect(counter.histogram.total).toBe(stream.length);
        expect(counter.histogram.cold).toBe(new Set(stream).size);
      }),
      { numRuns: 300 },
    );
  });

  it('counts nothing while not counting, but keeps the stack: a warmed stream has no cold misses', () => {
    const counter = new StackDistanceCounter();
    counter.counting = false;
    for (const key of ['a', 'b', 'c']) counter.access(key);
    counter.counting = true;
    expect(counter.access('a')).toBe(3);
    expect(counter.access('a')).toBe(1);
    expect(counter.histogram.cold).toBe(0);
    expect(counter.histogram.total).toBe(2);
  });
});

describe('distance buckets', () => {
  it('are contiguous and cover every distance once', () => {
    let expectedLow = 1;
    for (let b = 1; b < 2000; b++) {
      const [low, high] = bucketRange(b);
      expect(low).toBe(expectedLow);
      expect(bucketOf(low)).toBe(b);
      expect(bucketOf(high)).toBe(b);
      expectedLow = high + 1;
    }
  });
});

describe('SHARDS', () => {
  it('at 1% sampling, the curve is within 0.01 mean absolute error of the exact one', { timeout: 120_000 }, () => {
    // Zipf 1.0 over 1M keys, 2M accesses: the regime SHARDS is for (too many keys to count exactly cheaply).
    const zipf = createZipfSampler(1_000_000, 1.0);
    const rng = createRng(7);
    const exact = createExactCounter();
    const sampled = createShardsCounter(0.01);
    for (let i = 0; i < 2_000_000; i++) {
      const key = String(zipf.next(rng));
      exact.access(key);
      sampled.access(key);
    }
    const sizes = [1, 10, 100, 1000, 10_000, 50_000, 100_000, 200_000, 500_000, 1_000_000];
    const errors = sizes.map((c) => Math.abs(exact.histogram().missRatioAt(c) - sampled.histogram().missRatioAt(c)));
    const mae = errors.reduce((a, b) => a + b, 0) / errors.length;
    expect(mae).toBeLessThan(0.01);
    // Above the exact depth the sample alone answers, and still within the goal.
    expect(errors.slice(6).every((e) => e < 0.01)).toBe(true);
    // And it is a real curve, not a flat line: miss ratios fall with size.
    expect(exact.histogram().missRatioAt(1_000_000)).toBeLessThan(exact.histogram().missRatioAt(100) - 0.2);
  });
});

describe('curve points and sizes', () => {
  const histogram = new DistanceHistogram();
  // 10 accesses at distance 1, 10 at 10, 10 at 100, 10 cold.
  for (const d of [1, 10, 100]) histogram.add(d, 10);
  histogram.addCold(10);

  it('reads miss ratios off the histogram at a log grid plus the configured size', () => {
    const points = curvePoints(histogram, 500, { include: [42] });
    expect(points[0]).toEqual({ entries: 1, bytes: 500, missRatio: 0.75 });
    expect(points.find((p) => p.entries === 42)).toEqual({ entries: 42, bytes: 21_000, missRatio: 0.5 });
    expect(points.at(-1)).toEqual({ entries: 100, bytes: 50_000, missRatio: 0.25 });
    expect(points.map((p) => p.entries)).toEqual([...points.map((p) => p.entries)].sort((a, b) => a - b));
  });

  it('gives the smallest size for each hit ratio, null where cold misses make it unreachable', () => {
    expect(sizesFor(histogram, 500)).toEqual([
      { hitRatio: 0.5, entries: 10, bytes: 5000 },
      { hitRatio: 0.8, entries: null, bytes: null },
      { hitRatio: 0.9, entries: null, bytes: null },
      { hitRatio: 0.95, entries: null, bytes: null },
      { hitRatio: 0.99, entries: null, bytes: null },
    ]);
    expect(sizesFor(histogram, 1, [0.25, 0.75])).toEqual([
      { hitRatio: 0.25, entries: 1, bytes: 1 },
      { hitRatio: 0.75, entries: 100, bytes: 100 },
    ]);
  });
});
