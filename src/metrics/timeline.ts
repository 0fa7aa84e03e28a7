import type { Trace } from '../cascade/trace.js';
import type { TimelineBucket } from '../results/result-types.js';
import { createHistogram, type HistogramFactory, type MicrosHistogram } from './histogram.js';
import type { LocalHitBatch } from './local-hit-batch.js';
import type { RedisHitBatch } from './redis-hit-batch.js';

/**
 * Per-bucket counts and p99, by completion time. Requests are recorded in completion order, so
 * buckets close in order and one histogram, reset at each rollover, serves them all: memory is one
 * small object per finished bucket, however many requests there are.
 *
 * Attribution: a request lands in the bucket of its `endUs` (a request completing before the
 * current bucket, which only happens with out-of-order timestamps, lands in the current one);
 * a dropped arrival in the bucket of its `atUs`, same rule. `errors` counts requests that failed
 * or met an error on the way (`trace.errorKind`), so injected errors show up even when a stale
 * value hid them from the caller.
 */
export class Timeline {
  private readonly bucketUs: number;
  private histogram: MicrosHistogram;
  /** The last closed bucket's values, kept so a short trailing bucket can be folded into it. */
  private previous: MicrosHistogram;
  /** Requests in the last closed bucket (its rate times its length, without the float round trip). */
  private previousCount = 0;
  private originUs = 0;
  private index = 0;
  private finished: TimelineBucket[] = [];
  private count = 0;
  private localHits = 0;
  private redisHits = 0;
  private sourceCalls = 0;
  private errors = 0;
  private staleServed = 0;
  private dropped = 0;
  private outdated = 0;
  private uncommitted = 0;

  constructor(bucketMs: number, histogram: HistogramFactory = createHistogram) {
    this.bucketUs = bucketMs * 1000;
    this.histogram = histogram();
    this.previous = histogram();
  }

  start(originUs: number): void {
    this.originUs = originUs;
    this.index = 0;
    this.finished = [];
    this.clearCurrent();
  }

  /** Moves to the bucket of `nowUs`, closing the ones before it. Returns true when a bucket closed. */
  advance(nowUs: number): boolean {
    const target = Math.floor((nowUs - this.originUs) / this.bucketUs);
    if (!(target > this.index)) return false;
    this.close(this.bucketUs);
    // Seconds with no completions still get a row, so the timeline has no silent holes.
    while (this.index < target) this.close(this.bucketUs);
    return true;
  }

  record(trace: Trace, endToEndUs: number): void {
    this.count++;
    this.histogram.record(endToEndUs);
    const { local, redis } = trace.outcome;
    if (local === 'hit' || local === 'stale') this.localHits++;
    if (redis === 'hit' || redis === 'stale') this.redisHits++;
    this.sourceCalls += trace.originCalls;
    if (trace.failed || trace.errorKind !== null) this.errors++;
    if (trace.stale !== false) {
      this.staleServed++;
      if (trace.stale === 'outdated') this.outdated++;
      else if (trace.stale === 'uncommitted') this.uncommitted++;
    }
  }

  /** A batch of fresh local hits, all ending in the current bucket. */
  recordLocalHits(batch: LocalHitBatch): void {
    this.count += batch.total;
    this.localHits += batch.total;
    this.histogram.recordCount(batch.constantUs, batch.constantCount);
    batch.addEndToEndTo(this.histogram);
  }

  /** A batch of plain Redis hits, all ending in the current bucket, their buffered values already flushed (`RedisHitBatch.flushBlock`). */
  recordRedisHits(batch: RedisHitBatch): void {
    this.count += batch.total;
    this.redisHits += batch.total;
    if (batch.bucketEndToEnd.count > 0) this.histogram.merge(batch.bucketEndToEnd);
  }

  recordDropped(): void {
    this.dropped++;
  }

  /** Buckets closed so far (the current one is still open). */
  get closed(): readonly TimelineBucket[] {
    return this.finished;
  }

  /**
   * Closes everything up to `endUs`. Rates are per actual bucket length. A trailing bucket shorter
   * than half a bucket holds little but the drain of requests that arrived in the bucket before (a
   * run ending at 10.008 s has an 8 ms bucket at 10 s): it is folded into that bucket, which then
   * spans both, instead of being drawn as a dip that never happened.
   */
  finish(endUs: number): TimelineBucket[] {
    this.advance(endUs);
    const spanUs = endUs - (this.originUs + this.index * this.bucketUs);
    const last = this.finished.at(-1);
    if (last !== undefined && spanUs < this.bucketUs / 2) {
      if (this.count > 0 || this.dropped > 0) this.foldInto(last, spanUs);
      else if (spanUs > 0) last.durationMs = (this.bucketUs + spanUs) / 1000;
    } else if (spanUs > 0 || this.count > 0 || this.dropped > 0) {
      this.close(spanUs > 0 ? spanUs : this.bucketUs);
    }
    return this.finished;
  }

  destroy(): void {
    this.histogram.destroy();
    this.previous.destroy();
  }

  private foldInto(last: TimelineBucket, spanUs: number): void {
    const lastSpanUs = (last.durationMs ?? this.bucketUs / 1000) * 1000;
    const lastCount = this.previousCount;
    this.previous.merge(this.histogram);
    const totalSpanUs = lastSpanUs + Math.max(0, spanUs);
    last.rps = (lastCount + this.count) / (totalSpanUs / 1e6);
    last.p99 = this.previous.valueAtPercentileUs(99) / 1000;
    last.durationMs = totalSpanUs / 1000;
    last.localHits += this.localHits;
    last.redisHits += this.redisHits;
    last.sourceCalls += this.sourceCalls;
    last.errors += this.errors;
    last.staleServed += this.staleServed;
    last.dropped += this.dropped;
    last.outdated = (last.outdated ?? 0) + this.outdated;
    last.uncommitted = (last.uncommitted ?? 0) + this.uncommitted;
    this.clearCurrent();
  }

  private close(spanUs: number): void {
    this.finished.push({
      t: (this.index * this.bucketUs) / 1e6,
      rps: this.count / (spanUs / 1e6),
      p99: this.histogram.valueAtPercentileUs(99) / 1000,
      ...(spanUs === this.bucketUs ? {} : { durationMs: spanUs / 1000 }),
      localHits: this.localHits,
      redisHits: this.redisHits,
      sourceCalls: this.sourceCalls,
      errors: this.errors,
      staleServed: this.staleServed,
      dropped: this.dropped,
      outdated: this.outdated,
      uncommitted: this.uncommitted,
    });
    this.index++;
    this.previousCount = this.count;
    // The closed bucket's histogram becomes `previous`; the older one is cleared for reuse.
    [this.previous, this.histogram] = [this.histogram, this.previous];
    this.histogram.reset();
    this.clearCurrent();
  }

  private clearCurrent(): void {
    if (this.count > 0) this.histogram.reset();
    this.count = 0;
    this.localHits = 0;
    this.redisHits = 0;
    this.sourceCalls = 0;
    this.errors = 0;
    this.staleServed = 0;
    this.dropped = 0;
    this.outdated = 0;
    this.uncommitted = 0;
  }
}
