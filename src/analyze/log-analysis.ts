import { bucketRange, DistanceHistogram } from '../capacity/distance-histogram.js';
import { curvePoints, sizesFor, type SizeFor } from '../capacity/miss-ratio-curve.js';
import { StackDistanceCounter } from '../capacity/stack-distance.js';
import { fitZipf, type ZipfFit } from './zipf-fit.js';
import type { LogRecord } from './log-reader.js';

/**
 * What a request log says about a cache: its size, its skew (a Zipf fit and the traffic shares
 * of the head), its exact LRU miss-ratio curve, and with timestamps its rate over time and how
 * long keys wait to be requested again. One pass; memory is the key index (a count, a last time
 * and a stack-distance slot per distinct key) plus fixed-size histograms. Pure: records in,
 * a plain object out.
 */
export interface LogAnalysis {
  requests: number;
  uniqueKeys: number;
  zipf: ZipfFit | null;
  /** Keys requested exactly once, and their share of the distinct keys. */
  oneHitWonders: { keys: number; ratio: number };
  /** Share of all requests that go to the hottest 1% and 10% of keys, and to the hottest 100. */
  topShare: { top1Percent: number; top10Percent: number; top100: number };
  /** The exact LRU curve; `bytes` only when a value size was given. */
  mrc: Array<{ entries: number; missRatio: number; bytes?: number }>;
  sizeFor: SizeFor[];
  /** Rank-frequency points at log-spaced ranks (for the chart): [rank, observed count, fitted count | null]. */
  rankFrequency: Array<[number, number, number | null]>;
  /** Null for a log without timestamps. */
  time: TimeAnalysis | null;
}

export interface TimeAnalysis {
  firstMs: number;
  lastMs: number;
  spanMs: number;
  meanPerSecond: number;
  /** Highest bucket rate. */
  peakPerSecond: number;
  bucketMs: number;
  /** Requests per second per bucket, from `firstMs`. */
  rate: Array<{ tMs: number; perSecond: number }>;
  /** Lines whose time is before the previous line's (reuse times count them as 0). */
  outOfOrder: number;
  /** Time from a request to the previous request of the same key. */
  reuse: { count: number; p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number };
  /**
   * For a TTL t, the share of repeat requests that came within t of the key's previous request:
   * an upper bound on what a cache with that TTL can serve (a longer wait finds the value expired).
   */
  reuseWithin: Array<{ ttlMs: number; share: number }>;
}

/** TTLs the reuse table answers for. */
export const REUSE_TTLS_MS = [1_000, 10_000, 60_000, 300_000, 900_000, 3_600_000, 86_400_000] as const;
/** At most this many rate buckets: the bucket width doubles when a log spans more. */
const MAX_RATE_BUCKETS = 2048;
const RATE_POINTS = 240;

interface KeyStat {
  count: number;
  lastMs: number;
}

export interface LogAnalyzer {
  add(record: LogRecord): void;
  readonly requests: number;
  finish(options?: { valueBytes?: number }): LogAnalysis;
}

export function createLogAnalyzer(): LogAnalyzer {
  const keys = new Map<string, KeyStat>();
  const stack = new StackDistanceCounter();
  const reuse = new DistanceHistogram();
  let requests = 0;
  let firstMs = Infinity;
  let lastMs = -Infinity;
  let previousMs = -Infinity;
  let outOfOrder = 0;
  let timed = false;
  let bucketMs = 1000;
  let rateOrigin = NaN;
  let rateBuckets = new Map<number, number>();

  const countRate = (tsMs: number): void => {
    if (Number.isNaN(rateOrigin)) rateOrigin = tsMs;
    // Buckets are kept relative to the first time seen; earlier lines (out of order) fold into bucket 0.
    const bucket = Math.max(0, Math.floor((tsMs - rateOrigin) / bucketMs));
    rateBuckets.set(bucket, (rateBuckets.get(bucket) ?? 0) + 1);
    if (rateBuckets.size > MAX_RATE_BUCKETS) {
      bucketMs *= 2;
      const merged = new Map<number, number>();
      for (const [b, n] of rateBuckets) merged.set(b >> 1, (merged.get(b >> 1) ?? 0) + n);
      rateBuckets = merged;
    }
  };

  return {
    get requests() {
      return requests;
    },
    add(record) {
      requests++;
      stack.access(record.key);
      let stat = keys.get(record.key);
      const ts = record.tsMs;
      if (stat === undefined) {
        stat = { count: 0, lastMs: ts ?? 0 };
        keys.set(record.key, stat);
      } else if (ts !== null) {
        reuse.add(Math.max(1, ts - stat.lastMs));
      }
      stat.count++;
      if (ts !== null) {
        timed = true;
        stat.lastMs = ts;
        if (ts < previousMs) outOfOrder++;
        previousMs = ts;
        if (ts < firstMs) firstMs = ts;
        if (ts > lastMs) lastMs = ts;
        countRate(ts);
      }
    },
    finish(options = {}) {
      const counts = new Float64Array(keys.size);
      let i = 0;
      let once = 0;
      for (const stat of keys.values()) {
        counts[i++] = stat.count;
        if (stat.count === 1) once++;
      }
      counts.sort().reverse();
      const zipf = fitZipf(counts);
      const bytes = options.valueBytes;
      const mrc = curvePoints(stack.histogram, bytes ?? 0).map((p) => (bytes === undefined ? { entries: p.entries, missRatio: p.missRatio } : p));
      const sizeFor = sizesFor(stack.histogram, bytes ?? 0).map((s) => (bytes === undefined ? { ...s, bytes: null } : s));
      return {
        requests,
        uniqueKeys: keys.size,
        zipf,
        oneHitWonders: { keys: once, ratio: keys.size === 0 ? 0 : round6(once / keys.size) },
        topShare: {
          top1Percent: headShare(counts, Math.ceil(keys.size * 0.01), requests),
          top10Percent: headShare(counts, Math.ceil(keys.size * 0.1), requests),
          top100: headShare(counts, 100, requests),
        },
        mrc,
        sizeFor,
        rankFrequency: rankFrequency(counts, zipf),
        time: timed ? timeAnalysis() : null,
      };

      function timeAnalysis(): TimeAnalysis {
        const spanMs = Math.max(0, lastMs - firstMs);
        const last = Math.max(0, ...rateBuckets.keys());
        const rate: Array<{ tMs: number; perSecond: number }> = [];
        // Bucket widths of the final bucketMs, regrouped so the chart has at most RATE_POINTS points.
        const group = Math.max(1, Math.ceil((last + 1) / RATE_POINTS));
        let peak = 0;
        const endMs = lastMs + 1 - rateOrigin;
        for (let b = 0; b <= last; b += group) {
          let n = 0;
          for (let k = b; k < b + group; k++) n += rateBuckets.get(k) ?? 0;
          // The log ends inside the last point: its rate is over the time it covers, and a sliver
          // (under half a point) is left out rather than drawn as a dip or a spike.
          const coveredMs = Math.min(group * bucketMs, endMs - b * bucketMs);
          if (rate.length > 0 && coveredMs < (group * bucketMs) / 2) break;
          const perSecond = (n * 1000) / Math.max(1, coveredMs);
          peak = Math.max(peak, perSecond);
          rate.push({ tMs: b * bucketMs, perSecond: round3(perSecond) });
        }
        return {
          firstMs,
          lastMs,
          spanMs,
          meanPerSecond: round3(spanMs > 0 ? (requests * 1000) / spanMs : requests),
          peakPerSecond: round3(peak),
          bucketMs: bucketMs * group,
          rate,
          outOfOrder,
          reuse: {
            count: reuse.total,
            p50Ms: quantile(reuse, 0.5),
            p90Ms: quantile(reuse, 0.9),
            p99Ms: quantile(reuse, 0.99),
            maxMs: reuse.maxDistance(),
          },
          reuseWithin: REUSE_TTLS_MS.map((ttlMs) => ({ ttlMs, share: reuse.total === 0 ? 0 : round6(reuse.hitsAt(ttlMs) / reuse.total) })),
        };
      }
    },
  };
}

function headShare(sortedCounts: Float64Array, head: number, requests: number): number {
  let sum = 0;
  const n = Math.min(head, sortedCounts.length);
  for (let r = 0; r < n; r++) sum += sortedCounts[r]!;
  return requests === 0 ? 0 : round6(sum / requests);
}

/** Observed counts at ranks 1, 2, 3, ... spaced 8 per decade, with the fit's expected count where the fit reaches. */
function rankFrequency(sortedCounts: Float64Array, zipf: ZipfFit | null): Array<[number, number, number | null]> {
  const points: Array<[number, number, number | null]> = [];
  let harmonic = 0;
  if (zipf !== null) for (let r = 1; r <= zipf.ranks; r++) harmonic += r ** -zipf.exponent;
  let previous = 0;
  for (let k = 0; ; k++) {
    const rank = Math.min(sortedCounts.length, Math.round(10 ** (k / 8)));
    if (rank > previous) {
      const fitted = zipf !== null && rank <= zipf.ranks ? round3((zipf.requests * rank ** -zipf.exponent) / harmonic) : null;
      points.push([rank, sortedCounts[rank - 1]!, fitted]);
      previous = rank;
    }
    if (rank >= sortedCounts.length) break;
  }
  return points;
}

/** Upper edge of the bucket where the cumulative count reaches q of the total; 0 when empty. */
function quantile(histogram: DistanceHistogram, q: number): number {
  if (histogram.total === 0) return 0;
  const target = q * histogram.total;
  let sum = 0;
  for (let b = 1; b < histogram.counts.length; b++) {
    sum += histogram.counts[b]!;
    if (sum >= target) return bucketRange(b)[1];
  }
  return histogram.maxDistance();
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
