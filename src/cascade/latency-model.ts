import { badInput } from '../errors.js';
import type { Rng } from '../workload/types.js';

/** Simulated fetch latency, ms: fixed, log-normal through a median and a p99, or uniform. */
export type LatencySpec = { fixedMs: number } | { p50Ms: number; p99Ms: number } | { minMs: number; maxMs: number };

/** z of the 99th percentile of the standard normal. */
export const Z_99 = 2.326;

/** A draw of one latency in ms from `rng`. */
export type LatencySampler = (rng: Rng) => number;

function check(path: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw badInput(`source.latency.${path}: must be a duration >= 0 ms, got ${String(value)}`);
  return value;
}

/** Standard normal by Box-Muller; `1 - next()` keeps the log's argument in (0, 1]. */
export function standardNormal(rng: Rng): number {
  const radius = Math.sqrt(-2 * Math.log(1 - rng.next()));
  return radius * Math.cos(2 * Math.PI * rng.next());
}

/**
 * Builds the sampler once (validation and parameters out of the hot path). Log-normal: median
 * p50, `sigma = ln(p99 / p50) / 2.326`, so the p99 lands where asked.
 */
export function createLatencySampler(spec: LatencySpec): LatencySampler {
  if ('fixedMs' in spec) {
    const fixed = check('fixed', spec.fixedMs);
    return () => fixed;
  }
  if ('p50Ms' in spec) {
    const p50 = check('p50', spec.p50Ms);
    const p99 = check('p99', spec.p99Ms);
    if (p99 < p50) throw badInput(`source.latency.p99: must be >= p50 (${p99} ms < ${p50} ms)`);
    if (p50 === 0) return () => 0;
    const mu = Math.log(p50);
    const sigma = Math.log(p99 / p50) / Z_99;
    return (rng) => Math.exp(mu + sigma * standardNormal(rng));
  }
  const min = check('min', spec.minMs);
  const max = check('max', spec.maxMs);
  if (max < min) throw badInput(`source.latency.max: must be >= min (${max} ms < ${min} ms)`);
  return (rng) => min + (max - min) * rng.next();
}
