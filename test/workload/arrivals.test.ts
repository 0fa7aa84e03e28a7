import { describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { createArrivals } from '../../src/workload/arrivals.js';
import { createRng } from '../../src/workload/rng.js';

function gapStats(gaps: number[]): { mean: number; cv: number } {
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const variance = gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length;
  return { mean, cv: Math.sqrt(variance) / mean };
}

function draws(kind: 'constant' | 'poisson', ratePerSec: number, seed: number, count = 100_000): number[] {
  const arrivals = createArrivals(kind, ratePerSec, createRng(seed).fork('arrivals'));
  return Array.from({ length: count }, () => arrivals.nextGapUs());
}

describe('createArrivals', () => {
  it('constant: every gap is 1e6 / rate, coefficient of variation 0', () => {
    const gaps = draws('constant', 2000, 1);
    expect(gaps.every((g) => g === 500)).toBe(true);
    expect(gapStats(gaps).cv).toBe(0);
  });

  it('poisson: mean gap within 1% of 1e6 / rate and coefficient of variation ~1 over 100k draws', () => {
    for (const rate of [50, 2000, 123_456]) {
      const { mean, cv } = gapStats(draws('poisson', rate, 9));
      expect(Math.abs(mean - 1e6 / rate) / (1e6 / rate)).toBeLessThan(0.01);
      expect(Math.abs(cv - 1)).toBeLessThan(0.02);
    }
  });

  it('poisson: gaps are positive, finite and reproducible from the seed', () => {
    const gaps = draws('poisson', 1000, 4, 10_000);
    expect(gaps.every((g) => g >= 0 && Number.isFinite(g))).toBe(true);
    expect(draws('poisson', 1000, 4, 10_000)).toEqual(gaps);
    expect(draws('poisson', 1000, 5, 10)).not.toEqual(gaps.slice(0, 10));
    const zero = createArrivals('poisson', 1000, { next: () => 0, fork: () => createRng(0) });
    expect(zero.nextGapUs()).toBe(0);
  });

  it('rejects a rate that is not a positive finite number', () => {
    for (const rate of [0, -5, Number.NaN, Infinity]) {
      expect(() => createArrivals('poisson', rate, createRng(1))).toThrow(FcbenchError);
    }
    expect(() => createArrivals('poisson', 0, createRng(1))).toThrow(/load.rate/);
  });
});
