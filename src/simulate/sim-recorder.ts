import type { Trace } from '../cascade/trace.js';
import { createBucketHistogram } from '../metrics/bucket-histogram.js';
import { LatencySet } from '../metrics/latency-set.js';
import { LocalHitBatch } from '../metrics/local-hit-batch.js';
import { DEFAULT_RECORDER_OPTIONS, snapshotOf, summarize, type MetricsSnapshot, type MetricsSummary, type RecorderParts } from '../metrics/recorder.js';
import { RequestCounters } from '../metrics/request-counters.js';
import { StampedeTracker, type FillTimes } from '../metrics/stampede-tracker.js';
import { Timeline } from '../metrics/timeline.js';

/**
 * The run's recorder (metrics/recorder.ts) as the simulation needs it: the same parts, the same
 * steps per request and the same summary, with two changes that only touch speed. Keys are the
 * simulation's integer ids (`sharedKey`: set x entity) instead of Redis key strings, so the
 * stampede tracker's maps hash small integers and its fill times sit in a typed array; and the
 * histograms are `BucketHistogram`s (the HDR histogram's buckets in plain JS, converted to HDR
 * for the summary), so the ~8 records of a traced request are increments, not WebAssembly calls.
 */
export class SimRecorder {
  private readonly latency = new LatencySet(createBucketHistogram);
  private readonly timeline = new Timeline(DEFAULT_RECORDER_OPTIONS.timelineBucketMs, createBucketHistogram);
  private readonly stampede: StampedeTracker<number>;
  private counters = new RequestCounters();
  private originUs = 0;
  private lastUs = 0;
  private dropped = 0;

  /** `keys`: how many key ids there are (sets x entities). */
  constructor(keys: number) {
    this.stampede = new StampedeTracker<number>(
      {
        windowUs: DEFAULT_RECORDER_OPTIONS.expiryWindowMs * 1000,
        maxListed: DEFAULT_RECORDER_OPTIONS.maxListedExpiries,
        maxOpenKeys: DEFAULT_RECORDER_OPTIONS.maxOpenExpiryKeys,
      },
      { histogram: createBucketHistogram, filled: new IndexFillTimes(keys) },
    );
  }

  /** `Recorder.start`: the measured phase starts at `originUs`; clears everything but the fill times. */
  start(originUs: number): void {
    this.originUs = originUs;
    this.lastUs = originUs;
    this.dropped = 0;
    this.counters = new RequestCounters();
    this.latency.reset();
    this.timeline.start(originUs);
    this.stampede.start(originUs);
  }

  /** `Recorder.record` of a request for key id `key` that started when it arrived (`startUs`) and ended at `endUs`. */
  record(trace: Trace, key: number, startUs: number, endUs: number, replica: number): void {
    const endToEndUs = endUs - startUs;
    this.counters.count(trace, replica);
    this.latency.record(trace, endToEndUs, 0);
    this.advance(endUs);
    this.timeline.record(trace, endToEndUs);
    this.stampede.observe(trace, key, startUs, endToEndUs, startUs);
  }

  /** `Recorder.recordLocalHits`. */
  recordLocalHits(batch: LocalHitBatch, endUs: number): void {
    if (batch.total === 0) return;
    this.advance(endUs);
    this.counters.countLocalHits(batch.perReplica);
    this.latency.recordLocalHits(batch);
    this.timeline.recordLocalHits(batch);
    batch.clear();
  }

  /** `Recorder.localHitBatch`, with bucket histograms. */
  localHitBatch(replicas: number, constantUs: number): LocalHitBatch {
    return new LocalHitBatch(replicas, constantUs, this.latency.age, createBucketHistogram);
  }

  recordDropped(atUs: number): void {
    this.dropped++;
    this.advance(atUs);
    this.timeline.recordDropped();
  }

  /** An expire-hot event over these key ids. */
  markExpiry(atUs: number, keys: number[]): void {
    this.advance(atUs);
    this.stampede.markExpiry(atUs, keys);
  }

  snapshot(): MetricsSnapshot {
    return snapshotOf(this.parts(), this.originUs, this.lastUs, this.dropped);
  }

  finish(endUs: number): MetricsSummary {
    return summarize(this.parts(), this.originUs, endUs, this.dropped);
  }

  close(): void {
    this.latency.destroy();
    this.timeline.destroy();
    this.stampede.destroy();
  }

  private parts(): RecorderParts {
    return { counters: this.counters, latency: this.latency, timeline: this.timeline, stampede: this.stampede };
  }

  private advance(nowUs: number): void {
    if (nowUs > this.lastUs) this.lastUs = nowUs;
    if (this.timeline.advance(nowUs)) this.stampede.sweep(nowUs);
  }
}

/** Fill times by key id in a Float64Array; NaN is "never filled". */
export class IndexFillTimes implements FillTimes<number> {
  private readonly expiresUs: Float64Array;

  constructor(keys: number) {
    this.expiresUs = new Float64Array(keys).fill(Number.NaN);
  }

  get(key: number): number | undefined {
    const us = this.expiresUs[key]!;
    return us === us ? us : undefined;
  }

  has(key: number): boolean {
    const us = this.expiresUs[key]!;
    return us === us;
  }

  set(key: number, expiresUs: number): void {
    this.expiresUs[key] = expiresUs;
  }

  clear(): void {
    this.expiresUs.fill(Number.NaN);
  }
}
