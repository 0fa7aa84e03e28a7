import type { FeatureValues } from '../../workload/types.js';

/**
 * The plugin interface of `cascade.implementation` (docs/cascade-plugins.md). A stable contract:
 * fields may be added, none renamed or removed.
 */

/** What one `get` may say about itself. Leave a field unset when the library cannot tell: unset is "not reported", never false or zero. */
export interface PluginCallStatus {
  /** The tier that answered: the in-process tier, Redis, or the source (a fill). */
  tier?: 'local' | 'redis' | 'source';
  /** The value served was past its soft TTL (a grace period, stale-while-revalidate). */
  stale?: boolean;
  /**
   * This get called the source itself. fcbench counts source calls from outside (the source is
   * its own), so set this only when the library runs fills out of the get's async context.
   */
  originCall?: boolean;
}

/** One feature set as the scenario resolved it. Durations in ms. */
export interface PluginFeatureSet {
  name: string;
  version: string;
  /** Hard TTL (never serve past it), soft TTL (serve stale and refresh past it; null = none), jitter fraction, XFetch beta (null = no early refresh). */
  ttl: { hardMs: number; softMs: number | null; jitter: number; earlyRefreshBeta: number | null };
}

/** The scenario's cascade options, resolved (defaults applied, ms and bytes). */
export interface PluginOptions {
  featureSets: readonly PluginFeatureSet[];
  local: { enabled: boolean; maxEntries: number; maxBytes: number | null; ttlMs: number };
  /** The run's key prefix (per-run suffix included): write every Redis key under it, so cleanup finds it. */
  keyPrefix: string;
  codec: { format: string; compression: string; compressAboveBytes: number; level: number };
  stampede: { strategy: string; lockTtlMs?: number; waitMs?: number };
  failurePolicy: string;
}

/** The feature store, fcbench's own: every call is counted and timed from outside. */
export interface PluginSource {
  fetch(entity: string, featureSet: string): Promise<FeatureValues>;
}

/** Where the run's Redis is, for a library that needs a client of its own (same loopback and timeout rules). */
export interface PluginRedisEndpoint {
  /** Already checked: loopback unless `cascade.redis.allowRemote`. May carry a password. */
  url: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

export interface PluginContext<Client = unknown> {
  options: PluginOptions;
  /** This replica's own ioredis connection, connected, with a command timeout and no offline queue. fcbench closes it. */
  redis: Client;
  redisEndpoint: PluginRedisEndpoint;
  source: PluginSource;
  /** Replica index (0-based); each replica gets its own factory call. */
  replicaId: number;
}

export interface CascadePlugin {
  /** The feature values of one entity's feature set. A value that is already at hand may be returned synchronously. */
  get(entity: string, featureSet: string, status: PluginCallStatus): unknown;
  /** Stop timers and background work; leave `context.redis` open (fcbench closes it). */
  close(): void | Promise<void>;
  /** Optional: drop the value from every tier (expire-hot events need it). */
  delete?(entity: string, featureSet: string): void | Promise<void>;
  /** Optional: empty the in-process tier (flush-local events need it). */
  clearLocal?(): void | Promise<void>;
  /** Optional: the library behind it, recorded in the result. */
  library?: { name: string; version: string };
  /** Optional: scenario options the library has no equivalent for (recorded in the result). */
  unmappedOptions?: readonly string[];
}

/** The module's export: `export function createCascade(context) { ... }` (or the default export). */
export type CascadeFactory = (context: PluginContext) => CascadePlugin | Promise<CascadePlugin>;
