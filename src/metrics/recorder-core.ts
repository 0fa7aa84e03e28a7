import type { HistogramFactory } from './histogram.js';
import { LatencySet } from './latency-set.js';
import { LocalHitBatch } from './local-hit-batch.js';
import type { MetricsSnapshot, MetricsSummary } from './metrics-types.js';
import { RedisHitBatch } from './redis-hit-batch.js';
import { RequestCounters } from './request-counters.js';
import type { StampedeTracker } from './stampede-tracker.js';
import { Timeline } from './timeline.js';

/**
 * What the run's recorder (recorder.ts) and the simulation's (simulate/sim-recorder.ts) share:
 * the parts (counters, latency histograms, timeline, expiry tracking), the measured phase's start,
 * every step but the per-request one, and the summary. They differ in the histograms' kind and in
 * the key type the stampede tracker sees (Redis key strings, or the simulation's integer ids).
 */
export abstract class RecorderCore<Key> {
  protected readonly latency: LatencySet;
  protected readonly timeline: Timeline;
  protected counters = new RequestCounters();
  protected originUs = 0;
  protected lastUs = 0;
  private dropped = 0;

  protected constructor(
    private readonly histogram: HistogramFactory,
    timelineBucketMs: number,
    protected readonly stampede: StampedeTracker<Key>,
  ) {
    this.latency = new LatencySet(histogram);
    this.timeline = new Timeline(timelineBucketMs, histogram);
  }

  /** The measured phase starts at `originUs` (t = 0 of the timeline and events); clears everything. */
  start(originUs: number): void {
    this.originUs = originUs;
    this.lastUs = originUs;
    this.dropped = 0;
    this.counters = new RequestCounters();
    this.latency.reset();
    this.timeline.start(originUs);
    this.stampede.start(originUs);
  }

  recordLocalHits(batch: LocalHitBatch, endUs: number): void {
    if (batch.total === 0) return;
    batch.flushAges();
    this.advance(endUs);
    this.counters.countLocalHits(batch.perReplica);
    this.latency.recordLocalHits(batch);
    this.timeline.recordLocalHits(batch);
    batch.clear();
  }

  localHitBatch(replicas: number, constantUs: number): LocalHitBatch {
    return new LocalHitBatch(replicas, constantUs, this.latency.age, this.histogram);
  }

  /** Plain Redis hits counted by a simulation (`RedisHitBatch`), all ending in the current timeline bucket, the last at `endUs`. */
  recordRedisHits(batch: RedisHitBatch, endUs: number): void {
    if (batch.total === 0) return;
    batch.flushBlock();
    this.advance(endUs);
    this.counters.countRedisHits(batch.perReplica, batch.localLookups);
    this.timeline.recordRedisHits(batch);
    batch.clear();
  }

  redisHitBatch(replicas: number, localLookups: boolean): RedisHitBatch {
    return new RedisHitBatch(replicas, localLookups, this.latency.redisHitTargets(), this.histogram);
  }

  recordDropped(atUs: number): void {
    this.dropped++;
    this.advance(atUs);
    this.timeline.recordDropped();
  }

  /** An expire-hot event at `atUs`: opens one expiry episode over these keys. */
  markExpiry(atUs: number, keys: Key[]): void {
    this.advance(atUs);
    this.stampede.markExpiry(atUs, keys);
  }

  snapshot(): MetricsSnapshot {
    const c = this.counters;
    const elapsedMs = (this.lastUs - this.originUs) / 1000;
    return {
      elapsedMs,
      requests: c.total,
      failed: c.failed,
      erred: c.erred,
      dropped: this.dropped,
      achievedRps: elapsedMs > 0 ? c.total / (elapsedMs / 1000) : 0,
      p99: this.latency.endToEnd.valueAtPercentileUs(99) / 1000,
      localHitRatio: c.localLookups === 0 ? 0 : c.localHits / c.localLookups,
      redisHitRatio: c.redisLookups === 0 ? 0 : c.redisHits / c.redisLookups,
      sourceCalls: c.sourceCalls,
      staleServed: c.staleServed,
      lastBucket: this.timeline.closed.at(-1) ?? null,
      openExpiryKeys: this.stampede.openKeys,
    };
  }

  /** Closes the timeline and the open episodes at `endUs` and summarises everything once. */
  finish(endUs: number): MetricsSummary {
    const durationMs = Math.max(0, (endUs - this.originUs) / 1000);
    const timeline = this.timeline.finish(endUs);
    const stampede = this.stampede.finish();
    const sections = this.counters.sections();
    const latency = this.latency.latency();
    return {
      durationMs,
      requests: sections.requests,
      throughput: { achievedRps: durationMs > 0 ? sections.requests.total / (durationMs / 1000) : 0 },
      load: { dropped: this.dropped, scheduleLagP99: latency.components.scheduleLag.p99 },
      serving: { replicas: sections.replicas },
      latency,
      tiers: sections.tiers,
      stampede,
      freshness: { ...sections.freshness, age: this.latency.age.summary() },
      payload: sections.payload,
      timeline,
      clampedValues: this.latency.clampedValues(),
    };
  }

  /** Frees the histograms' memory (WebAssembly). */
  close(): void {
    this.latency.destroy();
    this.timeline.destroy();
    this.stampede.destroy();
  }

  /** Time only moves forward here; a bucket rollover is also when expired episodes are closed. */
  protected advance(nowUs: number): void {
    if (nowUs > this.lastUs) this.lastUs = nowUs;
    if (this.timeline.advance(nowUs)) this.stampede.sweep(nowUs);
  }
}
