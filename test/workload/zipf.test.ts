import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { createRng } from '../../src/workload/rng.js';
import type { Rng } from '../../src/workload/types.js';
import { createZipfSampler, ZIPF_TABLE_CELLS } from '../../src/workload/zipf.js';

/** Exact P(rank k) = (k+1)^-s / sum_{j=1..n} j^-s for k = 0..count-1. */
function exactProbabilities(n: number, s: number, count: number): number[] {
  let total = 0;
  for (let j = n; j >= 1; j--) total += j ** -s; // smallest terms first for accuracy
  return Array.from({ length: count }, (_, k) => (k + 1) ** -s / total);
}

/**
 * A deterministic "uniform" stream walking a fine grid, (j + 1/2) / size. With it, rejection-
 * inversion's output frequencies equal the exact probabilities up to grid rounding (one point per
 * interval edge), so the method is checked to far better than 1% without sampling noise.
 */
function gridRng(size: number): Rng {
  let j = 0;
  return {
    next: () => ((j++ % size) + 0.5) / size,
    fork: () => gridRng(size),
  };
}

function countRanks(n: number, s: number, rng: Rng, samples: number, top: number): number[] {
  const sampler = createZipfSampler(n, s);
  const counts = new Array<number>(top).fill(0);
  for (let i = 0; i < samples; i++) {
    const rank = sampler.next(rng);
    if (rank < top) counts[rank]! += 1;
  }
  return counts;
}

const EXPONENTS = [0.5, 0.99, 1, 1.2];

describe('createZipfSampler', () => {
  it.each(EXPONENTS)('s = %d: top-10 frequencies within 1%% of exact over a 1M-point uniform grid (n = 1M)', (s) => {
    const n = 1_000_000;
    const { counts, returned } = gridFrequencies(n, s, 1_000_000, 10);
    const exact = exactProbabilities(n, s, 10);
    for (let k = 0; k < 10; k++) {
      expect(Math.abs(counts[k]! / returned - exact[k]!) / exact[k]!).toBeLessThan(0.01);
    }
  });

  it.each(EXPONENTS)('s = %d: top-10 of 1M seeded samples within 4.5 sigma of exact (n = 1000)', (s) => {
    const n = 1000;
    const samples = 1_000_000;
    const counts = countRanks(n, s, createRng(2024).fork(`zipf-${s}`), samples, 10);
    const exact = exactProbabilities(n, s, 10);
    for (let k = 0; k < 10; k++) {
      const expected = samples * exact[k]!;
      const sigma = Math.sqrt(expected * (1 - exact[k]!));
      expect(Math.abs(counts[k]! - expected)).toBeLessThan(4.5 * sigma);
    }
  });

  it.each(EXPONENTS)('s = %d: chi-square over all 20 ranks of n = 20 (df 19, p = 0.001 critical 43.82)', (s) => {
    const n = 20;
    const samples = 200_000;
    const counts = countRanks(n, s, createRng(77).fork(`chi-${s}`), samples, n);
    const exact = exactProbabilities(n, s, n);
    const chi = counts.reduce((sum, c, k) => sum + (c - samples * exact[k]!) ** 2 / (samples * exact[k]!), 0);
    expect(chi).toBeLessThan(43.82);
  });

  it('is continuous through s = 1 (expm1/log1p forms): s = 1 +/- 1e-12 draws the same ranks as s = 1', () => {
    const draw = (s: number): number[] => {
      const sampler = createZipfSampler(1_000_000, s);
      const rng = createRng(8);
      return Array.from({ length: 5000 }, () => sampler.next(rng));
    };
    const atOne = draw(1);
    expect(draw(1 + 1e-12)).toEqual(atOne);
    expect(draw(1 - 1e-12)).toEqual(atOne);
  });

  it('always returns an integer rank in [0, n) (property, fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.oneof(fc.double({ min: 0.01, max: 8, noNaN: true }), fc.constantFrom(1, 0.5, 1.2, 40)),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (n, s, seed) => {
          const sampler = createZipfSampler(n, s);
          const rng = createRng(seed);
          for (let i = 0; i < 200; i++) {
            const rank = sampler.next(rng);
            if (!Number.isInteger(rank) || rank < 0 || rank >= n) return false;
          }
          return true;
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('handles the extremes of the uniform input and n = 1', () => {
    const sampler = createZipfSampler(1000, 1.2);
    expect(sampler.next({ next: () => 0, fork: () => createRng(0) })).toBe(999);
    expect(sampler.next({ next: () => 1 - 2 ** -32, fork: () => createRng(0) })).toBe(0);
    expect(createZipfSampler(1, 0.7).next(createRng(1))).toBe(0);
  });

  it('rejects bad parameters with bad-input errors', () => {
    for (const [n, s] of [[0, 1], [1.5, 1], [10, 0], [10, -1], [10, Number.NaN], [10, Infinity]] as const) {
      expect(() => createZipfSampler(n, s)).toThrow(FcbenchError);
    }
    expect(() => createZipfSampler(10, 0)).toThrow(/exponent must be a finite number > 0/);
  });
});

/** Drives the sampler with every point of a `size`-point grid exactly once (rejections included). */
function gridFrequencies(n: number, s: number, size: number, top: number): { counts: number[]; returned: number } {
  const sampler = createZipfSampler(n, s);
  const grid = gridRng(size);
  let calls = 0;
  const counting: Rng = { next: () => (calls++, grid.next()), fork: () => counting };
  const counts = new Array<number>(top).fill(0);
  let returned = 0;
  while (calls < size) {
    const rank = sampler.next(counting);
    returned++;
    if (rank < top) counts[rank]! += 1;
  }
  return { counts, returned };
}

/**
 * The sampler as written before its rank table: rejection-inversion with the same H, H^-1 and h
 * expressions, bit for bit. The table must never change a draw (the key sequence is a promise:
 * same seed, same keys), so the sampler is checked against this on the same streams.
 */
function referenceSampler(n: number, s: number): (rng: Rng) => number {
  const oneMinusS = 1 - s;
  const harmonic = oneMinusS === 0;
  const invOneMinusS = harmonic ? 0 : 1 / oneMinusS;
  const h = (x: number) => Math.exp(-s * Math.log(x));
  const bigH = (x: number) => {
    const logX = Math.log(x);
    return harmonic ? logX : Math.expm1(oneMinusS * logX) * invOneMinusS;
  };
  const bigHInverse = (y: number) => {
    if (harmonic) return Math.exp(y);
    let t = y * oneMinusS;
    if (t < -1) t = -1;
    return Math.exp(Math.log1p(t) * invOneMinusS);
  };
  const hLow = bigH(1.5) - 1;
  const hHigh = bigH(n + 0.5);
  const squeeze = 2 - bigHInverse(bigH(2.5) - h(2));
  return (rng) => {
    if (n === 1) return 0;
    for (;;) {
      const u = hHigh + rng.next() * (hLow - hHigh);
      const x = bigHInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > n) k = n;
      if (k - x <= squeeze || u >= bigH(k + 0.5) - h(k)) return k - 1;
    }
  };
}

describe('ZipfSampler rank table', () => {
  it('draws exactly the ranks of the formula alone, on the same streams', () => {
    const cases: [number, number][] = [[100_000, 1.1], [1_000_000, 0.99], [20_000, 1], [100_000, 1.2], [2, 0.5], [3, 2.5], [50, 0.3], [1e8, 1.2], [70_000, 1 + 1e-12], [5000, 4]];
    for (const [index, [n, s]] of cases.entries()) {
      const sampler = createZipfSampler(n, s);
      const reference = referenceSampler(n, s);
      const a = createRng(index);
      const b = createRng(index);
      for (let i = 0; i < 200_000; i++) {
        const got = sampler.next(a);
        const want = reference(b);
        if (got !== want) expect({ n, s, i, got }).toEqual({ n, s, i, got: want });
      }
      // Both consumed the same draws (rejections included).
      expect(a.next()).toBe(b.next());
    }
  });

  it('agrees at the edges of every cell: u on a grid of several points per cell', () => {
    for (const [n, s] of [[100_000, 1.1], [300, 0.8]] as const) {
      const sampler = createZipfSampler(n, s);
      const reference = referenceSampler(n, s);
      const size = ZIPF_TABLE_CELLS * 7 + 3;
      const a = gridRng(size);
      const b = gridRng(size);
      for (let i = 0; i < size; i++) {
        const got = sampler.next(a);
        const want = reference(b);
        if (got !== want) expect({ n, s, i, got }).toEqual({ n, s, i, got: want });
      }
    }
  });
});
