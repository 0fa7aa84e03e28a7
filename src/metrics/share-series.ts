import type { Trace } from '../cascade/trace.js';

/** Counts of one bucket of the served-from-cache series. */
export interface ShareCounts {
  requests: number[];
  /** Requests served by the local tier or Redis (the timeline's localHits + redisHits). */
  cached: number[];
  local: number[];
  /** Source fetches the requests started (`trace.originCalls`). */
  sourceCalls: number[];
}

export interface ShareSeriesSnapshot extends ShareCounts {
  originUs: number;
  bucketUs: number;
}

/** Finest resolution of the series: a deploy's recovery is often over in well under a second. */
export const SHARE_BUCKET_MS = 50;
/** Past this many buckets, neighbours are merged and the bucket doubles: memory stays flat. */
const MAX_BUCKETS = 16_384;

/**
 * The served-from-cache share over the whole run, warmup included (a cold start begins at traffic
 * start, not at the measured phase), in fine buckets by completion time: what the cold-start
 * metrics are computed from. Four numbers per bucket; a long run coarsens its buckets instead of
 * growing.
 */
export class ShareSeries {
  private bucketUs = SHARE_BUCKET_MS * 1000;
  private originUs = 0;
  private counts: ShareCounts = { requests: [], cached: [], local: [], sourceCalls: [] };

  start(originUs: number): void {
    this.originUs = originUs;
    this.bucketUs = SHARE_BUCKET_MS * 1000;
    this.counts = { requests: [], cached: [], local: [], sourceCalls: [] };
  }

  record(trace: Trace, endUs: number): void {
    let index = Math.max(0, Math.floor((endUs - this.originUs) / this.bucketUs));
    while (index >= MAX_BUCKETS) {
      this.coarsen();
      index = Math.floor(index / 2);
    }
    const c = this.counts;
    while (c.requests.length <= index) {
      c.requests.push(0);
      c.cached.push(0);
      c.local.push(0);
      c.sourceCalls.push(0);
    }
    const { local, redis } = trace.outcome;
    const localHit = local === 'hit' || local === 'stale';
    c.requests[index]!++;
    if (localHit) c.local[index]!++;
    if (localHit || redis === 'hit' || redis === 'stale') c.cached[index]!++;
    c.sourceCalls[index]! += trace.originCalls;
  }

  snapshot(): ShareSeriesSnapshot {
    const c = this.counts;
    return { originUs: this.originUs, bucketUs: this.bucketUs, requests: [...c.requests], cached: [...c.cached], local: [...c.local], sourceCalls: [...c.sourceCalls] };
  }

  private coarsen(): void {
    const merge = (values: number[]) => Array.from({ length: Math.ceil(values.length / 2) }, (_, i) => values[2 * i]! + (values[2 * i + 1] ?? 0));
    const c = this.counts;
    this.counts = { requests: merge(c.requests), cached: merge(c.cached), local: merge(c.local), sourceCalls: merge(c.sourceCalls) };
    this.bucketUs *= 2;
  }
}
