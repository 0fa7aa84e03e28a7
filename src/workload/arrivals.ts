import { badInput } from '../errors.js';
import type { Rng } from './types.js';

/** How open-loop requests arrive: evenly spaced, or as a Poisson process (exponential gaps). */
export type ArrivalKind = 'constant' | 'poisson';

/** An arrival schedule: the open-loop driver adds gaps to compute each request's intended start. */
export interface Arrivals {
  readonly kind: ArrivalKind;
  readonly ratePerSec: number;
  /** Microseconds from the previous arrival to the next one (float; mean 1e6 / ratePerSec). */
  nextGapUs(): number;
}

/**
 * Creates an arrival schedule. `constant` ignores `rng`; `poisson` draws gap = ln(1 / (1 - u)) * mean:
 * 1 - u is in (0, 1], so the gap is finite and >= 0 (written this way round so u = 0 gives +0, not -0).
 */
export function createArrivals(kind: ArrivalKind, ratePerSec: number, rng: Rng): Arrivals {
  if (!Number.isFinite(ratePerSec) || ratePerSec <= 0) {
    throw badInput(`load.rate: must be a finite number of requests per second > 0, got ${String(ratePerSec)}`);
  }
  const meanGapUs = 1e6 / ratePerSec;
  switch (kind) {
    case 'constant':
      return { kind, ratePerSec, nextGapUs: () => meanGapUs };
    case 'poisson':
      return { kind, ratePerSec, nextGapUs: () => Math.log(1 / (1 - rng.next())) * meanGapUs };
    default: {
      const unknown: never = kind;
      throw badInput(`load.arrivals: must be 'constant' or 'poisson', got ${JSON.stringify(unknown)}`);
    }
  }
}
