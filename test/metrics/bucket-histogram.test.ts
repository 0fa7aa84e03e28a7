import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BucketHistogram } from '../../src/metrics/bucket-histogram.js';
import { createHistogram, HISTOGRAM_HIGHEST_US } from '../../src/metrics/histogram.js';

const SEED = 20261207;
const PERCENTILES = [0, 0.1, 1, 10, 33.3, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

/** A value anywhere in the range (small, mid, huge), with fractions, negatives and over-range ones to clamp. */
const value = fc.oneof(
  fc.double({ min: -10, max: 2100, noNaN: true }),
  fc.double({ min: 0, max: 5_000_000, noNaN: true }),
  fc.integer({ min: 0, max: HISTOGRAM_HIGHEST_US }),
  fc.constantFrom(0, 1, 1023, 1024, 2047, 2048, 2049, 4095, 4096, 2 ** 31 - 1, 2 ** 31, HISTOGRAM_HIGHEST_US, HISTOGRAM_HIGHEST_US + 5, Number.NaN),
);
/** Single records and counted ones. */
const entries = fc.array(fc.tuple(value, fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 1000 }))), { minLength: 0, maxLength: 300 });

function fill(entries: [number, number][], digits: 2 | 3) {
  const buckets = new BucketHistogram({ significantDigits: digits });
  const hdr = createHistogram({ significantDigits: digits });
  for (const [v, n] of entries) {
    if (n === 1) {
      buckets.record(v);
      hdr.record(v);
    } else {
      buckets.recordCount(v, n);
      hdr.recordCount(v, n);
    }
  }
  return { buckets, hdr };
}

// The simulation's histograms must report exactly what the HDR histogram they stand in for would.
describe('BucketHistogram', () => {
  for (const digits of [3, 2] as const) {
    it(`gives the HDR histogram's percentiles, counts, summary and encoding (${digits} digits)`, () => {
      fc.assert(
        fc.property(entries, (list) => {
          const { buckets, hdr } = fill(list, digits);
          try {
            expect(buckets.count).toBe(hdr.count);
            expect(buckets.clampedCount).toBe(hdr.clampedCount);
            for (const p of PERCENTILES) expect(buckets.valueAtPercentileUs(p)).toBe(hdr.valueAtPercentileUs(p));
            expect(buckets.maxUs).toBe(hdr.maxUs);
            expect(buckets.encode()).toBe(hdr.encode());
            expect(buckets.summary()).toEqual(hdr.summary());
          } finally {
            hdr.destroy();
          }
        }),
        { seed: SEED, numRuns: 300 },
      );
    });
  }

  it('rounds the rank as HDR does where floating point lands a hair above an integer (p99.9 of 1,000 values)', () => {
    const buckets = new BucketHistogram();
    const hdr = createHistogram();
    for (let v = 1; v <= 1000; v++) {
      buckets.record(v);
      hdr.record(v);
    }
    // 99.9 / 100 * 1000 is 999.0000000000001: the rank is 999, not 1000.
    expect(buckets.valueAtPercentileUs(99.9)).toBe(999);
    expect(buckets.valueAtPercentileUs(99.9)).toBe(hdr.valueAtPercentileUs(99.9));
    hdr.destroy();
  });

  it('merges and resets as the HDR histogram does', () => {
    fc.assert(
      fc.property(entries, entries, (a, b) => {
        const left = fill(a, 3);
        const right = fill(b, 3);
        try {
          left.buckets.merge(right.buckets);
          left.hdr.merge(right.hdr);
          expect(left.buckets.encode()).toBe(left.hdr.encode());
          expect(left.buckets.clampedCount).toBe(left.hdr.clampedCount);
          expect(left.buckets.valueAtPercentileUs(99)).toBe(left.hdr.valueAtPercentileUs(99));
          // Reset empties it; what is recorded next is all it holds.
          left.buckets.reset();
          expect(left.buckets.count).toBe(0);
          expect(left.buckets.valueAtPercentileUs(50)).toBe(0);
          expect(left.buckets.encode()).toBe('');
          left.buckets.merge(right.buckets);
          expect(left.buckets.encode()).toBe(right.hdr.encode());
        } finally {
          left.hdr.destroy();
          right.hdr.destroy();
        }
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('merges into an HDR histogram through its encoding, clamped counts included', () => {
    const buckets = new BucketHistogram();
    for (const v of [3, 70, 70, 9000, -1]) buckets.record(v);
    const hdr = createHistogram();
    const direct = createHistogram();
    for (const v of [3, 70, 70, 9000, -1]) direct.record(v);
    hdr.merge(buckets);
    expect(hdr.encode()).toBe(direct.encode());
    expect(hdr.clampedCount).toBe(1);
    expect(() => buckets.merge(direct)).toThrow(TypeError);
    expect(() => buckets.merge(new BucketHistogram({ significantDigits: 2 }))).toThrow(TypeError);
    hdr.destroy();
    direct.destroy();
  });
});
