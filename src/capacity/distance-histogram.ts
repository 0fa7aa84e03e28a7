/**
 * Counts of LRU stack distances, in buckets: exact up to {@link EXACT_LIMIT}, then
 * {@link BUCKETS_PER_OCTAVE} per doubling (under 1.1% wide), so a curve over a billion keys costs a
 * few thousand numbers, and reading it at any size is a sum. Counts are floats: a sampled
 * (SHARDS) stream adds 1/rate per access.
 */
export const EXACT_LIMIT = 1024;
export const BUCKETS_PER_OCTAVE = 64;
/** Distances up to 2^40: more than any key space fcbench tracks. */
const BUCKETS = EXACT_LIMIT + 1 + BUCKETS_PER_OCTAVE * 30;

/** Upper distance of each log bucket: LOG_EDGES[k] is the largest distance of bucket EXACT_LIMIT + 1 + k. */
const LOG_EDGES = Array.from({ length: BUCKETS - EXACT_LIMIT - 1 }, (_, k) => Math.floor(EXACT_LIMIT * 2 ** ((k + 1) / BUCKETS_PER_OCTAVE)));

/** Bucket of distance d >= 1. */
export function bucketOf(distance: number): number {
  if (distance <= EXACT_LIMIT) return distance;
  // The log gives the bucket to within one; the edge table decides, so bucketOf and bucketRange agree exactly.
  let k = Math.min(LOG_EDGES.length - 1, Math.max(0, Math.floor(BUCKETS_PER_OCTAVE * Math.log2(distance / EXACT_LIMIT))));
  while (k > 0 && distance <= LOG_EDGES[k - 1]!) k--;
  while (k < LOG_EDGES.length - 1 && distance > LOG_EDGES[k]!) k++;
  return EXACT_LIMIT + 1 + k;
}

/** Smallest and largest distance in bucket b (inclusive). */
export function bucketRange(bucket: number): [number, number] {
  if (bucket <= EXACT_LIMIT) return [bucket, bucket];
  const k = bucket - EXACT_LIMIT - 1;
  return [k === 0 ? EXACT_LIMIT + 1 : LOG_EDGES[k - 1]! + 1, LOG_EDGES[k]!];
}

export class DistanceHistogram {
  readonly counts = new Float64Array(BUCKETS);
  /** First accesses (infinite distance): misses at every size. */
  cold = 0;
  total = 0;

  add(distance: number, weight = 1): void {
    this.counts[bucketOf(distance)]! += weight;
    this.total += weight;
  }

  addCold(weight = 1): void {
    this.cold += weight;
    this.total += weight;
  }

  /**
   * Hits an LRU cache of `entries` would have had: accesses with distance <= entries. A bucket
   * the size cuts is counted in proportion (distances spread evenly within it).
   */
  hitsAt(entries: number): number {
    let hits = 0;
    const top = bucketOf(Math.max(1, Math.floor(entries)));
    for (let b = 1; b < top; b++) hits += this.counts[b]!;
    const [low, high] = bucketRange(top);
    const inside = Math.min(high, Math.floor(entries)) - low + 1;
    if (entries >= 1 && inside > 0) hits += (this.counts[top]! * inside) / (high - low + 1);
    return hits;
  }

  missRatioAt(entries: number): number {
    return this.total === 0 ? 0 : 1 - this.hitsAt(entries) / this.total;
  }

  /** Largest distance seen (0 when none): the curve is flat beyond it. */
  maxDistance(): number {
    for (let b = this.counts.length - 1; b > 0; b--) if (this.counts[b]! > 0) return bucketRange(b)[1];
    return 0;
  }
}
