import { badInput } from '../errors.js';
import { nextInt } from './rng.js';
import type { KeySampler, Rng } from './types.js';

/**
 * Hotspot: the first `hotCount` entities (0..hotCount-1) receive `hotShare` of the requests,
 * the rest share what is left; uniform within each group. Hot keys are the lowest indexes so
 * `hottestEntities` can name them without a table.
 */
export class HotspotSampler implements KeySampler {
  readonly n: number;
  /** Number of hot entities: round(hotFraction * n), at least 1, at most n. */
  readonly hotCount: number;
  readonly hotShare: number;

  constructor(n: number, hotFraction: number, hotShare: number) {
    if (!Number.isInteger(n) || n < 1) throw badInput(`hotspot: entities must be an integer >= 1, got ${String(n)}`);
    if (!(hotFraction > 0 && hotFraction <= 1)) {
      throw badInput(`hotspot: hotFraction must be in (0, 1], got ${String(hotFraction)}`);
    }
    if (!(hotShare >= 0 && hotShare <= 1)) {
      throw badInput(`hotspot: hotShare must be in [0, 1], got ${String(hotShare)}`);
    }
    this.n = n;
    this.hotCount = Math.min(n, Math.max(1, Math.round(hotFraction * n)));
    this.hotShare = hotShare;
  }

  next(rng: Rng): number {
    const coldCount = this.n - this.hotCount;
    // With no cold keys every request is hot whatever hotShare says.
    if (coldCount === 0 || rng.next() < this.hotShare) return nextInt(rng, this.hotCount);
    return this.hotCount + nextInt(rng, coldCount);
  }
}
