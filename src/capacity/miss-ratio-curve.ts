import type { DistanceHistogram } from './distance-histogram.js';

/** One point of a miss-ratio curve: an LRU of `entries` (about `bytes`) misses this share of accesses. */
export interface CurvePoint {
  entries: number;
  bytes: number;
  missRatio: number;
}

/** The hit ratios `sizeFor` answers. */
export const SIZE_FOR_HIT_RATIOS = [0.5, 0.8, 0.9, 0.95, 0.99] as const;

/** The size an LRU needs for a hit ratio; null entries when no size reaches it (cold misses cap the hit ratio). */
export interface SizeFor {
  hitRatio: number;
  entries: number | null;
  bytes: number | null;
}

/** Points per doubling of the size axis: enough for a smooth chart, few enough for a result file. */
const POINTS_PER_OCTAVE = 4;

/**
 * The curve at sizes 1, 2^(1/4), ... up to where it stops changing (the largest distance seen, at
 * least `atLeast`), plus every size in `include` (the configured one). Pure.
 */
export function curvePoints(histogram: DistanceHistogram, bytesPerEntry: number, options: { atLeast?: number; include?: readonly number[] } = {}): CurvePoint[] {
  const top = Math.max(1, histogram.maxDistance(), options.atLeast ?? 1);
  const sizes = new Set<number>();
  for (let k = 0; ; k++) {
    const size = Math.round(2 ** (k / POINTS_PER_OCTAVE));
    sizes.add(Math.min(size, top));
    if (size >= top) break;
  }
  for (const size of options.include ?? []) if (size >= 1) sizes.add(Math.round(size));
  return [...sizes]
    .sort((a, b) => a - b)
    .map((entries) => ({ entries, bytes: Math.round(entries * bytesPerEntry), missRatio: round6(histogram.missRatioAt(entries)) }));
}

/**
 * The smallest size whose hit ratio reaches each target, by bisection on the histogram (hits only
 * grow with size). Pure.
 */
export function sizesFor(histogram: DistanceHistogram, bytesPerEntry: number, targets: readonly number[] = SIZE_FOR_HIT_RATIOS): SizeFor[] {
  const top = Math.max(1, histogram.maxDistance());
  const hitRatioAt = (entries: number) => (histogram.total === 0 ? 0 : histogram.hitsAt(entries) / histogram.total);
  return targets.map((hitRatio) => {
    if (hitRatioAt(top) + 1e-12 < hitRatio) return { hitRatio, entries: null, bytes: null };
    let low = 1;
    let high = top;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (hitRatioAt(mid) + 1e-12 >= hitRatio) high = mid;
      else low = mid + 1;
    }
    return { hitRatio, entries: low, bytes: Math.round(low * bytesPerEntry) };
  });
}

function round6(x: number): number {
  return Math.round(Math.min(1, Math.max(0, x)) * 1e6) / 1e6;
}
