import { newTrace, type Trace } from '../cascade/trace.js';
import { createBucketHistogram } from '../metrics/bucket-histogram.js';
import { DEFAULT_RECORDER_OPTIONS } from '../metrics/recorder.js';
import { RecorderCore } from '../metrics/recorder-core.js';
import { StampedeTracker, type FillTimes } from '../metrics/stampede-tracker.js';
import { IndexOpenStates } from './index-open-states.js';

/**
 * The open-state table's starting size. It grows to twice the most states held at once (a few
 * hundred in quickstart, thousands in capacity-planning, at most maxOpenExpiryKeys): sized for
 * the cap from the start, its probes landed all over 128 KB and missed the cache.
 */
const OPEN_STATES_START = 256;

/**
 * The run's recorder (metrics/recorder.ts) as the simulation needs it: the same parts, the same
 * steps per request and the same summary, with two changes that only touch speed. Keys are the
 * simulation's integer ids (`sharedKey`: set x entity) instead of Redis key strings, so the
 * stampede tracker's open states sit in a small integer hash table and its fill times in a typed array; and the
 * histograms are `BucketHistogram`s (the HDR histogram's buckets in plain JS, converted to HDR
 * for the summary), so the ~8 records of a traced request are increments, not WebAssembly calls.
 */
export class SimRecorder extends RecorderCore<number> {
  /** `keys`: how many key ids there are (sets x entities). */
  constructor(keys: number) {
    super(
      createBucketHistogram,
      DEFAULT_RECORDER_OPTIONS.timelineBucketMs,
      new StampedeTracker<number>(
        {
          windowUs: DEFAULT_RECORDER_OPTIONS.expiryWindowMs * 1000,
          maxListed: DEFAULT_RECORDER_OPTIONS.maxListedExpiries,
          maxOpenKeys: DEFAULT_RECORDER_OPTIONS.maxOpenExpiryKeys,
        },
        { histogram: createBucketHistogram, filled: new IndexFillTimes(keys), open: <V>() => new IndexOpenStates<V>(OPEN_STATES_START) },
      ),
    );
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

  /** Whether key id `key` has an open stampede episode (a plain Redis hit on it must then be recorded as a trace). */
  tracks(key: number): boolean {
    return this.stampede.tracks(key);
  }

  /** The time step `record` takes for a request ending at `endUs` (a bucket rollover, and the episodes it closes). */
  advanceTo(endUs: number): void {
    this.advance(endUs);
  }

  /**
   * What `record` does with a plain Redis hit (see `RedisHitBatch`) beyond counting it: the time
   * step and the stampede tracker's look at it, for a counted hit that turned out to be recorded
   * after a request that opened an episode on its key.
   */
  observeRedisHit(key: number, startUs: number, endUs: number): void {
    this.advance(endUs);
    this.stampede.observe(PLAIN_REDIS_HIT, key, startUs, endUs - startUs, startUs);
  }
}

/** A plain Redis hit as the stampede tracker reads it: served fresh from Redis, nothing fetched, waited for or refreshed. */
const PLAIN_REDIS_HIT: Trace = { ...newTrace(), servedBy: 'redis', outcome: { local: 'miss', redis: 'hit', source: 'skipped' } };

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
