import type { CascadeError } from './cascade-error.js';
import type { CachedValue } from './cached-value.js';
import type { CascadeCore, SetState } from './core.js';
import type { FailureAction } from './failure-policy.js';
import { storeLocal } from './local-tier.js';
import { maybeRefreshEarly, startRefresh } from './refresh.js';
import type { Loaded } from './stampede/types.js';
import type { Trace } from './trace.js';
import { staleReasonAt } from './ttl-policy.js';
import type { ServedValues } from '../codec/types.js';

/** Fills the served-value part of a trace from a load. */
export function serveLoaded(core: CascadeCore, trace: Trace, loaded: Loaded): ServedValues {
  const value = loaded.value;
  trace.servedBy = loaded.servedBy;
  trace.stale = loaded.stale;
  trace.version = value.version;
  trace.ageMs = core.now() - value.fetchedAtMs;
  return value.values;
}

/** A live value read from Redis: served (stale past its soft TTL, with a refresh), kept locally. */
export function serveFromRedis(core: CascadeCore, set: SetState, value: CachedValue, trace: Trace): ServedValues {
  const now = core.now();
  trace.servedBy = 'redis';
  trace.version = value.version;
  trace.ageMs = now - value.fetchedAtMs;
  storeLocal(core, set, value);
  if (now >= value.staleAtMs) {
    trace.outcome.redis = 'stale';
    trace.stale = 'soft-expired';
    startRefresh(core, set, value, trace);
  } else {
    trace.outcome.redis = 'hit';
    maybeRefreshEarly(core, set, value, trace, now);
  }
  return value.values;
}

/**
 * A tier failed and the policy said serve-held or fail: the held value (within its hard TTL) is
 * served marked stale, else the get fails with the tier's error.
 */
export function serveHeldOrFail(core: CascadeCore, action: FailureAction, failure: CascadeError, trace: Trace, held: CachedValue | undefined): ServedValues {
  trace.errorKind = failure.kind;
  const now = core.now();
  if (action === 'serve-held' && held !== undefined && now < held.hardExpiresAtMs) {
    core.stats.staleOnError++;
    trace.servedBy = 'local';
    trace.stale = staleReasonAt(held.softExpiresAtMs, now);
    trace.version = held.version;
    trace.ageMs = now - held.fetchedAtMs;
    return held.values;
  }
  trace.failed = true;
  trace.servedBy = 'none';
  throw failure;
}
