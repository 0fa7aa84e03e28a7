import type { RedisNodeStats } from '../redis/node-stats.js';

/**
 * The result document (`schemaVersion: 1`): a promise to users' CI scripts. Field names are stable;
 * add fields freely, but renaming or removing one needs a schemaVersion bump.
 * Durations are milliseconds (floats), sizes bytes, money USD.
 */
export const RESULT_SCHEMA_VERSION = 1 as const;

/** A latency summary in milliseconds, plus the HDR histogram (microseconds) it came from. */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  /** Compressed base64 HDR histogram of microsecond values (hdr-histogram-js encodeIntoCompressedBase64). '' when empty. */
  hdr: string;
}

/**
 * What started a stampede episode (the source was asked for a key, or a request waited for that):
 * - `cold`: the key's first fetch in this run (warmup included, so a key filled in warmup is not
 *   cold in the measured phase);
 * - `expired`: the key was filled earlier in this run and its hard TTL (the Redis `PX`) had run out;
 *   a local copy past the local TTL is no episode while Redis still has the value;
 * - `evicted`: the key was filled earlier in this run and is gone before its hard TTL (local LRU
 *   with Redis off or missing it, Redis maxmemory, a failed write-back);
 * - `event`: an expire-hot event (one episode over all its keys).
 */
export type StampedeCause = 'cold' | 'expired' | 'evicted' | 'event';

export interface StampedeExpiry {
  /** ms since the measured phase started. */
  at: number;
  cause: StampedeCause;
  /** Number of keys that expired together. */
  keys: number;
  /** Requests that waited on another caller's fetch for these keys. */
  waiting: number;
  /** Source fetches caused, in total over the keys. */
  originCalls: number;
  /** Largest number of source fetches for one of the keys. */
  maxOriginCallsPerKey: number;
  staleServed: number;
  /** p99 latency (ms) of requests for these keys until they were refilled. */
  p99: number;
}

export interface TimelineBucket {
  /** Seconds since the measured phase started (bucket start). */
  t: number;
  /** Requests completed per second of this bucket's actual length. */
  rps: number;
  /**
   * The bucket's length in ms when it is not the nominal one: a partial last bucket, or the last
   * full bucket with a short trailing remainder (the drain) folded into it. Absent = nominal (1 s).
   */
  durationMs?: number;
  /** ms */
  p99: number;
  localHits: number;
  redisHits: number;
  sourceCalls: number;
  errors: number;
  staleServed: number;
  dropped: number;
  /** Served values whose content differed from the latest committed snapshot (absent in older results). */
  outdated?: number;
  /** Keys a progressive warm-up wrote in the background during this bucket (present when the scenario warms). */
  warmedKeys?: number;
  /** Served values from an uncommitted or rolled-back snapshot (absent in older results). */
  uncommitted?: number;
}

/** One batch publication and what it cost the caches (`freshness.publications[]`). Times are ms since the measured phase started. */
export interface PublicationResult {
  /** When the batch job began writing the snapshot. */
  at: number;
  featureSet: string;
  version: string;
  publication: 'post-commit' | 'pre-commit' | 'none';
  invalidation: 'versioned-keys' | 'delete' | 'overwrite' | 'ttl-only';
  /** null when it never committed (rolled back, or the run ended first). */
  committedAt: number | null;
  publishedAt: number | null;
  /** When the cache updater finished applying the invalidation; null for ttl-only or no publication. */
  appliedAt: number | null;
  rolledBackAt: number | null;
  /** Entities whose values this snapshot changed. */
  changedEntities: number;
  /** Served values whose content differed from this (committed) snapshot's. */
  outdatedServed: number;
  /** Served values from this snapshot while it was uncommitted or after it was rolled back. */
  uncommittedServed: number;
  /** From the commit until the last outdated serve, worst tier (0: none). */
  windowMs: number;
  windowByTier: { local: number; redis: number; source: number };
  /** The replica whose last outdated serve came latest. */
  worstReplica: { id: number; windowMs: number } | null;
  /** Redis commands the cache updater sent for it (DEL/UNLINK, scripted SETs, PUBLISH, pointer SET). */
  redisCommands: number;
}

/** How each replica's local tier heard of changes (`freshness.localInvalidation`). */
export interface LocalInvalidationResult {
  mode: 'ttl' | 'pubsub' | 'tracking';
  /** Version-pointer GETs by all replicas (versioned-keys only). */
  pointerReads: number;
  replicas: {
    id: number;
    /** Invalidation messages received (pubsub messages, or tracking pushes). */
    received: number;
    /** Local entries dropped because of them. */
    dropped: number;
    /**
     * pubsub and tracking: times the replica's invalidation path came back after a reconnect
     * (resubscribed; for tracking, turned on again towards the new subscriber). The local tier is
     * emptied each time, since invalidations sent meanwhile were lost. Absent for ttl and in older results.
     */
    reconnects?: number;
    /** From the updater's command to the drop, ms, over invalidations the updater caused. */
    latency: { count: number; p50: number; p99: number; max: number };
  }[];
}

/**
 * One cold start (`coldStarts[]`): the run's traffic start, or a deploy. Times are ms since the
 * measured phase started (the start's is negative when a warmup ran first). See
 * src/metrics/cold-starts.ts for the definitions of steady and time to steady.
 */
export interface ColdStartResult {
  at: number;
  cause: 'start' | 'deploy';
  /** When the cold replicas took traffic: `at`, or later for a deploy that preloaded (`warmLocal`). */
  servingAt: number;
  /** End of its span: the next deploy's `at`, or the end of the run. */
  until: number;
  /** Entities each new replica preloaded (deploys with `warmLocal`). */
  warmLocal?: number;
  /** Median served-from-cache share ((local + Redis hits) / requests) of 250 ms windows over the span's last third; null without one. */
  steadyShare: number | null;
  /**
   * From `servingAt` to the end of the first window at 90% of `steadyShare` or more; null when there
   * is no steady value (`reason`). A preload is not in it (the old replicas served): see `servingAt - at`.
   */
  timeToSteadyMs: number | null;
  /** Source fetches by requests from `servingAt` until steady (the whole span when not steady). */
  originCalls: number;
  /**
   * The same for the local-hit share alone: what a deploy empties while Redis stays warm.
   * `excessMisses`: local misses (Redis reads) beyond the steady local miss rate until local steady.
   */
  local: { steadyShare: number | null; timeToSteadyMs: number | null; excessMisses: number | null };
  /** Why there is no steady value: `too-short` (fewer than 3 windows with requests), `no-cache-hits`. */
  reason: 'too-short' | 'no-cache-hits' | null;
  /** One line saying what happened, for the report and the summary. */
  label: string;
}

/** The served-from-cache series behind `coldStarts`, in windows of `windowMs` from traffic start (`at`, ms since the measured phase). */
export interface ColdStartSeries {
  at: number;
  windowMs: number;
  requests: number[];
  cached: number[];
  local: number[];
  sourceCalls: number[];
}

export interface ResultEvent {
  /** ms since the measured phase started. */
  at: number;
  kind: string;
  /** ms the event lasted (slowdowns, pauses), when it has a duration. */
  durationMs?: number;
  [detail: string]: unknown;
}

export interface ThresholdResult {
  /** Dotted path into this document, e.g. `latency.endToEnd.p99`. */
  metric: string;
  op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  /** Limit in the document's units (ms, bytes, ratio). */
  limit: number;
  /** The threshold as written in the scenario, e.g. `< 15ms`. */
  expression: string;
  /** null when the path does not exist in the result (counts as failed). */
  actual: number | null;
  passed: boolean;
}

export interface CostProjection {
  productionRps: number;
  /** Source (origin) reads per second at production traffic with this run's hit ratios. */
  originQps: number;
  /** Redis memory needed for the run's key population at production scale (bytes). */
  redisMemoryBytes: number;
  redisNodes: number;
  /** USD per hour at production traffic. */
  costPerHour: number;
  noCachePerHour: number;
}

/** One point of a miss-ratio curve (`capacity.mrc`): an LRU of `entries` (about `bytes`) misses this share. */
export interface CurvePointResult {
  entries: number;
  bytes: number;
  missRatio: number;
}

/** The size an LRU needs for `hitRatio`; null when no size reaches it (cold misses cap the hit ratio). */
export interface SizeForResult {
  hitRatio: number;
  entries: number | null;
  bytes: number | null;
}

/** Cost at one Redis size (`capacity.costBySize`), projected to cost.productionRps or the achieved rate. */
export interface CostBySizePoint {
  redisEntries: number;
  redisBytes: number;
  redisNodes: number;
  sourceCallsPer1k: number;
  per1kInferences: number;
  costPerHour: number;
}

/**
 * Miss-ratio curves from the run's own stream (`metrics.mrc`, on by default). LRU stack distances,
 * exact up to 200k distinct keys, SHARDS-sampled above (`sampleRate` < 1). TTL expiries are not in
 * a curve: it answers what size alone does.
 */
export interface CapacityResult {
  method: 'exact' | 'shards';
  sampleRate: number;
  mrc: {
    /** Per-replica size on the x axis (summed over replicas' streams); null with the local tier off. */
    local: CurvePointResult[] | null;
    /** Over the stream of Redis lookups (local misses). */
    redis: CurvePointResult[];
  };
  sizeFor: { local: SizeForResult[] | null; redis: SizeForResult[] };
  /** The curve read at the configured local size: compare with `tiers.local.hitRatio`. */
  configured: { localEntries: number; localHitRatio: number | null };
  costBySize: CostBySizePoint[];
  /** Lowest `costPerHour` of `costBySize`; null when nothing was measured. */
  cheapest: CostBySizePoint | null;
}

/** A real feature store's versions and address, as `env.redis` records Redis'. */
export interface SourceEnv {
  kind: 'postgres';
  /** Password redacted. */
  url: string;
  serverVersion: string;
  /** `pg 8.23.1`. */
  client: string;
  table: string;
}

export interface ResultDocument {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  tool: { name: 'fcbench'; version: string };
  scenario: {
    name: string;
    description?: string;
    /** sha256 of the resolved scenario (after defaults, overrides and matrix). */
    hash: string;
    /** Variant label (`codec.format=json,codec.compression=zstd`), '' without a matrix. */
    variant: string;
    /** Matrix assignments of this variant. */
    assignments?: Record<string, unknown>;
    /** The resolved scenario, so a result is reproducible on its own. */
    resolved?: unknown;
  };
  seed: number;
  /** ISO-8601 UTC. */
  startedAt: string;
  /** Measured phase length in ms (excludes warmup). */
  durationMs: number;
  /** True when the run was interrupted (Ctrl-C) and figures cover only part of it. */
  partial: boolean;
  load: {
    /** `simulated`: `fcbench simulate` (virtual time, no Redis); `http`: served over HTTP; `model` still says open or closed. */
    mode: 'open' | 'closed' | 'simulated' | 'http';
    model: 'open' | 'closed';
    /** `mode: http`: the driver, its target (redacted) and connections; see `HttpLoadInfo`. */
    http?: HttpLoadInfo;
    /** Open loop: arrivals not started because the in-flight cap was reached. */
    dropped: number;
    /** Open loop: p99 of (actual start - intended start), ms. */
    scheduleLagP99: number;
    /** Open loop offered rate (req/s) or closed-loop concurrency. */
    rate?: number;
    concurrency?: number;
    arrivals?: 'constant' | 'poisson';
    warmup: { requests: number; durationMs: number };
    /** `load.workers` > 1: the run was that many shards on worker threads, merged (see `shards`). */
    workers?: number;
  };
  serving: {
    mode: 'in-process' | 'simulated' | 'http';
    routing: 'random' | 'affinity' | 'round-robin';
    /**
     * Per serving replica. In http mode `requests` and `localHits` are what the load generator sent
     * to it and what its Server-Timing said (they add up to `requests.total`); `served` is the
     * replica's own count, `errors` the failed requests sent to it, `exit` how it ended when it died
     * mid-run. An external target is one replica with `pid: 0` (not fcbench's process).
     */
    replicas: ({ id: number; pid: number; requests: number; localHits: number } & HttpReplicaExtras)[];
    /** `mode: http` only: see `HttpServingInfo`. */
    http?: HttpServingInfo;
  };
  env: {
    node: string;
    platform: string;
    arch: string;
    cpus: number;
    cpuModel: string;
    /** The Redis the run used; absent for `fcbench simulate`, which uses none. */
    redis?: { version: string; mode: string; url: string; provisioned: 'url' | 'env' | 'private' | 'cluster'; client: string };
    /** The PostgreSQL feature store read (`cascade.source.kind: postgres`), URL redacted; absent for the simulated source. */
    source?: SourceEnv;
  };
  requests: { total: number; ok: number; errors: number; errorsByKind: Record<string, number> };
  throughput: { offeredRps: number; achievedRps: number };
  latency: {
    endToEnd: LatencySummary;
    /** Requests by the tier that served them. */
    byTier: { local: LatencySummary; redis: LatencySummary; source: LatencySummary };
    components: {
      localGet: LatencySummary;
      redisGet: LatencySummary;
      redisSet: LatencySummary;
      decode: LatencySummary;
      encode: LatencySummary;
      sourceFetch: LatencySummary;
      sourceQueue: LatencySummary;
      lockWait: LatencySummary;
      scheduleLag: LatencySummary;
    };
  };
  tiers: {
    local: { enabled: boolean; lookups: number; hits: number; hitRatio: number; staleHits: number };
    redis: { lookups: number; hits: number; hitRatio: number; errors: number; decodeErrors: number };
    source: { calls: number; errors: number; callsPer1k: number };
    /** Share of requests served by each tier (sums to ~1 with failures). */
    servedBy: { local: number; redis: number; source: number; none: number };
  };
  stampede: {
    strategy: string;
    /**
     * Episodes worth reading, by time: every `event` episode, and the worst others (by origin calls,
     * then waiters) that had 2 or more origin calls or a waiter. A one-fetch episode nobody waited
     * on is an ordinary miss, counted in `episodes` only.
     */
    expiries: StampedeExpiry[];
    /** Largest origin calls for one key in one `expired` or `event` episode (cold misses and evictions are not expiries). */
    maxOriginCallsPerExpiry: number;
    /** Episodes whose key's TTL ran out (`episodes.expired`); kept for thresholds written against it. */
    naturalExpiries: number;
    /** Every episode by cause, listed or not. Absent in results written before causes were told apart. */
    episodes?: Record<StampedeCause, number>;
    /** Requests that waited on another caller's fetch, over all episodes. Absent in older results. */
    waiting?: number;
  };
  freshness: {
    staleServed: number;
    staleRatio: number;
    byReason: { softExpired: number; outdated: number; uncommitted: number };
    /** Age of served values, ms. */
    age: LatencySummary;
    /** One entry per batch-publish event (absent in results without batch events). */
    publications?: PublicationResult[];
    /** How the local tiers were told (absent without batch events). */
    localInvalidation?: LocalInvalidationResult;
  };
  payload: {
    /** Mean serialized bytes before compression, per value written. */
    rawBytes: number;
    /** Mean bytes stored in Redis per value. */
    encodedBytes: number;
    compressionRatio: number;
    format: string;
    compression: string;
    writes: number;
  };
  redis: {
    usedMemoryBefore: number;
    /** null when Redis did not answer after the measured phase (`unavailableAtEnd`). */
    usedMemoryAfter: number | null;
    /** Keys under the run's prefix at the end of the measured phase; null when not measured. */
    keys: number | null;
    /** Mean MEMORY USAGE of sampled keys; null when not measured. */
    bytesPerKey: number | null;
    keyPrefix: string;
    keptKeys: boolean;
    /**
     * Redis was unreachable (died, restarting, stalled) when the measured phase ended: memory, key
     * count, bytes per key and cleanup were skipped instead of failing the run. Absent in older results.
     */
    unavailableAtEnd?: boolean;
    /** Why, when `unavailableAtEnd`. */
    note?: string;
    /**
     * Commands Redis served during the measured phase, by name (INFO commandstats before and after;
     * fcbench's own INFO and QUIT left out): the cascade's Redis traffic seen from the server, whatever client sent
     * it. Absent when Redis did not answer at the end, and in older results.
     */
    commands?: Record<string, number>;
    /**
     * Every node of a Redis Cluster (cascade.redis.cluster), read before and after the measured
     * phase: where keys, memory and commands landed, so hot-key skew on one master shows. Absent on
     * a single server and in older results.
     */
    nodes?: RedisNodeStats[];
    /** What happened to the run's keys: deleted (with how many), kept (`--keep-keys`), or skipped (Redis unavailable). */
    cleanup?: { status: 'deleted'; keys: number } | { status: 'kept' } | { status: 'skipped'; reason: string };
  };
  cost: {
    per1kInferences: number;
    breakdown: { source: number; redis: number; compute: number };
    noCachePer1kInferences: number;
    projection: CostProjection | null;
  };
  timeline: TimelineBucket[];
  /** What the scenario's `warm:` did before (and, progressive, during) the measured phase; absent without `warm`. */
  warming?: WarmingResult;
  /** Miss-ratio curves and sizes (absent with `metrics.mrc: false` and in older results). */
  capacity?: CapacityResult;
  /** Why `capacity` is absent although curves were on: the curve worker failed (the rest of the result is whole). */
  capacityError?: string;
  events: ResultEvent[];
  /** The run's start and each deploy: how long until the cache served its steady share (absent in older results). */
  coldStarts?: ColdStartResult[];
  coldStartSeries?: ColdStartSeries;
  thresholds: ThresholdResult[];
  /** `fcbench simulate`: how fast the simulation ran and what it modelled. Absent for real runs. */
  simulation?: SimulationResult;
  /**
   * `fcbench run --trials N` (N > 1): this result is trial `index` (1-based) `of` N. Every result of
   * one invocation (all variants, all trials) shares `group`, a random id, so `fcbench compare` can
   * tell trials of one run from results of separate runs. `interleaved`: the run used --interleave
   * (variants in rotation, A B A B). Absent for single runs and in older results.
   */
  trial?: ResultTrial;
  /** `fcbench run --shard i/N`: this result is shard `index` (0-based) of `count`. Absent for unsharded runs. */
  shard?: ResultShard;
  /** `fcbench merge`: the shards this result was merged from. Absent for a single run. */
  shards?: MergedShards;
  /** Whose cascade served the requests (`cascade.implementation`). Absent in older results and HTTP runs. */
  implementation?: ImplementationResult;
}

/** `implementation`: the cascade that served, and what it could not tell (see src/results/not-reported.ts). */
export interface ImplementationResult {
  /** `fcbench`, `bentocache`, `cache-manager`, or the plugin module's absolute path. */
  name: string;
  /** The library behind an adapter or plugin, as it says. */
  library?: { name: string; version: string };
  /** Whether the gets said which tier served them and whether the value was stale (their status). */
  reported: { tier: boolean; stale: boolean };
  /**
   * Paths that are null in this document because the implementation cannot report them (never 0);
   * `timeline[].localHits` means that field of every element.
   */
  notReported: string[];
  /** Scenario options the implementation has no equivalent for: the comparison differs in these too. */
  unmappedOptions: string[];
}

export interface ResultShard {
  index: number;
  count: number;
}

export interface MergedShards {
  count: number;
  /** Shard indexes merged, in order. */
  indexes: number[];
  /** A merged timeline bucket's p99 is the largest of the shards' (an upper bound; per-bucket histograms are not kept). */
  timelineP99: 'max-of-shards';
  /** The shards had miss-ratio curves, left out of the merge (Redis's curve is the union stream's, which they do not give). */
  capacityOmitted: boolean;
}

export interface SimulationResult {
  /** Simulated requests (warmup included) per wall-clock second of the simulation. */
  requestsPerSecond: number;
  /** Virtual time simulated, warmup included, ms. */
  virtualDurationMs: number;
  /** Wall-clock time the simulation took, ms. */
  wallMs: number;
  /** CPU time the process spent on it, ms (on a shared machine, less than wallMs). */
  cpuMs: number;
  /** Simulated requests per CPU second: the speed on one core, whatever else the machine runs. */
  requestsPerCpuSecond: number;
  /** Where the Redis and codec latencies came from: `default` or the `--latency-from` file. */
  latencyFrom: string;
  /** What the simulation left out or estimated (ignored events, modelled figures). */
  warnings: string[];
}

/** `warm:` in a run (README "Cache warming"). Durations ms. */
export interface WarmingResult {
  /** Keys written, blocking and background together. */
  keys: number;
  /** Time spent warming: the blocking part plus the background part. */
  durationMs: number;
  keysPerSecond: number;
  input: 'top' | 'manifest' | 'parquet' | 'arrow';
  /** Source fetches the warm-up made (top / manifest: values come from the source). */
  sourceCalls: number;
  /** Input rows already past their hard TTL (written-at + TTL before now): not written. */
  expired: number;
  /** Before the warmup phase: every key, or the first `progressive.blocking`. */
  blocking: { keys: number; durationMs: number };
  /** Progressive only: during the measured phase; `finished` false when the phase ended first. */
  background?: { keys: number; durationMs: number; finished: boolean; error?: string };
}

export interface ResultTrial {
  group: string;
  index: number;
  of: number;
  interleaved: boolean;
}

/** `load.http`: how an HTTP run was driven, in the result's words. */
export interface HttpLoadInfo {
  driver: 'autocannon' | 'open';
  /** `builtin`, or the external URL template (secrets redacted). */
  target: string;
  connections: number;
  pipelining: number;
  /** `load.rate` when given (the open driver's arrival rate, or autocannon's per-second budget). */
  rate?: number;
  /** How a request picked its replica: `per-request` (open driver) or `per-connection` (autocannon). */
  routing: 'per-request' | 'per-connection';
  /** One sentence saying what the latency figures are measured from, and what `rate` guarantees. */
  note: string;
}

export interface HttpReplicaExtras {
  /** Requests the replica itself served (its internal endpoint); absent when it could not be read. */
  served?: number;
  /** Failed requests sent to this replica (status >= 500, refused, reset, timeout). */
  errors?: number;
  /** Set when the replica process ended before the run asked it to. */
  exit?: { code: number | null; signal: string | null; atMs: number };
  /** Runs with a deploy: 0 for the replicas the run started with, n for the n-th deploy's. */
  generation?: number;
  /** Runs with a deploy: when the first and last measured requests were sent to it (ms since the measured phase). */
  firstRequestAt?: number;
  lastRequestAt?: number;
  /** Retired by a deploy: when its figures were read and the process stopped (ms since the measured phase). */
  retiredAt?: number;
}

/** `serving.http`: what the HTTP responses said, and the replicas' own figures. */
export interface HttpServingInfo {
  /** Responses by HTTP status code (`"200": 1234`). */
  statusCodes: Record<string, number>;
  /** Responses that carried a usable Server-Timing header, had none, or had a malformed one. */
  serverTiming: { withHeader: number; absent: number; malformed: number };
  /** Set when no response carried Server-Timing: only end-to-end latency and status codes are recorded. */
  note?: string;
  /** Events that did not reach a replica (it had died): which event, which replica, why. Absent when all did. */
  eventsUnreached?: { event: string; replica: number; error: string }[];
  /**
   * Builtin replicas only: every replica's own per-tier histograms and counters, read from its
   * internal endpoint at the end and merged (latency inside the replica, without HTTP or the network).
   */
  inReplica?: {
    replicasRead: number;
    latency: { endToEnd: LatencySummary; byTier: { local: LatencySummary; redis: LatencySummary; source: LatencySummary } };
    tiers: { localHits: number; localLookups: number; redisHits: number; redisLookups: number; sourceCalls: number; sourceErrors: number };
  };
}
