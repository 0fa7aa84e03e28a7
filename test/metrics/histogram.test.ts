import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  createHistogram,
  decodeHistogram,
  HISTOGRAM_HIGHEST_US,
  mergeEncoded,
  summarizeEncoded,
  type LatencyHistogram,
} from '../../src/metrics/histogram.js';
import { FcbenchError } from '../../src/errors.js';

const SEED = 20240611;
const PERCENTILES = [0, 1, 10, 50, 75, 90, 95, 99, 99.9, 100];
const values = fc.array(fc.integer({ min: 0, max: 50_000_000 }), { minLength: 1, maxLength: 400 });

/** Nearest-rank quantile, the definition HDR uses: the smallest value with at least p% of values at or below it. */
function exactQuantile(sorted: number[], percentile: number): number {
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length - 1e-9));
  return sorted[Math.min(rank, sorted.length) - 1] ?? NaN;
}

function withHistogram<T>(fn: (h: LatencyHistogram) => T): T {
  const h = createHistogram();
  try {
    return fn(h);
  } finally {
    h.destroy();
  }
}

describe('histogram', () => {
  it('reports percentiles within 0.1% (+1 µs) of exact quantiles', () => {
    fc.assert(
      fc.property(values, (vs) => {
        withHistogram((h) => {
          for (const v of vs) h.record(v);
          const sorted = [...vs].sort((a, b) => a - b);
          for (const p of PERCENTILES) {
            const exact = exactQuantile(sorted, p);
            const reported = h.valueAtPercentileUs(p);
            expect(Math.abs(reported - exact)).toBeLessThanOrEqual(exact * 0.001 + 1);
          }
          expect(h.count).toBe(vs.length);
        });
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('summary is in ms and its percentiles match the µs ones', () => {
    withHistogram((h) => {
      for (let v = 1; v <= 1000; v++) h.record(v * 10); // 10 µs .. 10 ms
      const s = h.summary();
      expect(s.count).toBe(1000);
      const within = (actual: number, exact: number): void =>
        expect(Math.abs(actual - exact)).toBeLessThanOrEqual(exact * 0.001 + 0.001);
      within(s.p50, 5);
      within(s.p90, 9);
      within(s.p99, 9.9);
      within(s.p999, 9.99);
      within(s.max, 10);
      within(s.mean, 5.005);
      expect(s.hdr.length).toBeGreaterThan(0);
    });
  });

  it('merging equals recording both', () => {
    fc.assert(
      fc.property(values, values, (a, b) => {
        const left = createHistogram();
        const right = createHistogram();
        const both = createHistogram();
        try {
          for (const v of a) (left.record(v), both.record(v));
          for (const v of b) (right.record(v), both.record(v));
          left.merge(right);
          expect(left.count).toBe(a.length + b.length);
          const { hdr: _l, ...merged } = left.summary();
          const { hdr: _b, ...direct } = both.summary();
          expect(merged).toEqual(direct);
          expect(right.count).toBe(b.length); // the merged-in histogram is unchanged
        } finally {
          left.destroy();
          right.destroy();
          both.destroy();
        }
      }),
      { seed: SEED, numRuns: 50 },
    );
  });

  it('round-trips through the encoding', () => {
    fc.assert(
      fc.property(values, (vs) => {
        withHistogram((h) => {
          for (const v of vs) h.record(v);
          const original = h.summary();
          const decoded = decodeHistogram(original.hdr);
          try {
            expect(decoded.summary()).toEqual(original);
          } finally {
            decoded.destroy();
          }
          expect(summarizeEncoded(original.hdr)).toEqual(original);
        });
      }),
      { seed: SEED, numRuns: 50 },
    );
  });

  it('clamps out-of-range values and counts them', () => {
    withHistogram((h) => {
      h.record(-5);
      h.record(Number.NaN);
      h.record(HISTOGRAM_HIGHEST_US * 10);
      h.record(42);
      expect(h.count).toBe(4);
      expect(h.clampedCount).toBe(3);
      expect(h.valueAtPercentileUs(0)).toBe(0);
      expect(h.maxUs).toBeGreaterThanOrEqual(HISTOGRAM_HIGHEST_US);
      expect(h.maxUs).toBeLessThanOrEqual(HISTOGRAM_HIGHEST_US * 1.001);
      h.reset();
      expect(h.count).toBe(0);
      expect(h.clampedCount).toBe(0);
    });
  });

  it('rounds to whole microseconds', () => {
    withHistogram((h) => {
      h.record(0.4);
      h.record(1.6);
      expect(h.valueAtPercentileUs(50)).toBe(0);
      expect(h.valueAtPercentileUs(100)).toBe(2);
    });
  });

  it('summarises an empty histogram as zeros with an empty hdr', () => {
    withHistogram((h) => {
      expect(h.summary()).toEqual({ count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, hdr: '' });
      expect(h.encode()).toBe('');
    });
    expect(summarizeEncoded('').count).toBe(0);
  });

  it('merges stored histograms', () => {
    const a = createHistogram();
    const b = createHistogram();
    a.record(1000);
    b.record(3000);
    const merged = mergeEncoded([a.encode(), '', b.encode()]);
    expect(merged.count).toBe(2);
    expect(Math.abs(merged.max - 3)).toBeLessThanOrEqual(0.003);
    a.destroy();
    b.destroy();
  });

  it('rejects text that is not an HDR histogram with bad-input', () => {
    expect(() => decodeHistogram('not-a-histogram')).toThrow(FcbenchError);
    try {
      decodeHistogram('AAAA');
    } catch (error) {
      expect((error as FcbenchError).code).toBe('bad-input');
    }
  });

  it('destroy is idempotent', () => {
    const h = createHistogram();
    h.destroy();
    expect(() => h.destroy()).not.toThrow();
  });
});
