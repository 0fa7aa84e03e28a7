import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { createScrambler, identityScrambler } from '../../src/workload/scramble.js';

function image(n: number, seed: number): number[] {
  const scrambler = createScrambler(n, seed);
  return Array.from({ length: n }, (_, rank) => scrambler.map(rank));
}

describe('createScrambler', () => {
  it.each([1, 2, 3, 5, 8, 100, 1000, 1023, 1024, 1025, 4097, 65_537])('is a bijection on [0, %i)', (n) => {
    for (const seed of [0, 1, 0xdeadbeef]) {
      const values = image(n, seed);
      expect(values.every((v) => Number.isInteger(v) && v >= 0 && v < n)).toBe(true);
      expect(new Set(values).size).toBe(n);
    }
  });

  it('is a bijection for a non-power-of-two near the 32-bit limit on a sample of ranks', () => {
    const n = 2 ** 32 - 5;
    const scrambler = createScrambler(n, 9);
    const seen = new Set<number>();
    for (let rank = n - 2000; rank < n; rank++) {
      const value = scrambler.map(rank);
      expect(value >= 0 && value < n).toBe(true);
      seen.add(value);
    }
    expect(seen.size).toBe(2000);
  });

  it('is deterministic per seed and differs between seeds', () => {
    expect(image(1000, 42)).toEqual(image(1000, 42));
    expect(image(1000, 42)).not.toEqual(image(1000, 43));
  });

  it('spreads the hottest ranks over the key space', () => {
    const n = 1_000_000;
    const scrambler = createScrambler(n, 7);
    const top = Array.from({ length: 100 }, (_, rank) => scrambler.map(rank));
    // Without scrambling all would be < 100; spread out, about half land in each half.
    const upperHalf = top.filter((v) => v >= n / 2).length;
    expect(upperHalf).toBeGreaterThan(25);
    expect(upperHalf).toBeLessThan(75);
    expect(top.filter((v) => v < 1000).length).toBeLessThan(5);
  });

  it('rejects a bad domain size', () => {
    expect(() => createScrambler(0, 1)).toThrow(FcbenchError);
    expect(() => createScrambler(2 ** 32 + 1, 1)).toThrow(/scramble: entities/);
  });

  it('identityScrambler keeps ranks', () => {
    expect([0, 5, 9].map(identityScrambler(10).map)).toEqual([0, 5, 9]);
  });
});

// The key sequence is a promise: the table of the hottest ranks' entities must give what the
// rounds gave. Digests of map(rank) over the first 200k ranks (or all), recorded from the
// scrambler before it had the table, asked from the last rank down so the table is built mid-way.
describe('createScrambler values', () => {
  it.each([
    [100_000, 42, '4216d440f0200b4c577b160c9d41d51414bc897246257ef174e7abb87d5438c0'],
    [1_000_000, 7, '9dfe022a2d4370b5f0c4bdd4275458062e8529cabc65fb383f5dfa223397fc79'],
    [65_536, 3, '13812d430f2f1dcc0768b062fa208c9666026ed82672d4c54c5ddf002c3d2f6d'],
    [70_000, 9, '8e2f69754d381ddc92cf64ad745dba14343831344c650dc2cb860e40ce8b867a'],
  ])('n = %i, seed %i: the same entities as before the head table', (n, seed, digest) => {
    const scrambler = createScrambler(n, seed);
    const out = new Uint32Array(Math.min(n, 200_000));
    for (let rank = out.length - 1; rank >= 0; rank--) out[rank] = scrambler.map(rank);
    expect(createHash('sha256').update(out).digest('hex')).toBe(digest);
  });
});
