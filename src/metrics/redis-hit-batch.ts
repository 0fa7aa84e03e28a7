import type { HistogramFactory, MicrosHistogram } from './histogram.js';

/** The run-long histograms a plain Redis hit records into (`LatencySet.redisHitTargets`). */
export interface RedisHitTargets {
  endToEnd: MicrosHistogram;
  redis: MicrosHistogram;
  redisGet: MicrosHistogram;
  decode: MicrosHistogram;
  age: MicrosHistogram;
  scheduleLag: MicrosHistogram;
}

/** Hits buffered before they are recorded into the histograms. */
const BLOCK = 1024;

/**
 * Plain Redis hits (served from Redis, fresh, nothing refreshed, fetched or waited for) counted
 * rather than traced, for a simulation whose stampede tracker has nothing to do with them: the
 * same figures `Recorder.record` takes from such a trace (per-replica counts, end to end, the
 * GET's and decode's times, the value's age, no schedule lag), handed to
 * `Recorder.recordRedisHits` once per timeline bucket. Histograms only count, so the order the
 * values arrive in does not matter; the run-long ones are recorded into as the buffer fills, the
 * bucket's end-to-end times go to a histogram of their own until the bucket is handed over.
 */
export class RedisHitBatch {
  /** Hits per replica since the last flush. */
  readonly perReplica: Float64Array;
  total = 0;
  /** Whether these hits looked the local tier up first (it is enabled): they count as local lookups. */
  readonly localLookups: boolean;
  /** The hits' end-to-end, GET, decode times and ages, µs, written by the simulation and recorded by `flushBlock`. */
  readonly endToEndUs = new Float64Array(BLOCK);
  readonly redisGetUs = new Float64Array(BLOCK);
  readonly decodeUs = new Float64Array(BLOCK);
  readonly agesUs = new Float64Array(BLOCK);
  count = 0;
  /** End-to-end times of this bucket's hits already out of the buffer (the timeline's share). */
  readonly bucketEndToEnd: MicrosHistogram;

  constructor(
    replicas: number,
    localLookups: boolean,
    private readonly targets: RedisHitTargets,
    histogram: HistogramFactory,
  ) {
    this.perReplica = new Float64Array(replicas);
    this.localLookups = localLookups;
    this.bucketEndToEnd = histogram();
  }

  /** Whether the buffer is full (the simulation then calls `flushBlock`). */
  get full(): boolean {
    return this.count === BLOCK;
  }

  /** Records the buffered values as `LatencySet.record` and `Timeline.record` would (component times only when nonzero). */
  flushBlock(): void {
    const { endToEnd, redis, redisGet, decode, age, scheduleLag } = this.targets;
    const bucket = this.bucketEndToEnd;
    const n = this.count;
    for (let i = 0; i < n; i++) {
      const us = this.endToEndUs[i]!;
      endToEnd.record(us);
      redis.record(us);
      bucket.record(us);
      const getUs = this.redisGetUs[i]!;
      if (getUs > 0) redisGet.record(getUs);
      const decodeUs = this.decodeUs[i]!;
      if (decodeUs > 0) decode.record(decodeUs);
      age.record(this.agesUs[i]!);
    }
    scheduleLag.recordCount(0, n);
    this.count = 0;
  }

  /** Forgets the counts and buffered values (what was recorded into the run-long histograms stays: `Recorder.start` resets those). */
  clear(): void {
    this.perReplica.fill(0);
    this.total = 0;
    this.count = 0;
    if (this.bucketEndToEnd.count > 0) this.bucketEndToEnd.reset();
  }
}
