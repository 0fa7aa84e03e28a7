import * as z from 'zod';
import { describeValue } from './describe-value.js';
import { durationMs, EVEN_WITH_ERRORS } from './schema-units.js';
import { formatDurationMs } from './units.js';

/**
 * The traffic half of a scenario: which keys are asked for, what their values look like, how
 * requests arrive and what happens during the run. Durations are milliseconds after parsing.
 */

export const IDENTIFIER_RE = /^[A-Za-z0-9_.-]+$/;

/** A string of letters, digits, `_`, `.` and `-` (safe in Redis keys and file names). */
export function identifier(what: string) {
  const typeError = (input: unknown): string => {
    if (input === undefined) return `required (${what})`;
    // `version: 2` parses as a number in YAML; say how to write it as text.
    const hint = typeof input === 'number' ? `; quote it: "${input}"` : '';
    return `expected ${what} (got ${describeValue(input)}${hint})`;
  };
  return z.string({ error: (iss) => typeError(iss.input) }).regex(IDENTIFIER_RE, {
    error: (iss) => `${what} may contain only letters, digits, _ . and - (got ${describeValue(iss.input)})`,
  });
}

/** An open-interval fraction (0, 1). */
const openFraction = () => z.number().gt(0).lt(1);

export const distributionSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('zipf'),
      /** Zipf exponent s: P(rank k) ~ 1 / k^s. Any s > 0, including s < 1 and exactly 1. @default 0.99 */
      exponent: z.number().gt(0).default(0.99).describe('Zipf exponent s > 0 (P(rank k) ~ 1/k^s)'),
      /** Scatter the popular ranks over the key space (YCSB-style) instead of keys 0, 1, 2... @default true */
      scramble: z.boolean().default(true).describe('hash ranks to entity ids so hot keys are not adjacent'),
    }),
    z.strictObject({ kind: z.literal('uniform') }),
    z.strictObject({
      kind: z.literal('hotspot'),
      /** Fraction of the entities that are hot, in (0, 1). @default 0.2 */
      hotFraction: openFraction().default(0.2).describe('fraction of entities that are hot, in (0, 1)'),
      /** Fraction of the requests that go to the hot entities, in (0, 1). @default 0.8 */
      hotShare: openFraction().default(0.8).describe('fraction of requests that go to hot entities, in (0, 1)'),
    }),
    z.strictObject({
      kind: z.literal('latest'),
      /** Zipf exponent over recency: the newest entity (highest index) is the hottest. @default 0.99 */
      exponent: z.number().gt(0).default(0.99).describe('Zipf exponent over recency (newest = hottest)'),
    }),
    z.strictObject({
      kind: z.literal('trace'),
      /** Recorded key trace, relative to the scenario file's folder (resolve it with `LoadedScenario.dir`). */
      file: z.string().min(1).describe("key trace file, relative to the scenario file's folder"),
      /** Start again from the top when the trace runs out. @default true */
      loop: z.boolean().default(true).describe('replay the trace from the start when it runs out'),
    }),
  ])
  .prefault({ kind: 'zipf' })
  .describe('key popularity: zipf | uniform | hotspot | latest | trace');

export const keysSchema = z
  .strictObject({
    /** Number of distinct entities (keys per feature set). @default 100000 */
    entities: z.int().min(1).default(100_000).describe('number of distinct entities'),
    /** Which entities requests ask for. @default { kind: zipf, exponent: 0.99, scramble: true } */
    distribution: distributionSchema,
  })
  .prefault({});

export const payloadSchema = z
  .strictObject({
    /** float64 features (`f0..`). @default 50 */
    floats: z.int().min(0).default(50).describe('number of float features'),
    /** integer features (`i0..`). @default 8 */
    ints: z.int().min(0).default(8).describe('number of integer features'),
    /** string features (`s0..`). @default 2 */
    strings: z.int().min(0).default(2).describe('number of string features'),
    /** Dimensions of one float embedding vector (`emb`); 0 = none. @default 0 */
    embedding: z.int().min(0).default(0).describe('embedding dimensions (0 = none)'),
    /** Characters per string feature. @default 12 */
    stringLength: z.int().min(1).default(12).describe('characters per string feature'),
    /** How many of the string features (the last ones) are categorical: `tensor` stores them as dictionary ids. @default 0 */
    categorical: z.int().min(0).default(0).describe('how many string features (the last) are categorical'),
    /** Distinct values of each categorical string feature. @default 16 */
    cardinality: z.int().min(1).default(16).describe('distinct values of each categorical string'),
  })
  .refine((payload) => !(typeof payload.categorical === 'number' && typeof payload.strings === 'number' && payload.categorical > payload.strings), {
    ...EVEN_WITH_ERRORS,
    path: ['categorical'],
    error: (iss) => `must be at most strings (${String((iss.input as { strings?: unknown }).strings)}): the categorical features are some of the string features`,
  })
  .prefault({});

export const ttlSchema = z
  .strictObject({
    /** Hard TTL in ms: never served after this. @default 15 minutes (900000) */
    hard: durationMs().prefault('15m').describe('hard TTL: never served after this'),
    /** Soft TTL in ms (< hard): after it the value is stale and refreshed in the background. */
    soft: durationMs().optional().describe('soft TTL (< hard): served stale and refreshed after this'),
    /** Random TTL spread as a fraction in [0, 1): each TTL is multiplied by 1 - jitter * u. @default 0 */
    jitter: z.number().min(0).lt(1).default(0).describe('TTL jitter fraction in [0, 1)'),
    /** Probabilistic early refresh before expiry. */
    earlyRefresh: z
      .discriminatedUnion('kind', [
        z.strictObject({
          kind: z.literal('xfetch'),
          /** XFetch beta: > 1 refreshes earlier, < 1 later. @default 1 */
          beta: z.number().gt(0).default(1).describe('XFetch beta > 0 (> 1 refreshes earlier)'),
        }),
      ])
      .optional()
      .describe('probabilistic early refresh (XFetch)'),
  })
  .refine((ttl) => !(typeof ttl.soft === 'number' && typeof ttl.hard === 'number' && ttl.soft >= ttl.hard), {
    ...EVEN_WITH_ERRORS,
    path: ['soft'],
    error: (iss) => {
      const ttl = iss.input as { soft: number; hard: number };
      return `must be shorter than hard (got soft ${formatDurationMs(ttl.soft)}, hard ${formatDurationMs(ttl.hard)})`;
    },
  })
  .prefault({});

export const featureSetSchema = z.strictObject({
  /** Feature set name, part of the Redis key. */
  name: identifier('a feature set name').describe('feature set name (letters, digits, _ . -)'),
  /** Snapshot version, part of the Redis key. @default "v1" */
  version: identifier('a version').default('v1').describe('snapshot version (letters, digits, _ . -)'),
  payload: payloadSchema.describe('shape of the feature values'),
  ttl: ttlSchema.describe('cache TTL policy for this feature set'),
  /** Relative share of requests asking for this set (with `request.featureSets: one`). @default 1 */
  weight: z.number().gt(0).default(1).describe('relative share of requests for this set'),
});

export const featureSetsSchema = z
  .array(featureSetSchema)
  .min(1)
  .superRefine((sets, ctx) => {
    // Runs even when the array check failed: `featureSets: {}` arrives here as a mapping (fuzzing).
    if (!Array.isArray(sets)) return;
    const firstIndex = new Map<string, number>();
    sets.forEach((set, index) => {
      const name = set?.name;
      if (typeof name !== 'string') return;
      const earlier = firstIndex.get(name);
      if (earlier === undefined) firstIndex.set(name, index);
      else ctx.addIssue({ code: 'custom', path: [index, 'name'], input: name, message: `duplicate feature set name ${JSON.stringify(name)} (also featureSets[${earlier}])` });
    });
  }, EVEN_WITH_ERRORS)
  .prefault([{ name: 'features' }])
  .describe('feature sets served (unique names)');

export const requestSchema = z
  .strictObject({
    /** `one`: each request asks for one set, picked by weight; `all`: every set in one request (MGET). @default "one" */
    featureSets: z.enum(['one', 'all']).default('one').describe('one set per request (by weight), or all sets in one MGET'),
  })
  .prefault({});

/** `{entity}` (required) and `{sets}` (comma-separated feature sets) in an external target URL. */
export const TARGET_PLACEHOLDER_RE = /\{(entity|sets)\}/g;

/** `builtin`, or an http(s) URL template with `{entity}` (and optionally `{sets}`). */
function targetProblem(target: string): string | null {
  if (target === 'builtin') return null;
  if (!target.includes('{entity}')) return 'must be builtin or an http(s) URL with {entity}, e.g. http://127.0.0.1:8080/features/{entity}?sets={sets}';
  let url: URL;
  try {
    url = new URL(target.replace(TARGET_PLACEHOLDER_RE, 'x'));
  } catch {
    return `not a URL: ${describeValue(target)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `unsupported scheme ${url.protocol} (use http:// or https://)`;
  return null;
}

export const httpLoadSchema = z
  .strictObject({
    mode: z.literal('http'),
    /**
     * `builtin`: fcbench starts `cascade.replicas` serving processes sharing the Redis; or a team's
     * own service: `http://127.0.0.1:8080/features/{entity}?sets={sets}` (loopback only unless
     * `allowRemote` / `--allow-remote`). @default "builtin"
     */
    target: z
      .string()
      .default('builtin')
      .superRefine((target, ctx) => {
        const problem = targetProblem(target);
        if (problem !== null) ctx.addIssue({ code: 'custom', input: target, message: problem });
      })
      .describe('builtin, or an external URL template with {entity} and {sets}'),
    /**
     * `autocannon`: autocannon's closed loop (each connection sends its next request when the last
     * returns; latency from the actual send). `open`: fcbench's open-loop schedule at `rate` over
     * undici, latency from each intended start (no coordinated omission). @default "autocannon"
     */
    driver: z.enum(['autocannon', 'open']).default('autocannon').describe('autocannon (closed loop) or open (open loop at rate, over undici)'),
    /** Keep-alive connections, over all replicas. @default 16 */
    connections: z.int().min(1).max(4096).default(16).describe('HTTP connections (over all replicas)'),
    /** Requests in flight per connection (HTTP/1.1 pipelining). @default 1 */
    pipelining: z.int().min(1).max(256).default(1).describe('requests in flight per connection'),
    /**
     * Requests per second. Required for `driver: open` (the arrival rate). With `autocannon` it is
     * autocannon's `overallRate`: a per-connection budget per wall-clock second, not a schedule.
     */
    rate: z.number().gt(0).optional().describe('req/s: the open driver\'s arrival rate, or autocannon\'s per-second budget'),
    /** Open driver: inter-arrival times. @default "poisson" */
    arrivals: z.enum(['constant', 'poisson']).default('poisson').describe('open driver: constant or poisson arrivals'),
    /** Open driver: requests in flight before new arrivals are dropped (and counted). @default 1024 */
    maxInFlight: z.int().min(1).default(1024).describe('open driver: in-flight cap; arrivals beyond it are dropped and counted'),
    /** Bound the measured phase by a request count instead of `duration` (open driver). */
    requests: z.int().min(1).optional().describe('measured requests (instead of duration; open driver)'),
    /** A request with no complete response after this long is an `http-timeout` error, ms. @default 10 seconds */
    timeout: durationMs().prefault('10s').describe('per-request timeout'),
    /** Response format asked for with `Accept`. @default "json" */
    accept: z.enum(['json', 'msgpack']).default('json').describe('response format asked for (Accept header)'),
    /** Allow a non-loopback target host (also `--allow-remote`). @default false */
    allowRemote: z.boolean().default(false).describe('allow a non-loopback target'),
    /** Request headers (auth), `${VAR}` interpolated; their values are redacted from results and reports. @default {} */
    headers: z.record(z.string(), z.string()).default({}).describe('request headers, e.g. Authorization: "Bearer ${TOKEN}" (redacted in results)'),
  })
  .refine((load) => !(load.driver === 'open' && load.rate === undefined), {
    ...EVEN_WITH_ERRORS,
    path: ['rate'],
    error: 'driver open needs rate (its arrival rate, requests per second)',
  });

export const loadSchema = z
  .discriminatedUnion('mode', [
    z.strictObject({
      mode: z.literal('open'),
      /** Arrival rate in requests per second (required). */
      rate: z.number().gt(0).describe('arrival rate, requests per second'),
      /** Inter-arrival times: evenly spaced or exponential. @default "poisson" */
      arrivals: z.enum(['constant', 'poisson']).default('poisson').describe('constant or poisson arrivals'),
      /** Requests allowed in flight before new arrivals are dropped (and counted). @default 1024 */
      maxInFlight: z.int().min(1).default(1024).describe('in-flight cap; arrivals beyond it are dropped and counted'),
      /** Bound the measured phase by a request count instead of `duration`. */
      requests: z.int().min(1).optional().describe('measured requests (instead of duration)'),
      /**
       * Run the load as this many shards on worker threads of this process (each its own event
       * loop, replicas and part of the load, as `--shard`), merged in memory into one result.
       * @default 1
       */
      workers: z.int().min(1).max(64).optional().describe('shards run as worker threads in this process, merged into one result (default 1)'),
    }),
    z.strictObject({
      mode: z.literal('closed'),
      /** Concurrent virtual users, each sending its next request when the last one ends. @default 16 */
      concurrency: z.int().min(1).default(16).describe('concurrent virtual users'),
      /** Pause between a user's requests, ms. @default 0 */
      thinkTime: durationMs({ allowZero: true }).prefault('0s').describe('pause between requests of one user'),
      /** Bound the measured phase by a request count instead of `duration`. */
      requests: z.int().min(1).optional().describe('measured requests (instead of duration)'),
      /**
       * Run the load as this many shards on worker threads of this process (each its own event
       * loop, replicas and part of the load, as `--shard`), merged in memory into one result.
       * @default 1
       */
      workers: z.int().min(1).max(64).optional().describe('shards run as worker threads in this process, merged into one result (default 1)'),
    }),
    httpLoadSchema,
  ])
  .prefault({ mode: 'closed' })
  .describe('load model: open (arrival rate), closed (concurrency) or http (replica processes or a service, over HTTP)');

/** `at` is ms since the measured phase started. */
const at = () => durationMs({ allowZero: true }).describe('when, since the measured phase started');

export const eventSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('expire-hot'),
      at: at(),
      /** Number of hottest keys to expire. @default 10 */
      top: z.int().min(1).default(10).describe('number of hottest keys to expire'),
      /** Only this feature set (must name one); all sets when omitted. */
      featureSet: z.string().optional().describe('feature set to expire (default: all)'),
      /**
       * Which expiry the keys reach. `hard`: deleted from Redis and the local tiers. `soft`: where
       * the set has a soft TTL, the Redis value is aged to its soft expiry (as if written one soft
       * TTL ago: still there, served stale while refreshed) and local copies are dropped; sets
       * without one have no soft expiry, so their keys are deleted as with `hard`. @default "hard"
       */
      expiry: z.enum(['hard', 'soft']).default('hard').describe('hard (delete) or soft (age to the soft expiry where there is one)'),
    }),
    z.strictObject({ kind: z.literal('flush-local'), at: at() }),
    z.strictObject({
      kind: z.literal('deploy'),
      at: at(),
      /** Replicas after the deploy (routing follows the new count). @default the count before it */
      replicas: z.int().min(1).max(64).optional().describe('replica count after the deploy (default: unchanged)'),
      /**
       * Each new replica preloads its top-N hottest entities (every feature set) from Redis into
       * its local LRU before it takes traffic; the old replicas serve meanwhile. At most
       * `cascade.local.maxEntries`. @default 0 (new replicas start cold)
       */
      warmLocal: z.int().min(0).optional().describe('hottest entities each new replica preloads from Redis before taking traffic'),
    }),
    z.strictObject({
      kind: z.literal('source-slowdown'),
      at: at(),
      /** Source latency multiplier, >= 1. @default 5 */
      factor: z.number().min(1).default(5).describe('source latency multiplier (>= 1)'),
      /** How long the slowdown lasts, ms. */
      for: durationMs().describe('how long it lasts'),
    }),
    z.strictObject({
      kind: z.literal('source-errors'),
      at: at(),
      /** Fraction of source calls that fail, in (0, 1]. */
      rate: z.number().gt(0).max(1).describe('fraction of source calls that fail, in (0, 1]'),
      /** How long the errors last, ms. */
      for: durationMs().describe('how long it lasts'),
    }),
    z.strictObject({
      kind: z.literal('redis-pause'),
      at: at(),
      /** How long Redis stops answering (CLIENT PAUSE), ms. */
      for: durationMs().describe('how long Redis stops answering'),
    }),
    z.strictObject({
      kind: z.literal('batch-publish'),
      at: at(),
      /** Feature set the batch job writes a new snapshot of (must name one). */
      featureSet: z.string().describe('feature set the batch writes'),
      /** The new snapshot version: letters, digits, _ . - (it becomes part of Redis keys). */
      version: z
        .string()
        .regex(/^[A-Za-z0-9_.-]+$/, { error: 'may contain only letters, digits, _ . and -' })
        .describe('new snapshot version'),
      /** Fraction of entities whose values differ from the previous snapshot, 0..1 (chosen from the seed). @default 0.3 */
      changed: z.number().min(0).max(1).default(0.3).describe('fraction of entities whose values change, 0..1'),
      /** How long the snapshot's write transaction takes before it commits, ms. @default 0 */
      commitDuration: durationMs({ allowZero: true }).prefault('0s').describe('write transaction length before the commit'),
      /** When the batch announces the snapshot: after its commit, before it (the bug), or never. @default "post-commit" */
      publication: z.enum(['post-commit', 'pre-commit', 'none']).default('post-commit').describe('post-commit, pre-commit or none'),
      /** How caches learn of it. @default "versioned-keys" */
      invalidation: z
        .enum(['versioned-keys', 'delete', 'overwrite', 'ttl-only'])
        .default('versioned-keys')
        .describe('versioned-keys, delete, overwrite or ttl-only'),
      /** Delay between the publication and the cache updater acting on it, ms. @default 0 */
      publishLag: durationMs({ allowZero: true }).prefault('0s').describe('publication -> cache updater delay'),
    }),
    z.strictObject({
      kind: z.literal('batch-rollback'),
      at: at(),
      featureSet: z.string().describe('feature set of the snapshot'),
      /** The uncommitted snapshot to abandon (a batch-publish of it must still be writing). */
      version: z.string().describe('snapshot version to abandon'),
    }),
  ])
  .describe('a disturbance during the measured phase');
