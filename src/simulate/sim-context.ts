import type { CascadeStats } from '../cascade/core.js';
import type { FailurePolicy, ResolvedStampede, ResolvedTtl } from '../cascade/options.js';
import type { Rng } from '../workload/types.js';
import type { EventQueue } from './event-queue.js';
import type { IndexLru } from './index-lru.js';
import type { SimLatencies } from './latency-models.js';
import type { RedisLink, RedisSet } from './redis-model.js';
import type { SourceModel } from './source-model.js';

/** One feature set as the simulation serves it. */
export interface SimSet {
  index: number;
  name: string;
  version: string;
  ttl: ResolvedTtl;
  /** `{keyPrefix}:{name}:{version}:` (key-scheme.ts), for the keys the stampede tracker sees. */
  keyPrefix: string;
  redis: RedisSet;
  /** Mean serialized and stored bytes of a value, from a sample encoded with the scenario's codec. */
  rawBytes: number;
  encodedBytes: number;
}

/** A replica: one LRU per feature set, its rng streams, its moving average of fetch times per set (XFetch). */
export interface SimReplica {
  lru: IndexLru[];
  jitterRng: Rng;
  xfetchRng: Rng;
  recomputeMs: Float64Array;
  stats: CascadeStats;
}

/** What the simulated cascade's parts share. Times: µs on the virtual clock; TTL fields ms (t / 1000). */
export interface SimContext {
  sets: SimSet[];
  replicas: SimReplica[];
  /** Entities (or a trace's distinct ids): the size of every per-entity array. */
  entities: number;
  idOf: (e: number) => string;
  local: { enabled: boolean; ttlMs: number };
  stampede: ResolvedStampede;
  failurePolicy: FailurePolicy;
  source: SourceModel;
  link: RedisLink;
  latencies: SimLatencies;
  /** Draws for codec and round-trip latencies. */
  latencyRng: Rng;
  queue: EventQueue;
}

/** A number naming (replica, set, entity), for the per-replica maps of flights and refreshes. */
export function replicaKey(ctx: SimContext, replica: number, set: number, e: number): number {
  return (replica * ctx.sets.length + set) * ctx.entities + e;
}

/** A number naming (set, entity): a Redis key. */
export function sharedKey(ctx: SimContext, set: number, e: number): number {
  return set * ctx.entities + e;
}
