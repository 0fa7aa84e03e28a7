import { fnv1a32, mix32 } from '../workload/rng.js';
import { bucketOf, DistanceHistogram } from './distance-histogram.js';
import { StackDistanceCounter } from './stack-distance.js';

/**
 * SHARDS (Waldspurger et al., FAST '15), fixed rate: a key is in the sample when a hash of it
 * falls under rate x 2^32, so every access of a sampled key is seen and none of the others.
 * Distances among sampled keys, and each sampled access, are scaled by 1/rate. The `adj`
 * correction of the paper: the sample's access count differs from rate x all accesses by chance
 * (a few hot keys in or out); the difference goes to the smallest distance, where the paper
 * shows it belongs, so the curve starts at the right height.
 */
export interface MissRatioCounter {
  access(key: string): void;
  counting: boolean;
  /** The histogram, with the SHARDS correction applied (call once accesses are done, or any time for a reading). */
  histogram(): DistanceHistogram;
}

/** Hash threshold for `rate` in (0, 1]. */
function threshold(rate: number): number {
  return Math.floor(rate * 2 ** 32);
}

/**
 * Distances up to this are counted exactly, beside the sample, by a stack of the most recent keys
 * only: small sizes are where a sample is weakest (their hits come from a few hot keys, each in or
 * out of the sample by luck: 0.07 mean error at 1% on a Zipf 1.0 stream over 2M keys), and where
 * exact counting is cheap. An edge of the distance buckets, so no bucket is split between the two.
 */
export const EXACT_DEPTH = 65_536;

export function createShardsCounter(rate: number, options: { exactDepth?: number } = {}): MissRatioCounter {
  if (!(rate > 0 && rate <= 1)) throw new RangeError(`SHARDS rate must be in (0, 1], got ${rate}`);
  const depth = options.exactDepth ?? EXACT_DEPTH;
  const near = depth > 0 ? new StackDistanceCounter(new DistanceHistogram(), 1, 1024, depth) : null;
  const inner = new StackDistanceCounter(new DistanceHistogram(), 1 / rate);
  const limit = threshold(rate);
  let counted = 0;
  let sampled = 0;
  return {
    get counting() {
      return inner.counting;
    },
    set counting(on: boolean) {
      inner.counting = on;
      if (near !== null) near.counting = on;
    },
    access(key) {
      if (inner.counting) counted++;
      near?.access(key);
      // mix32 spreads fnv's low bits, which cluster for keys that differ only in their last digits.
      if (mix32(fnv1a32(key)) >>> 0 >= limit) return;
      if (inner.counting) sampled++;
      inner.access(key);
    },
    histogram() {
      const h = inner.histogram;
      const out = new DistanceHistogram();
      out.counts.set(h.counts);
      out.cold = h.cold;
      out.total = h.total;
      const missing = counted - sampled / rate;
      if (missing !== 0 && out.total > 0) {
        out.counts[1]! += missing;
        out.total += missing;
      }
      if (near === null) return out;
      // Exact below the depth, sampled above it; the total is every counted access.
      const edge = bucketOf(depth);
      for (let b = 0; b <= edge; b++) out.counts[b] = near.histogram.counts[b]!;
      out.total = counted;
      return out;
    },
  };
}

/** Exact counting behind the same interface. */
export function createExactCounter(): MissRatioCounter {
  const inner = new StackDistanceCounter();
  return {
    get counting() {
      return inner.counting;
    },
    set counting(on: boolean) {
      inner.counting = on;
    },
    access: (key) => void inner.access(key),
    histogram: () => inner.histogram,
  };
}
