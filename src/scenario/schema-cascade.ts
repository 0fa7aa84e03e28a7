import * as z from 'zod';
import { describeValue } from './describe-value.js';
import { implementationSchema } from './implementation-rules.js';
import { durationMs, EVEN_WITH_ERRORS, sizeBytes } from './schema-units.js';
import { formatDurationMs } from './units.js';

/**
 * The system-under-test half of a scenario: codec, the cascade's tiers, stampede protection,
 * failure policy and the cost model. Durations are milliseconds and sizes bytes after parsing.
 */

export const codecSchema = z
  .strictObject({
    /** Serializer: `tensor` stores values laid out by each feature set's payload spec, with a schema hash. @default "msgpack" */
    format: z.enum(['json', 'msgpack', 'tensor']).default('msgpack').describe('serializer'),
    /** `tensor` only: width of float features and the embedding. @default "float32" */
    dtype: z.enum(['float32', 'float64']).default('float32').describe('tensor float width'),
    /** Compressor applied after serializing. @default "none" */
    compression: z.enum(['none', 'deflate', 'gzip', 'zstd', 'lz4']).default('none').describe('compressor'),
    /** Compress only values whose serialized size is at least this many bytes. @default 0 */
    compressAbove: sizeBytes({ allowZero: true }).prefault(0).describe('compress only values at least this big'),
    /** Compression level: 1..19 for zstd, 1..9 for deflate and gzip, ignored by lz4. @default 1 */
    level: z.int().min(1).max(19).default(1).describe('compression level (zstd 1..19, deflate/gzip 1..9)'),
  })
  .refine((codec) => !((codec.compression === 'deflate' || codec.compression === 'gzip') && codec.level > 9), {
    ...EVEN_WITH_ERRORS,
    path: ['level'],
    error: (iss) => `must be 1..9 for ${(iss.input as { compression: string }).compression} (only zstd goes to 19)`,
  })
  .prefault({});

export const localTierSchema = z
  .strictObject({
    /** Use an in-process LRU in each replica. @default true */
    enabled: z.boolean().default(true).describe('use an in-process LRU per replica'),
    /** Entries per replica. @default 10000 */
    maxEntries: z.int().min(1).default(10_000).describe('entries per replica'),
    /** Optional byte budget per replica (encoded sizes). */
    maxBytes: sizeBytes().optional().describe('byte budget per replica'),
    /** Local TTL in ms. @default 30 seconds (30000) */
    ttl: durationMs().prefault('30s').describe('local TTL'),
    /**
     * How a replica hears that a cached value changed: `ttl` (it does not; entries age out),
     * `pubsub` (the cache updater publishes the changed keys on a Redis channel), `tracking`
     * (Redis server-assisted client-side caching: CLIENT TRACKING with invalidations redirected
     * to a `__redis__:invalidate` subscription). @default "ttl"
     */
    invalidation: z.enum(['ttl', 'pubsub', 'tracking']).default('ttl').describe('ttl, pubsub or tracking'),
  })
  .prefault({});

const REDIS_URL_RE = /^(auto|rediss?:\/\/.*)$/;
const KEY_PREFIX_RE = /^[A-Za-z0-9_.:-]+$/;

export const redisTierSchema = z
  .strictObject({
    /** `auto` (REDIS_URL, else a private redis-server), or a `redis://` / `rediss://` URL. @default "auto" */
    url: z
      .string()
      .regex(REDIS_URL_RE, { error: (iss) => `expected "auto" or a redis:// or rediss:// URL (got ${describeValue(iss.input)})` })
      .default('auto')
      .describe('"auto" (REDIS_URL, else a private redis-server) or redis:// / rediss:// URL'),
    /**
     * Redis Cluster seed nodes (`redis://host:port`, one or more). When set, `url` is not used: the
     * run connects with a cluster client, hash-tags the entity in every key (`…:{entity}`) so a
     * request's feature sets share a slot, and cleans up on every master.
     */
    cluster: z
      .array(
        z.string().regex(/^rediss?:\/\/.+/, { error: (iss) => `expected a redis:// or rediss:// seed URL (got ${describeValue(iss.input)})` }),
      )
      .min(1, { error: 'needs at least one seed node (redis://host:port)' })
      .optional()
      .describe('Redis Cluster seed URLs; when set, url is not used'),
    /** Prefix of every key fcbench writes (and cleans up). @default "fcb" */
    keyPrefix: z
      .string()
      .regex(KEY_PREFIX_RE, { error: (iss) => `may contain only letters, digits, _ . : and - (got ${describeValue(iss.input)})` })
      .default('fcb')
      .describe('key prefix (letters, digits, _ . : -)'),
    /** Per-command timeout, ms. @default 500 */
    commandTimeout: durationMs().prefault('500ms').describe('per-command timeout'),
    /** Connection timeout, ms. @default 2000 */
    connectTimeout: durationMs().prefault('2s').describe('connection timeout'),
    /** ioredis auto-pipelining (measured, not assumed: it can worsen the tail). @default false */
    autoPipelining: z.boolean().default(false).describe('ioredis auto-pipelining'),
    /**
     * Shared key layout: the run reads and writes `keyPrefix` as given, with no per-run suffix, so it
     * reads keys `fcbench warm` (or another run) wrote, and at the end it deletes only the keys it
     * wrote itself. Events that delete or rewrite keys it did not write (expire-hot, batch-publish)
     * are refused with it. @default false
     */
    shared: z.boolean().default(false).describe('read and write keyPrefix as given (no per-run suffix); delete only keys this run wrote'),
    /** Leave the run's keys in Redis afterwards. @default false */
    keepKeys: z.boolean().default(false).describe('keep the keys after the run'),
    /** Allow a non-loopback Redis (the run writes and deletes keys there). @default false */
    allowRemote: z.boolean().default(false).describe('allow a non-loopback Redis'),
    /**
     * With `invalidation: versioned-keys`, how often each replica reads the current-version
     * pointer key (one GET per replica and feature set per interval), ms. @default 100
     */
    pointerRefresh: durationMs().prefault('100ms').describe('how often replicas read the version pointer'),
  })
  .prefault({});

const PG_URL_RE = /^(auto|postgres(ql)?:\/\/.*)$/;
/** Unquoted lowercase identifiers only, so the name needs no escaping rules of its own in SQL. */
const PG_TABLE_RE = /^[a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?$/;

const latencyUnion = z.union(
  [
    z.strictObject({ fixed: durationMs({ allowZero: true }).describe('every call takes this long') }),
    z
      .strictObject({
        p50: durationMs({ allowZero: true }).describe('median latency'),
        p99: durationMs({ allowZero: true }).describe('99th percentile latency (>= p50)'),
      })
      .refine((l) => !(typeof l.p50 === 'number' && typeof l.p99 === 'number' && l.p99 < l.p50), {
        ...EVEN_WITH_ERRORS,
        path: ['p99'],
        error: (iss) => {
          const l = iss.input as { p50: number; p99: number };
          return `must be >= p50 (got p50 ${formatDurationMs(l.p50)}, p99 ${formatDurationMs(l.p99)})`;
        },
      }),
    z
      .strictObject({
        min: durationMs({ allowZero: true }).describe('shortest latency'),
        max: durationMs({ allowZero: true }).describe('longest latency (>= min)'),
      })
      .refine((l) => !(typeof l.min === 'number' && typeof l.max === 'number' && l.max < l.min), {
        ...EVEN_WITH_ERRORS,
        path: ['max'],
        error: (iss) => {
          const l = iss.input as { min: number; max: number };
          return `must be >= min (got min ${formatDurationMs(l.min)}, max ${formatDurationMs(l.max)})`;
        },
      }),
  ],
  { error: (iss) => `expected { fixed }, { p50, p99 } or { min, max } durations (got ${describeValue(iss.input)})` },
);

export const sourceSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('simulated'),
      /**
       * Simulated fetch latency (ms): `{ fixed }`, a log-normal fitted to `{ p50, p99 }`, or
       * uniform `{ min, max }`. @default { p50: 5ms, p99: 25ms }
       */
      latency: latencyUnion.prefault({ p50: '5ms', p99: '25ms' }).describe('fetch latency: { fixed } | { p50, p99 } | { min, max }'),
      /** Concurrent fetches the store accepts; more queue. @default 64 */
      concurrency: z.int().min(1).default(64).describe('concurrent fetches; more queue'),
      /** Fraction of fetches that fail, in [0, 1]. @default 0 */
      errorRate: z.number().min(0).max(1).default(0).describe('fraction of fetches that fail'),
      /** Fetch timeout, ms. @default 5000 */
      timeout: durationMs().prefault('5s').describe('fetch timeout'),
    }),
    z.strictObject({
      kind: z.literal('postgres'),
      /**
       * `auto` (FCBENCH_PG_URL if set, else `postgres://postgres@127.0.0.1:5432/fcbench`) or a
       * `postgres://` / `postgresql://` URL. Its password is never printed or stored. @default "auto"
       */
      url: z
        .string()
        .regex(PG_URL_RE, { error: (iss) => `expected "auto" or a postgres:// or postgresql:// URL (got ${describeValue(iss.input)})` })
        .default('auto')
        .describe('"auto" (FCBENCH_PG_URL, else postgres://postgres@127.0.0.1:5432/fcbench) or postgres:// URL'),
      /** Feature table, one row per (feature set, snapshot version, entity); `schema.table` allowed. @default "fcbench_features" */
      table: z
        .string()
        .regex(PG_TABLE_RE, { error: (iss) => `expected a lowercase SQL name like fcbench_features or myschema.features (got ${describeValue(iss.input)})` })
        .default('fcbench_features')
        .describe('feature table (lowercase name, optionally schema.table)'),
      /** Pool size: reads in flight at once; more wait for a connection (measured as queue wait). @default 16 */
      concurrency: z.int().min(1).max(512).default(16).describe('connection pool size; more reads queue'),
      /** Server-side statement_timeout of each read, and the longest wait for a pooled connection, ms. @default 2000 */
      statementTimeout: durationMs().prefault('2s').describe('statement_timeout of each read (also bounds the pool wait)'),
      /** First connection must succeed within this, or the run stops (exit 3), ms. @default 2000 */
      connectTimeout: durationMs().prefault('2s').describe('connection timeout'),
      /** Extra latency added to every read after the query, to model a remote store (same shapes as the simulated latency). */
      addedLatency: latencyUnion.optional().describe('latency added to each read: { fixed } | { p50, p99 } | { min, max }'),
      /** Allow a non-loopback PostgreSQL (runs read it; `source load` writes to it). @default false */
      allowRemote: z.boolean().default(false).describe('allow a non-loopback PostgreSQL'),
    }),
  ])
  .prefault({ kind: 'simulated' })
  .describe('the feature store behind the caches');

const JOIN_KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const feastSchema = z.strictObject({
  /** The entity's join key name in Feast. @default "entity_id" */
  joinKey: z
    .string()
    .regex(JOIN_KEY_RE, { error: (iss) => `expected a Feast join key name like entity_id (got ${describeValue(iss.input)})` })
    .default('entity_id')
    .describe('join key name'),
  /** The entity's Feast type: `string` or `int64` (entity ids are then decimal integers, as fcbench's are). @default "string" */
  entityType: z.enum(['string', 'int64']).default('string').describe('string | int64'),
});

export const cascadeSchema = z
  .strictObject({
    /** Whose cascade serves the requests: fcbench's own, a built-in adapter, or a plugin module (docs/cascade-plugins.md). @default "fcbench" */
    implementation: implementationSchema,
    /** Serving replicas, each with its own local tier. @default 1 */
    replicas: z.int().min(1).max(64).default(1).describe('serving replicas, each with its own local LRU'),
    /** How requests pick a replica: random, sticky by entity, or in turn. @default "random" */
    routing: z.enum(['random', 'affinity', 'round-robin']).default('random').describe('how requests pick a replica'),
    local: localTierSchema.describe('in-process LRU tier'),
    redis: redisTierSchema.describe('shared Redis tier'),
    source: sourceSchema,
    /**
     * How values sit in Redis: `fcbench` (one key per feature set and entity, the codec's envelope)
     * or `feast` (Feast's Redis online store format: a hash per entity, project = the key prefix,
     * fields murmur3("view:feature") holding ValueProto bytes, `_ts:<view>`). README "Feast's Redis
     * layout" says what applies. @default "fcbench"
     */
    layout: z.enum(['fcbench', 'feast']).default('fcbench').describe('fcbench | feast (Feast\'s Redis online store format)'),
    /** `layout: feast` only: the entity key Feast hashes are keyed by. */
    feast: feastSchema.optional().describe('layout feast: the entity join key'),
  })
  .prefault({});

export const stampedeSchema = z
  .discriminatedUnion('strategy', [
    z.strictObject({ strategy: z.literal('none') }),
    z.strictObject({ strategy: z.literal('single-flight') }),
    z.strictObject({
      strategy: z.literal('swr'),
      /**
       * A soft TTL for the feature sets that set none (`ttl.soft` wins), ms: past it a value is
       * served stale while one refresh per replica runs. With the local tier off it is the only
       * stale value swr has (a key Redis lost is gone), so without it swr acts as single-flight
       * there. Shorter than the sets' hard TTL. @default none
       */
      softTtl: durationMs().optional().describe('soft TTL for feature sets without one (serve stale, refresh once per replica)'),
    }),
    z.strictObject({
      strategy: z.literal('redis-lock'),
      /** Lock expiry, ms. @default 2000 */
      lockTtl: durationMs().prefault('2s').describe('lock expiry'),
      /** How long a caller waits for another's fill, ms. @default 200 */
      wait: durationMs().prefault('200ms').describe('how long to wait for the lock holder'),
      /** Poll period while waiting, ms. @default 5 */
      pollInterval: durationMs().prefault('5ms').describe('poll period while waiting'),
      /** What a caller does when the wait runs out. @default "serve-stale" */
      onTimeout: z.enum(['serve-stale', 'bypass', 'fail']).default('serve-stale').describe('what to do when the wait runs out'),
    }),
  ])
  .prefault({ strategy: 'single-flight' })
  .describe('stampede protection: none | single-flight | swr | redis-lock');

export const costSchema = z
  .strictObject({
    /** USD per million feature-store reads. @default 0.25 */
    sourcePerMillionReads: z.number().min(0).default(0.25).describe('USD per million feature-store reads'),
    /** USD per Redis node hour. @default 0.226 */
    redisNodePerHour: z.number().min(0).default(0.226).describe('USD per Redis node hour'),
    /** Memory of one Redis node, bytes. @default 6 GiB */
    redisNodeMemory: sizeBytes().prefault('6GB').describe('memory of one Redis node'),
    /** USD per vCPU hour of serving compute. @default 0.04 */
    computePerVcpuHour: z.number().min(0).default(0.04).describe('USD per vCPU hour'),
    /** Production requests per second to project the costs to. */
    productionRps: z.number().gt(0).optional().describe('production requests/s to project to'),
  })
  .prefault({});
