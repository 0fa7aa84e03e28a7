import { badInput } from '../errors.js';
import type { Trace } from '../cascade/trace.js';
import { createHistogram } from './histogram.js';
import type { LocalHitBatch } from './local-hit-batch.js';
import type { MetricsSnapshot, MetricsSummary, RecorderOptions, ResolvedRecorderOptions } from './metrics-types.js';
import { RecorderCore } from './recorder-core.js';
import { StampedeTracker } from './stampede-tracker.js';

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

class MetricsRecorder extends RecorderCore<string> implements Recorder {
  constructor(options: ResolvedRecorderOptions) {
    super(
      createHistogram,
      options.timelineBucketMs,
      new StampedeTracker({ windowUs: options.expiryWindowMs * 1000, maxListed: options.maxListedExpiries, maxOpenKeys: options.maxOpenExpiryKeys }),
    );
  }

  record(trace: Trace, intendedStartUs: number, actualStartUs: number, endUs: number, replica: number): void {
    const endToEndUs = endUs - intendedStartUs;
    this.counters.count(trace, replica);
    this.latency.record(trace, endToEndUs, actualStartUs - intendedStartUs);
    this.advance(endUs);
    this.timeline.record(trace, endToEndUs);
    this.stampede.observe(trace, trace.key, intendedStartUs, endToEndUs, actualStartUs);
  }
}
