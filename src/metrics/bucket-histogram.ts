import { createHistogram, HISTOGRAM_HIGHEST_US, HISTOGRAM_SIGNIFICANT_DIGITS, type HistogramOptions, type LatencyHistogram, type MicrosHistogram } from './histogram.js';
import type { LatencySummary } from '../results/result-types.js';

/**
 * A microsecond histogram in plain JavaScript with the HDR histogram's buckets (the same
 * parameters as `createHistogram`: 1 µs .. 1 hour, 2 or 3 significant digits), for a simulation
 * that records millions of values a second: a record is a clz, a shift and an increment in a
 * Float64Array, where the WebAssembly histogram pays for the AssemblyScript loader's argument
 * handling on every call. Percentiles are computed over the counts with the HDR rules; the
 * summary and encoding go through a real HDR histogram filled from the counts (each bucket's
 * lowest value with its count), so they are the HDR histogram's own, bucket for bucket.
 */
export class BucketHistogram implements MicrosHistogram {
  readonly significantDigits: 2 | 3;
  private readonly counts: Float64Array;
  /** log2 of half the sub-buckets per bucket (HDR's subBucketHalfCountMagnitude). */
  private readonly halfMagnitude: number;
  private readonly halfCount: number;
  private total = 0;
  private clamped = 0;
  /** The lowest and highest index counted since the last reset (scans and resets stay in between). */
  private lowIndex = Number.POSITIVE_INFINITY;
  private highIndex = -1;

  constructor(options?: HistogramOptions) {
    const digits = options?.significantDigits ?? HISTOGRAM_SIGNIFICANT_DIGITS;
    if (digits !== 2 && digits !== 3) throw new RangeError(`BucketHistogram: significantDigits must be 2 or 3, got ${digits}`);
    this.significantDigits = digits;
    // HDR's layout for a lowest discernible value of 1 (unit magnitude 0).
    const subBucketCountMagnitude = Math.ceil(Math.log2(2 * 10 ** digits));
    this.halfMagnitude = subBucketCountMagnitude - 1;
    this.halfCount = 2 ** this.halfMagnitude;
    let smallestUntrackable = 2 ** subBucketCountMagnitude;
    let buckets = 1;
    while (smallestUntrackable <= HISTOGRAM_HIGHEST_US) {
      smallestUntrackable *= 2;
      buckets++;
    }
    this.counts = new Float64Array((buckets + 1) * this.halfCount);
  }

  /** Records one value in µs, rounded and clamped as `LatencyHistogram.record`. */
  record(valueUs: number): void {
    let v = Math.round(valueUs);
    if (!(v >= 0)) {
      v = 0;
      this.clamped++;
    } else if (v > HISTOGRAM_HIGHEST_US) {
      v = HISTOGRAM_HIGHEST_US;
      this.clamped++;
    }
    const i = this.indexOf(v);
    this.counts[i]!++;
    this.total++;
    if (i < this.lowIndex) this.lowIndex = i;
    if (i > this.highIndex) this.highIndex = i;
  }

  /** Records `count` values of `valueUs`, as `LatencyHistogram.recordCount`. */
  recordCount(valueUs: number, count: number): void {
    if (count <= 0) return;
    let v = Math.round(valueUs);
    if (!(v >= 0)) {
      v = 0;
      this.clamped += count;
    } else if (v > HISTOGRAM_HIGHEST_US) {
      v = HISTOGRAM_HIGHEST_US;
      this.clamped += count;
    }
    const i = this.indexOf(v);
    this.counts[i]! += count;
    this.total += count;
    if (i < this.lowIndex) this.lowIndex = i;
    if (i > this.highIndex) this.highIndex = i;
  }

  get count(): number {
    return this.total;
  }

  get clampedCount(): number {
    return this.clamped;
  }

  /** The HDR histogram's `getValueAtPercentile` over these counts, µs; 0 when empty. */
  valueAtPercentileUs(percentile: number): number {
    if (this.total === 0) return 0;
    const requested = Math.min(percentile, 100);
    const fpCount = (requested / 100) * this.total;
    // HDR rounds up, less one ulp so that floating-point error never skips a count.
    const countAtPercentile = Math.max(Math.ceil(fpCount - 2 ** (Math.floor(Math.log2(fpCount)) - 52)), 1);
    const counts = this.counts;
    let running = 0;
    for (let i = this.lowIndex; i <= this.highIndex; i++) {
      running += counts[i]!;
      if (running >= countAtPercentile) {
        const lowest = this.valueFromIndex(i);
        return percentile === 0 ? lowest : lowest + this.rangeSize(i) - 1;
      }
    }
    return 0;
  }

  get maxUs(): number {
    return this.valueAtPercentileUs(100);
  }

  /** Adds the counts of `other`, a BucketHistogram of the same precision (`other` is unchanged). */
  merge(other: MicrosHistogram): void {
    if (!(other instanceof BucketHistogram) || other.significantDigits !== this.significantDigits) {
      throw new TypeError('BucketHistogram.merge: only another BucketHistogram of the same precision');
    }
    for (let i = other.lowIndex; i <= other.highIndex; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.clamped += other.clamped;
    if (other.lowIndex < this.lowIndex) this.lowIndex = other.lowIndex;
    if (other.highIndex > this.highIndex) this.highIndex = other.highIndex;
  }

  reset(): void {
    if (this.highIndex >= 0) this.counts.fill(0, this.lowIndex, this.highIndex + 1);
    this.total = 0;
    this.clamped = 0;
    this.lowIndex = Number.POSITIVE_INFINITY;
    this.highIndex = -1;
  }

  /** The same counts in an HDR histogram (the caller destroys it). */
  toHistogram(): LatencyHistogram {
    const h = createHistogram({ significantDigits: this.significantDigits });
    const counts = this.counts;
    for (let i = this.lowIndex; i <= this.highIndex; i++) {
      const n = counts[i]!;
      if (n > 0) h.recordCount(this.valueFromIndex(i), n);
    }
    return h;
  }

  encode(): string {
    if (this.total === 0) return '';
    return this.withHistogram((h) => h.encode());
  }

  summary(): LatencySummary {
    return this.withHistogram((h) => h.summary());
  }

  /** Nothing to free (plain JS memory); here so either histogram can be handled the same way. */
  destroy(): void {}

  private withHistogram<T>(read: (h: LatencyHistogram) => T): T {
    const h = this.toHistogram();
    try {
      return read(h);
    } finally {
      h.destroy();
    }
  }

  /** HDR's countsArrayIndex for an integer 0 <= v < 2^32 (unit magnitude 0). */
  private indexOf(v: number): number {
    // floor(log2 v) - halfMagnitude; at or below 0 it is bucket 0, whose index is the value (v = 0 too).
    const bucket = 31 - Math.clz32(v) - this.halfMagnitude;
    if (bucket <= 0) return v;
    // Shifts, not a division by 2 ** bucket (a Math.pow call): v < 2^32, so >>> is exact.
    return (bucket << this.halfMagnitude) + (v >>> bucket);
  }

  /** The lowest value of index `i`'s bucket (HDR's valueFromIndex). */
  private valueFromIndex(i: number): number {
    let bucket = (i >> this.halfMagnitude) - 1;
    let sub = (i & (this.halfCount - 1)) + this.halfCount;
    if (bucket < 0) {
      sub -= this.halfCount;
      bucket = 0;
    }
    return sub * 2 ** bucket;
  }

  /** How many values index `i`'s bucket spans (HDR's sizeOfEquivalentValueRange). */
  private rangeSize(i: number): number {
    return 2 ** Math.max(0, (i >> this.halfMagnitude) - 1);
  }
}

/** A new {@link BucketHistogram} (the factory the simulation hands to the recorder's parts). */
export function createBucketHistogram(options?: HistogramOptions): BucketHistogram {
  return new BucketHistogram(options);
}
