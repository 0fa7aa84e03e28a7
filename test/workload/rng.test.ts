import { describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { createRng, deriveSeed, fnv1a32, nextInt, toSeed32 } from '../../src/workload/rng.js';
import type { Rng } from '../../src/workload/types.js';

function take(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => rng.next());
}

/** Pearson chi-square of `draws` doubles against `bins` equal bins of [0, 1). */
function chiSquareUniform(rng: Rng, draws: number, bins: number): number {
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < draws; i++) counts[Math.floor(rng.next() * bins)]! += 1;
  const expected = draws / bins;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

describe('createRng', () => {
  // Golden values from the reference C xoshiro128** (Blackman & Vigna) seeded by splitmix32
  // (state += 0x9e3779b9; fmix with 0x85ebca6b, 0xc2b2ae35), compiled with gcc.
  it.each([
    [0, [3809008728, 1133695204, 53579671, 2891528803, 139681546, 2203266335]],
    [42, [2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290]],
    [0xdeadbeef, [2306529437, 2576298207, 1250671110, 2699168992, 2319502352, 3183738783]],
  ])('seed %i gives the reference xoshiro128** stream', (seed, expected) => {
    const rng = createRng(seed);
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual(expected);
  });

  it('next() is the 32-bit output divided by 2^32', () => {
    expect(take(createRng(42), 2)).toEqual([2837322924 / 2 ** 32, 544945897 / 2 ** 32]);
  });

  it('passes a chi-square uniformity test (100 bins, 1M draws, p = 0.001 critical value 148.2)', () => {
    expect(chiSquareUniform(createRng(12345), 1_000_000, 100)).toBeLessThan(148.2);
    expect(chiSquareUniform(createRng(12345).fork('keys'), 1_000_000, 100)).toBeLessThan(148.2);
  });

  it('reduces big and negative seeds to distinct 32-bit seeds and rejects non-integers', () => {
    expect(toSeed32(7)).toBe(7);
    expect(toSeed32(-1)).not.toBe(0xffffffff); // negatives fold their sign, not alias 2^32 - 1
    expect(toSeed32(-1)).toBe(toSeed32(-1));
    expect(toSeed32(2 ** 32 + 7)).not.toBe(7);
    expect(take(createRng(2 ** 40), 3)).not.toEqual(take(createRng(0), 3));
    expect(() => createRng(1.5)).toThrow(FcbenchError);
    expect(() => createRng(Number.NaN)).toThrow(/seed: must be an integer/);
  });
});

describe('fork', () => {
  it('does not consume the parent stream', () => {
    const forked = createRng(99);
    forked.fork('keys');
    forked.fork('payload').next();
    expect(take(forked, 10)).toEqual(take(createRng(99), 10));
  });

  it('is a pure function of the parent seed and the label, not of the parent position', () => {
    const parent = createRng(5);
    const early = take(parent.fork('latency'), 5);
    take(parent, 1000);
    expect(take(parent.fork('latency'), 5)).toEqual(early);
    expect(take(createRng(5).fork('latency'), 5)).toEqual(early);
  });

  it('gives different streams for different labels, seeds and fork orders', () => {
    const a = take(createRng(5).fork('a'), 4);
    expect(take(createRng(5).fork('b'), 4)).not.toEqual(a);
    expect(take(createRng(6).fork('a'), 4)).not.toEqual(a);
    expect(take(createRng(5), 4)).not.toEqual(a);
    expect(take(createRng(5).fork('a').fork('b'), 4)).not.toEqual(take(createRng(5).fork('b').fork('a'), 4));
    expect(deriveSeed(5, 'a')).not.toBe(deriveSeed(5, 'b'));
  });

  it('gives uncorrelated sibling streams (|Pearson r| < 4 / sqrt(N))', () => {
    const n = 200_000;
    const x = take(createRng(1).fork('keys'), n);
    const y = take(createRng(1).fork('keyt'), n); // labels one bit apart
    const mean = (v: number[]): number => v.reduce((s, e) => s + e, 0) / v.length;
    const mx = mean(x);
    const my = mean(y);
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      const dx = x[i]! - mx;
      const dy = y[i]! - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    expect(Math.abs(sxy / Math.sqrt(sxx * syy))).toBeLessThan(4 / Math.sqrt(n));
  });
});

describe('helpers', () => {
  it('fnv1a32 matches the published FNV-1a test vectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('nextInt stays in [0, n) and hits every value', () => {
    const rng = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const value = nextInt(rng, 7);
      expect(value >= 0 && value < 7 && Number.isInteger(value)).toBe(true);
      seen.add(value);
    }
    expect(seen.size).toBe(7);
    expect(nextInt({ next: () => 1 - 2 ** -53, fork: () => createRng(0) }, 10)).toBe(9);
  });
});
