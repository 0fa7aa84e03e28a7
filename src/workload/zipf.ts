import { badInput } from '../errors.js';
import type { KeySampler, Rng } from './types.js';

/**
 * Zipf sampler by rejection-inversion (W. Hörmann & G. Derflinger, "Rejection-inversion to
 * generate variates from monotone discrete distributions", ACM TOMACS 6(3), 1996).
 *
 * Ranks k = 1..n with weight h(k) = k^-s. H is an antiderivative of h; the interval
 * [H(k + 1/2) - h(k), H(k + 1/2)] has length h(k) exactly, and because h is convex and decreasing
 * these intervals sit side by side without overlap inside [H(3/2) - 1, H(n + 1/2)]. Drawing u
 * uniformly there, x = H^-1(u), k = round(x): k is accepted when u falls in its interval, which
 * happens with probability proportional to h(k). Set-up and expected time per sample are O(1)
 * for any n and any s > 0; the rejection rate stays small (a few percent at worst).
 *
 * Near s = 1 the closed forms (x^(1-s) - 1) / (1-s) and (1 + (1-s) y)^(1/(1-s)) lose all precision
 * (1 + tiny rounds to 1). Written as expm1((1-s) ln x) / (1-s) and exp(log1p((1-s) y) / (1-s)) they
 * stay accurate to the last bits for any 1-s != 0, because expm1 and log1p are accurate for tiny
 * arguments; s = 1 exactly takes the limits ln x and e^y. So the sampler is continuous through s = 1.
 *
 * Resolution: u comes from one 32-bit draw, so a rank whose probability is below ~2^-32 of the
 * interval (only deep in the tail of huge key spaces, e.g. n > 1e8 at s = 1.2) is hit in whole grid
 * steps. Aggregate tail mass stays right; only single far-tail keys are quantised.
 */

/** Largest rank count we accept: ranks must stay exact integers in a double. */
const MAX_RANKS = 2 ** 48;

/** Cells of the rank table over the sampling interval (see `ZipfSampler.rankTable`). */
export const ZIPF_TABLE_CELLS = 2 ** 14;
/**
 * How far, as a share of the sampling interval, a cell's ends must stay from a rank boundary
 * for the cell to be given that rank: many orders of magnitude above the rounding error of
 * H^-1 (a few ulps), so every u in the cell rounds to that rank as the formula would.
 */
const TABLE_MARGIN = 1e-7;

export class ZipfSampler implements KeySampler {
  readonly n: number;
  readonly exponent: number;
  private readonly oneMinusS: number;
  private readonly invOneMinusS: number;
  /** s == 1 exactly: H is the logarithm (the harmonic case). */
  private readonly harmonic: boolean;
  /** H(3/2) - h(1): lower end of the sampling interval. */
  private readonly hLow: number;
  /** H(n + 1/2): upper end of the sampling interval. */
  private readonly hHigh: number;
  /** Squeeze: any k >= 2 with k - x <= squeeze is inside its interval, no H(k + 1/2) needed. */
  private readonly squeeze: number;
  /**
   * The rank table, built on the first draw: per cell of the sampling interval the rank k that
   * every u in it rounds to (0 when the cell holds a rank boundary, or lies near one), and per such
   * rank the lower end of its acceptance interval, H(k + 1/2) - h(k), computed as `next` computes
   * it. A u in a ranked cell at or above that end is accepted as k by the formula too (its second
   * test passes, whatever the squeeze says), so the table returns k without the exp and log1p of
   * H^-1; any other u takes the formula. Same draws, same ranks; the hot ranks, which take most
   * draws, span many cells each (66-79% of draws at zipf 1.0-1.2 on 20k-100k keys, 44% at 0.99
   * on 1M). 32 KB of cells, so it stays in cache next to a simulation's own arrays: 4x the cells
   * covered ~10% more draws and ran no faster there.
   */
  private cells: Uint16Array | null = null;
  private acceptFrom: Float64Array | null = null;
  private cellScale = 0;

  constructor(n: number, exponent: number) {
    if (!Number.isInteger(n) || n < 1 || n > MAX_RANKS) {
      throw badInput(`zipf: entities must be an integer in [1, 2^48], got ${String(n)}`);
    }
    if (!Number.isFinite(exponent) || exponent <= 0) {
      throw badInput(`zipf: exponent must be a finite number > 0, got ${String(exponent)}`);
    }
    this.n = n;
    this.exponent = exponent;
    this.oneMinusS = 1 - exponent;
    this.harmonic = this.oneMinusS === 0;
    this.invOneMinusS = this.harmonic ? 0 : 1 / this.oneMinusS;
    this.hLow = this.bigH(1.5) - 1;
    this.hHigh = this.bigH(n + 0.5);
    this.squeeze = 2 - this.bigHInverse(this.bigH(2.5) - this.h(2));
  }

  private rankTable(): void {
    const table = buildRankTable(
      this.n,
      this.hLow,
      this.hHigh,
      (x) => this.bigH(x),
      (y) => this.bigHInverse(y),
      (x) => this.h(x),
    );
    this.cells = table.cells;
    this.acceptFrom = table.acceptFrom;
    this.cellScale = table.scale;
  }

  /** h(x) = x^-s, computed as exp(-s ln x) for speed and consistency with H. */
  private h(x: number): number {
    return Math.exp(-this.exponent * Math.log(x));
  }

  /** H(x) = (x^(1-s) - 1) / (1 - s), or ln x when s = 1. */
  private bigH(x: number): number {
    const logX = Math.log(x);
    return this.harmonic ? logX : Math.expm1(this.oneMinusS * logX) * this.invOneMinusS;
  }

  /** H^-1(y) = (1 + (1-s) y)^(1/(1-s)), or e^y when s = 1. */
  private bigHInverse(y: number): number {
    if (this.harmonic) return Math.exp(y);
    let t = y * this.oneMinusS;
    // For s > 1, H is bounded by 1/(s-1); rounding can push t a hair below -1.
    if (t < -1) t = -1;
    return Math.exp(Math.log1p(t) * this.invOneMinusS);
  }

  /** A rank in [0, n): rank 0 is the most popular. */
  next(rng: Rng): number {
    const n = this.n;
    if (n === 1) return 0;
    if (this.cells === null) this.rankTable();
    const cells = this.cells!;
    const acceptFrom = this.acceptFrom!;
    const hLow = this.hLow;
    const scale = this.cellScale;
    for (;;) {
      const u = this.hHigh + rng.next() * (this.hLow - this.hHigh);
      const ranked = cells[((u - hLow) * scale) | 0]!;
      if (ranked !== 0 && u >= acceptFrom[ranked]!) return ranked - 1;
      const x = this.bigHInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > n) k = n;
      if (k - x <= this.squeeze || u >= this.bigH(k + 0.5) - this.h(k)) return k - 1;
    }
  }
}

/**
 * See `ZipfSampler.cells`. A cell is given rank k only when its ends, widened by the margin,
 * round to k and lie strictly between H(k - 1/2) and H(k + 1/2) as computed here.
 */
function buildRankTable(
  n: number,
  hLow: number,
  hHigh: number,
  bigH: (x: number) => number,
  bigHInverse: (y: number) => number,
  h: (x: number) => number,
): { cells: Uint16Array; acceptFrom: Float64Array; scale: number } {
  const range = hHigh - hLow;
  const width = range / ZIPF_TABLE_CELLS;
  const margin = range * TABLE_MARGIN;
  // One more cell than the interval has: u = hHigh lands there, and it stays 0 (the formula).
  const cells = new Uint16Array(ZIPF_TABLE_CELLS + 1);
  let maxRank = 0;
  for (let c = 0; c < ZIPF_TABLE_CELLS; c++) {
    const lo = hLow + c * width - margin;
    const hi = hLow + (c + 1) * width + margin;
    const k = Math.floor(bigHInverse(lo) + 0.5);
    if (k < 1 || k > n || k > 0xffff || Math.floor(bigHInverse(hi) + 0.5) !== k) continue;
    if (!(lo > (k === 1 ? hLow - range : bigH(k - 0.5)) && hi < bigH(k + 0.5))) continue;
    cells[c] = k;
    if (k > maxRank) maxRank = k;
  }
  const acceptFrom = new Float64Array(maxRank + 1);
  for (let k = 1; k <= maxRank; k++) acceptFrom[k] = bigH(k + 0.5) - h(k);
  return { cells, acceptFrom, scale: ZIPF_TABLE_CELLS / range };
}

/** Zipf over ranks 0..n-1 with P(rank k) proportional to 1 / (k+1)^exponent; exponent > 0. */
export function createZipfSampler(n: number, exponent: number): ZipfSampler {
  return new ZipfSampler(n, exponent);
}
