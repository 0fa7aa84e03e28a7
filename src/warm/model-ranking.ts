import { createKeyChooser, type DistributionSpec } from '../workload/key-chooser.js';
import { HotspotSampler } from '../workload/hotspot.js';
import type { TraceKeys } from '../workload/trace-replay.js';

/**
 * Exact popularity ranks of a scenario's key distribution, without sampling: rank r names the
 * entity the sampler maps rank r to (for a scrambled Zipf, through the same Feistel scramble the
 * chooser uses) and its exact probability. Lazy, so a 10M-entity ranking costs no memory.
 */
export interface Ranking {
  /** Ranks available (the distribution's distinct entities). */
  readonly size: number;
  /** Entity at `rank` (0 = hottest). */
  entityAt(rank: number): string;
  /** Probability that one key draw asks for the entity at `rank`. */
  shareAt(rank: number): number;
}

/** Up to this many terms the Zipf normaliser is summed exactly; above, Euler-Maclaurin (error < 1e-12 relative). */
const EXACT_SUM_LIMIT = 100_000_000;

/** H(n, s) = sum_{k=1..n} k^-s, summed from the smallest term up so rounding stays at the last bits. */
export function generalizedHarmonic(n: number, s: number): number {
  if (n <= EXACT_SUM_LIMIT) {
    let sum = 0;
    for (let k = n; k >= 1; k--) sum += Math.exp(-s * Math.log(k));
    return sum;
  }
  // Exact head, then the integral with end corrections for the tail (k > m).
  const m = 1_000_000;
  let head = 0;
  for (let k = m; k >= 1; k--) head += Math.exp(-s * Math.log(k));
  const integral = s === 1 ? Math.log(n / m) : (Math.pow(n, 1 - s) - Math.pow(m, 1 - s)) / (1 - s);
  const ends = (Math.pow(n, -s) - Math.pow(m, -s)) / 2;
  const derivative = (-s * (Math.pow(n, -s - 1) - Math.pow(m, -s - 1))) / 12;
  return head + integral + ends + derivative;
}

/** The ranking of `spec` over `entities` for `seed`, as the run's key chooser draws them. */
export function modelRanking(spec: DistributionSpec, entities: number, seed: number, trace?: TraceKeys): Ranking {
  const chooser = createKeyChooser(spec, entities, seed, trace ? { trace } : {});
  const size = chooser.size;
  const entityAt = (rank: number): string => {
    const entity = chooser.entityOfRank(rank);
    if (entity === null) throw new RangeError(`rank ${rank} is outside 0..${size - 1}`);
    return entity;
  };
  return { size, entityAt, shareAt: shareFunction(spec, size, trace) };
}

function shareFunction(spec: DistributionSpec, size: number, trace: TraceKeys | undefined): (rank: number) => number {
  switch (spec.kind) {
    case 'zipf':
    case 'latest': {
      const s = spec.exponent;
      const norm = generalizedHarmonic(size, s);
      return (rank) => Math.exp(-s * Math.log(rank + 1)) / norm;
    }
    case 'uniform':
      return () => 1 / size;
    case 'hotspot': {
      const sampler = new HotspotSampler(size, spec.hotFraction, spec.hotShare);
      const cold = size - sampler.hotCount;
      if (cold === 0) return () => 1 / size;
      return (rank) => (rank < sampler.hotCount ? spec.hotShare / sampler.hotCount : (1 - spec.hotShare) / cold);
    }
    case 'trace': {
      if (trace === undefined) throw new Error('modelRanking: a trace distribution needs its parsed trace');
      const chooserOrder = sortedCounts(trace);
      const total = trace.sequence.length;
      return (rank) => (chooserOrder[rank] ?? 0) / total;
    }
  }
}

/** Counts in popularity order (what `tracePositionsByFrequency` sorts by). */
function sortedCounts(trace: TraceKeys): Uint32Array {
  return Uint32Array.from(trace.counts).sort().reverse();
}
