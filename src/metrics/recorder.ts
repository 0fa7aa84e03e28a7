import { badInput } from '../errors.js';
import type { Trace } from '../cascade/trace.js';
import { LocalHitBatch } from './local-hit-batch.js';
import { LatencySet } from './latency-set.js';
import type { MetricsSnapshot, MetricsSummary, RecorderOptions, ResolvedRecorderOptions } from './metrics-types.js';
import { RequestCounters } from './request-counters.js';
import { StampedeTracker } from './stampede-tracker.js';
import { Timeline } from './timeline.js';

export type { MetricsSnapshot, MetricsSummary, RecorderOptions, ResolvedRecorderOptions } from './metrics-types.js';

/**
 * What the runner calls once per finished request. All times are clock µs (`Clock.nowUs`).
 * Memory stays flat: fixed histograms, one small object per finished timeline bucket, bounded
 * expiry tracking; nothing is kept per request.
 */
export interface Recorder {
  /** The measured phase starts at `originUs` (t = 0 of the timeline and events); clears everything. */
  start(originUs: number): void;
  /**
   * One finished request. End-to-end latency = `endUs - intendedStartUs` (the open loop's intended
   * start, so queueing in the driver is counted: no coordinated omission); schedule lag =
   * `actualStartUs - intendedStartUs`. `replica` is the serving replica's index (0-based).
   * Requests are counted as given: the runner leaves warmup requests out by calling `start` after
   * the warmup drained.
   */
  record(trace: Trace, intendedStartUs: number, actualStartUs: number, endUs: number, replica: number): void;
  /**
   * A batch of fresh local hits (no error, not stale, nothing fetched or waited for) that ended by
   * `endUs`, all in the timeline bucket of `endUs`: counted as if each had been recorded (a
   * simulation's fast path). Clears the batch.
   */
  recordLocalHits(batch: LocalHitBatch, endUs: number): void;
  /** A batch for {@link recordLocalHits} whose hits' ages go straight into this recorder's age histogram. */
  localHitBatch(replicas: number, constantUs: number): LocalHitBatch;
  /** An open-loop arrival that was not started (in-flight cap reached). */
  recordDropped(atUs: number): void;
  /** An expire-hot event at `atUs`: opens one expiry episode over these keys. */
  markExpiry(atUs: number, keys: string[], cause: 'event'): void;
  /** Cheap figures for a progress line (call it once a second, not per request). */
  snapshot(): MetricsSnapshot;
  /** Closes the timeline and the open episodes at `endUs` and summarises everything once. */
  finish(endUs: number): MetricsSummary;
  /** Frees the histograms' memory (WebAssembly). Optional: a finalizer frees it otherwise. */
  close(): void;
}

export const DEFAULT_RECORDER_OPTIONS: Readonly<ResolvedRecorderOptions> = Object.freeze({
  timelineBucketMs: 1000,
  expiryWindowMs: 10_000,
  maxListedExpiries: 50,
  maxOpenExpiryKeys: 10_000,
});

function positive(name: keyof ResolvedRecorderOptions, value: number | undefined, integer: boolean, min: number): number {
  const v = value ?? DEFAULT_RECORDER_OPTIONS[name];
  if (!Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
    throw badInput(`recorder option ${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${String(value)}`);
  }
  return v;
}

export function resolveRecorderOptions(options?: RecorderOptions): ResolvedRecorderOptions {
  return {
    timelineBucketMs: positive('timelineBucketMs', options?.timelineBucketMs, false, 1),
    expiryWindowMs: positive('expiryWindowMs', options?.expiryWindowMs, false, 0),
    maxListedExpiries: positive('maxListedExpiries', options?.maxListedExpiries, true, 0),
    maxOpenExpiryKeys: positive('maxOpenExpiryKeys', options?.maxOpenExpiryKeys, true, 1),
  };
}

export function createRecorder(options?: RecorderOptions): Recorder {
  return new MetricsRecorder(resolveRecorderOptions(options));
}

class MetricsRecorder implements Recorder {
  private readonly latency = new LatencySet();
  private readonly timeline: Timeline;
  private readonly stampede: StampedeTracker;
  private counters = new RequestCounters();
  private originUs = 0;
  private lastUs = 0;
  private dropped = 0;

  constructor(options: ResolvedRecorderOptions) {
    this.timeline = new Timeline(options.timelineBucketMs);
    this.stampede = new StampedeTracker({
      windowUs: options.expiryWindowMs * 1000,
      maxListed: options.maxListedExpiries,
      maxOpenKeys: options.maxOpenExpiryKeys,
    });
  }

  start(originUs: number): void {
    this.originUs = originUs;
    this.lastUs = originUs;
    this.dropped = 0;
    this.counters = new RequestCounters();
    this.latency.reset();
    this.timeline.start(originUs);
    this.stampede.start(originUs);
  }

  record(trace: Trace, intendedStartUs: number, actualStartUs: number, endUs: number, replica: number): void {
    const endToEndUs = endUs - intendedStartUs;
    this.counters.count(trace, replica);
    this.latency.record(trace, endToEndUs, actualStartUs - intendedStartUs);
    this.advance(endUs);
    this.timeline.record(trace, endToEndUs);
    this.stampede.observe(trace, trace.key, intendedStartUs, endToEndUs, actualStartUs);
  }

  recordLocalHits(batch: LocalHitBatch, endUs: number): void {
    if (batch.total === 0) return;
    this.advance(endUs);
    this.counters.countLocalHits(batch.perReplica);
    this.latency.recordLocalHits(batch);
    this.timeline.recordLocalHits(batch);
    batch.clear();
  }

  localHitBatch(replicas: number, constantUs: number): LocalHitBatch {
    return new LocalHitBatch(replicas, constantUs, this.latency.age);
  }

  recordDropped(atUs: number): void {
    this.dropped++;
    this.advance(atUs);
    this.timeline.recordDropped();
  }

  markExpiry(atUs: number, keys: string[], _cause: 'event'): void {
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

  /** Time only moves forward here; a bucket rollover is also when expired episodes are closed. */
  private advance(nowUs: number): void {
    if (nowUs > this.lastUs) this.lastUs = nowUs;
    if (this.timeline.advance(nowUs)) this.stampede.sweep(nowUs);
  }
}

/** What a recorder summarises: the simulation's recorder builds the same parts with its own histograms and keys. */
export interface RecorderParts {
  counters: RequestCounters;
  latency: LatencySet;
  timeline: Timeline;
  stampede: StampedeTracker<unknown>;
}

/** {@link Recorder.snapshot} of a recorder's parts. */
export function snapshotOf(parts: RecorderParts, originUs: number, lastUs: number, dropped: number): MetricsSnapshot {
  const c = parts.counters;
  const elapsedMs = (lastUs - originUs) / 1000;
  return {
    elapsedMs,
    requests: c.total,
    failed: c.failed,
    erred: c.erred,
    dropped,
    achievedRps: elapsedMs > 0 ? c.total / (elapsedMs / 1000) : 0,
    p99: parts.latency.endToEnd.valueAtPercentileUs(99) / 1000,
    localHitRatio: c.localLookups === 0 ? 0 : c.localHits / c.localLookups,
    redisHitRatio: c.redisLookups === 0 ? 0 : c.redisHits / c.redisLookups,
    sourceCalls: c.sourceCalls,
    staleServed: c.staleServed,
    lastBucket: parts.timeline.closed.at(-1) ?? null,
    openExpiryKeys: parts.stampede.openKeys,
  };
}

/** {@link Recorder.finish} of a recorder's parts: closes the timeline and the open episodes at `endUs`. */
export function summarize(parts: RecorderParts, originUs: number, endUs: number, dropped: number): MetricsSummary {
  const durationMs = Math.max(0, (endUs - originUs) / 1000);
  const timeline = parts.timeline.finish(endUs);
  const stampede = parts.stampede.finish();
  const sections = parts.counters.sections();
  const latency = parts.latency.latency();
  return {
    durationMs,
    requests: sections.requests,
    throughput: { achievedRps: durationMs > 0 ? sections.requests.total / (durationMs / 1000) : 0 },
    load: { dropped, scheduleLagP99: latency.components.scheduleLag.p99 },
    serving: { replicas: sections.replicas },
    latency,
    tiers: sections.tiers,
    stampede,
    freshness: { ...sections.freshness, age: parts.latency.age.summary() },
    payload: sections.payload,
    timeline,
    clampedValues: parts.latency.clampedValues(),
  };
}
