import type { ResultDocument, TimelineBucket } from '../results/result-types.js';

export interface RecorderOptions {
  /** Width of one timeline bucket, ms. @default 1000 */
  timelineBucketMs?: number;
  /**
   * How long an expiry episode stays open after it started, ms: requests for its keys within this
   * window count toward it unless the key was refilled first. @default 10000
   */
  expiryWindowMs?: number;
  /**
   * Episodes other than events listed in the result: the worst by origin calls (then waiters) of
   * those with 2+ origin calls or a waiter; event episodes are all listed. @default 50
   */
  maxListedExpiries?: number;
  /**
   * Keys tracked in open expiry episodes at once; beyond it the oldest key stops being tracked
   * (its counts so far are kept). Bounds memory whatever the key population. @default 10000
   */
  maxOpenExpiryKeys?: number;
}

export interface ResolvedRecorderOptions {
  timelineBucketMs: number;
  expiryWindowMs: number;
  maxListedExpiries: number;
  maxOpenExpiryKeys: number;
}

/** Per serving replica; the runner adds the `pid`. */
export interface ReplicaCounts {
  id: number;
  requests: number;
  localHits: number;
}

/**
 * Everything the recorder measured, shaped as the result document's sections so the runner copies
 * them over. Configuration-only fields (stampede strategy, codec names, replica pids, offered rate)
 * are the runner's to add.
 */
export interface MetricsSummary {
  /** From `start(originUs)` to `finish(endUs)`, ms. */
  durationMs: number;
  requests: ResultDocument['requests'];
  throughput: { achievedRps: number };
  load: { dropped: number; scheduleLagP99: number };
  serving: { replicas: ReplicaCounts[] };
  latency: ResultDocument['latency'];
  tiers: ResultDocument['tiers'];
  stampede: Omit<ResultDocument['stampede'], 'strategy'>;
  freshness: ResultDocument['freshness'];
  payload: Omit<ResultDocument['payload'], 'format' | 'compression'>;
  timeline: TimelineBucket[];
  /** Values outside 1 µs .. 1 h (or negative) that were clamped into the histograms; should be 0. */
  clampedValues: number;
}

/** A cheap view for the once-a-second progress line. */
export interface MetricsSnapshot {
  /** ms since `start`, by the last recorded time. */
  elapsedMs: number;
  requests: number;
  failed: number;
  /** Requests that failed or met an error on the way (a Redis error hidden by the failure policy counts). */
  erred: number;
  dropped: number;
  /** Requests per second over the whole measured phase so far. */
  achievedRps: number;
  /** p99 end-to-end latency so far, ms. */
  p99: number;
  localHitRatio: number;
  redisHitRatio: number;
  sourceCalls: number;
  staleServed: number;
  /** The last finished timeline bucket, null in the first one. */
  lastBucket: TimelineBucket | null;
  /** Keys currently tracked in open expiry episodes (bounded by `maxOpenExpiryKeys`). */
  openExpiryKeys: number;
}
