import type { CachedValue } from '../cached-value.js';
import type { CascadeCore, SetState } from '../core.js';
import type { ResolvedStampede } from '../options.js';
import type { StaleReason, Tier, Trace } from '../trace.js';

/** A value for a get and where it came from. */
export interface Loaded {
  value: CachedValue;
  servedBy: Tier;
  stale: StaleReason | false;
}

/** One get (or background refresh) that found nothing usable in the local tier or Redis. */
export interface LoadRequest {
  set: SetState;
  entity: string;
  key: string;
  /** The caller's trace; background work must use its own, never this one after the get settled. */
  trace: Trace;
  /** The value this replica holds for the key (past its local TTL, within its hard TTL), if any. */
  held: CachedValue | undefined;
  /** A value in Redis fetched after this (wall ms) satisfies a waiter; 0 on a plain miss. */
  newerThanMs: number;
  /** False once Redis failed under the `bypass` policy: no locks, no write-back. */
  useRedis: boolean;
  /**
   * A background refresh (refresh.ts), not a get: nobody waits for its value, and the refresh slot
   * of the key must stay taken until the fill is done, so a strategy never answers it with `held`.
   */
  background?: boolean;
}

/** What a strategy may call: the cascade's own fill and Redis read. */
export interface StampedeDeps {
  core: CascadeCore;
  /** Fetches from the source, writes back (Redis if `useRedis`, and the local tier), filling `trace`. */
  fill(request: LoadRequest, trace: Trace): Promise<Loaded>;
  /** A live, not soft-expired value in Redis newer than `request.newerThanMs`, or null. Throws CascadeError on Redis failure. */
  readFresh(request: LoadRequest): Promise<CachedValue | null>;
}

/**
 * Who calls the source on a miss, and what everyone else does meanwhile. One file per strategy,
 * one line in registry.ts to add one.
 */
export interface StampedeStrategy {
  readonly name: ResolvedStampede['strategy'];
  load(request: LoadRequest): Promise<Loaded>;
}

export type StampedeFactory = (options: ResolvedStampede, deps: StampedeDeps) => StampedeStrategy;
