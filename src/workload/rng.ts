import { badInput } from '../errors.js';
import type { Rng } from './types.js';

/**
 * Seeded PRNG: xoshiro128** (Blackman & Vigna) on 32-bit integer ops, seeded through splitmix32.
 * Everything is `Math.imul` and `>>> 0`, so a seed gives the same stream on every machine and
 * Node version. `next()` uses 32 random bits: resolution 2^-32 is far finer than any key space or
 * latency distribution we draw from, and one step per double keeps the hot path cheap.
 */

const TWO_POW_32 = 4294967296;
const GOLDEN_GAMMA = 0x9e3779b9;

/** splitmix32's output mix: a 32-bit avalanche (every input bit flips each output bit ~50%). */
export function mix32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** 32-bit FNV-1a over the UTF-16 code units of `text`. */
export function fnv1a32(text: string, basis = 0x811c9dc5): number {
  let hash = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The seed of the child stream `fork(label)` of a stream seeded with `seed`. Mixing is
 * non-linear and order-sensitive, so `fork('a').fork('b')` differs from `fork('b').fork('a')`.
 */
export function deriveSeed(seed: number, label: string): number {
  return mix32(mix32(seed ^ GOLDEN_GAMMA) ^ fnv1a32(label));
}

/**
 * Reduces a user seed (any safe integer, negative allowed) to 32 bits. Seeds in [0, 2^32) map to
 * themselves; others (negative, or 2^32 and up) fold their high bits in, so they do not collide with their low half.
 */
export function toSeed32(seed: number): number {
  if (!Number.isSafeInteger(seed)) {
    throw badInput(`seed: must be an integer, got ${String(seed)}`);
  }
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_POW_32);
  return high === 0 ? low : (low ^ mix32(high + GOLDEN_GAMMA)) >>> 0;
}

/** xoshiro128** state and stream. Exported for hot loops that want `nextUint32` without a cast. */
export class Xoshiro128 implements Rng {
  /** The 32-bit seed this stream was created from; forks derive from it, not from the state. */
  readonly seed: number;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed32: number, words?: readonly [number, number, number, number]) {
    this.seed = seed32 >>> 0;
    if (words) {
      [this.s0, this.s1, this.s2, this.s3] = words.map((w) => w >>> 0) as [number, number, number, number];
    } else {
      // splitmix32 sequence: state += golden gamma, output mix32(state).
      let state = this.seed;
      state = (state + GOLDEN_GAMMA) >>> 0;
      this.s0 = mix32(state);
      state = (state + GOLDEN_GAMMA) >>> 0;
      this.s1 = mix32(state);
      state = (state + GOLDEN_GAMMA) >>> 0;
      this.s2 = mix32(state);
      state = (state + GOLDEN_GAMMA) >>> 0;
      this.s3 = mix32(state);
    }
    // The all-zero state is xoshiro's only fixed point; it cannot come out of splitmix32 in
    // practice, but explicit words might be zero.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next 32 random bits as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /**
   * `nextUint32() / 2^32`, the step written out: the uint32 of a call that is not inlined is a heap
   * number half the time (above 2^30), and hot loops draw millions a second.
   */
  next(): number {
    const s1 = this.s1;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result / TWO_POW_32;
  }

  fork(label: string): Rng {
    // Derived from the seed only: forking never advances this stream, so adding a consumer
    // does not shift the numbers any other consumer sees.
    return new Xoshiro128(deriveSeed(this.seed, label));
  }
}

/** A seeded stream. `seed` is any safe integer (see {@link toSeed32}). */
export function createRng(seed: number): Xoshiro128 {
  return new Xoshiro128(toSeed32(seed));
}

/**
 * An integer in [0, n) from one draw. Bias is at most n / 2^32 relative per value (2.3e-4 for a
 * million keys), far below sampling noise.
 */
export function nextInt(rng: Rng, n: number): number {
  const value = Math.floor(rng.next() * n);
  // Guards the rounding of next() * n to n when next() is within an ulp of 1.
  return value < n ? value : n - 1;
}
