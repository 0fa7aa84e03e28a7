import type { LatencySummary } from '../results/result-types.js';
import type { Scenario } from '../scenario/schema.js';

/**
 * What fcbench's runner and its replica processes say to each other. Start-up and shutdown go over
 * the IPC channel of `child_process.fork` (which also tells a replica its parent is gone); control
 * and the end-of-run read go over HTTP to the replica's internal endpoints, on the port it serves.
 */

/** Internal endpoints: not part of the feature API, under a prefix no entity route uses. */
export const INTERNAL_PREFIX = '/_fcbench/';
export const METRICS_PATH = '/_fcbench/metrics';
export const CONTROL_PATH = '/_fcbench/control';

/** Set in a replica's environment: the entry module runs the replica only when it is there. */
export const REPLICA_ENV_FLAG = 'FCBENCH_REPLICA_PROCESS';

export interface ReplicaConfig {
  id: number;
  /** The resolved scenario (defaults applied, overrides and matrix values in). */
  scenario: Scenario;
  scenarioDir: string;
  /** The run's key prefix (`<keyPrefix>:<run id>`), shared by every replica. */
  keyPrefix: string;
  runId: string;
  /** Redis URL with its password (IPC only, never argv: argv shows in `ps`). */
  redisUrl: string;
}

export type ParentMessage = { type: 'start'; config: ReplicaConfig } | { type: 'stop' };
/** `loaded`: modules loaded, waiting for `start` (a spare waits here until a deploy). */
export type ChildMessage = { type: 'loaded' } | { type: 'ready'; port: number; pid: number } | { type: 'failed'; code: string; message: string };

/**
 * Commands of `POST /_fcbench/control`. Events reach every replica through these. A `deploy`
 * starts new replica processes (ReplicaSet.launch), which may `preload-local` before taking traffic.
 */
export type ControlCommand =
  /** After warmup: clear the replica's own histograms and counters. */
  | { op: 'reset' }
  | { op: 'flush-local' }
  /** expire-hot, sent to one replica: expire these keys in Redis and its local tier; answers `{ keys }`. */
  | { op: 'expire'; targets: { entity: string; set: string }[]; expiry: 'hard' | 'soft' }
  /** expire-hot, to the other replicas: drop these keys from the local tier. */
  | { op: 'evict-local'; keys: string[] }
  | { op: 'source-latency'; factor: number }
  | { op: 'source-errors'; rate: number | null }
  /**
   * deploy with `warmLocal`: read the `top` hottest entities of every feature set from Redis into
   * the local tier (the cascade's own preloadLocal, which never calls the source); answers
   * `PreloadAnswer`. The replica ranks them itself from the scenario, so the list never crosses HTTP.
   */
  | { op: 'preload-local'; top: number };

/** The answer to `preload-local`, summed over the feature sets. */
export interface PreloadAnswer {
  loaded: number;
  failed: number;
}

/** `GET /_fcbench/metrics`: a replica's own view since the last reset, histograms encoded. */
export interface ReplicaReport {
  id: number;
  pid: number;
  served: number;
  failed: number;
  latency: { endToEnd: LatencySummary; byTier: { local: LatencySummary; redis: LatencySummary; source: LatencySummary } };
  tiers: { localHits: number; localLookups: number; redisHits: number; redisLookups: number };
  source: { calls: number; errors: number };
  /** Process CPU seconds since the last reset (the serving compute cost). */
  cpuSeconds: number;
}
