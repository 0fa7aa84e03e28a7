import { createRng, nextInt } from '../workload/rng.js';

/**
 * The noise method of `fcbench compare` with 3 or more results a side: a percentile bootstrap
 * confidence interval of the difference in medians (candidate - baseline) of per-trial values.
 *
 * Why this and not Mann-Whitney U: with 3 trials a side, the smallest two-sided U-test p-value is
 * 0.1, so at the usual 0.05 it can never call anything clear, and CI users run 3 trials, not 10. The
 * bootstrap interval works at n = 3 (there it amounts to "the two sides' ranges do not overlap",
 * which is the honest claim three trials support) and tightens as trials are added. It is also in
 * the metric's own unit, so the output can show it next to the change. Medians, because one trial
 * hit by a noisy neighbour must not drag the centre.
 *
 * Deterministic: resampling draws from fcbench's seeded xoshiro128** stream, forked per metric, so
 * the same inputs give the same interval on every machine.
 */

/** Resamples per interval: 2,000 puts the 2.5% / 97.5% quantiles within ~0.5 percentile points. */
export const BOOTSTRAP_RESAMPLES = 2000;
/** Two-sided confidence of the interval. */
export const BOOTSTRAP_CONFIDENCE = 0.95;
/** Fixed seed: compare runs are reproducible, never Math.random. */
export const BOOTSTRAP_SEED = 1_729;
/** Fewest results on each side for the bootstrap; below it the tolerance alone decides. */
export const MIN_TRIALS_FOR_STATISTICS = 3;

/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface BootstrapInterval {
  /** median(candidate) - median(baseline) of the data as given. */
  estimate: number;
  low: number;
  high: number;
}

export interface BootstrapOptions {
  /** @default BOOTSTRAP_RESAMPLES */
  resamples?: number;
  /** @default BOOTSTRAP_CONFIDENCE */
  confidence?: number;
  /** Names the metric, so each metric draws its own stream whatever the order they are compared in. */
  label?: string;
  /** @default BOOTSTRAP_SEED */
  seed?: number;
}

function resampledMedian(values: readonly number[], draw: (n: number) => number, scratch: number[]): number {
  for (let i = 0; i < values.length; i++) scratch[i] = values[draw(values.length)]!;
  return median(scratch);
}

/** Percentile bootstrap interval of median(candidate) - median(baseline). */
export function bootstrapMedianDifference(
  baseline: readonly number[],
  candidate: readonly number[],
  options: BootstrapOptions = {},
): BootstrapInterval {
  if (baseline.length === 0 || candidate.length === 0) throw new RangeError('bootstrap needs values on both sides');
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const confidence = options.confidence ?? BOOTSTRAP_CONFIDENCE;
  const rng = createRng(options.seed ?? BOOTSTRAP_SEED).fork(options.label ?? '');
  const draw = (n: number) => nextInt(rng, n);
  const baseScratch = new Array<number>(baseline.length);
  const candScratch = new Array<number>(candidate.length);
  const differences = new Float64Array(resamples);
  for (let i = 0; i < resamples; i++) {
    differences[i] = resampledMedian(candidate, draw, candScratch) - resampledMedian(baseline, draw, baseScratch);
  }
  differences.sort();
  const tail = (1 - confidence) / 2;
  const lowIndex = Math.floor(tail * resamples);
  const highIndex = Math.min(resamples - 1, Math.ceil((1 - tail) * resamples) - 1);
  return { estimate: median(candidate) - median(baseline), low: differences[lowIndex]!, high: differences[highIndex]! };
}
