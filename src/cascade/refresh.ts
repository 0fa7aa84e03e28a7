import { errorKindOf } from './cascade-error.js';
import { xfetchTargetMs, type CachedValue } from './cached-value.js';
import { track, type CascadeCore, type SetState } from './core.js';
import { onRedisFailure } from './failure-policy.js';
import { storeLocal } from './local-tier.js';
import { newTrace, type Trace } from './trace.js';
import { xfetchDue } from './ttl-policy.js';
import { readValue } from './redis-tier.js';

/**
 * Background refresh of a value that is soft-expired or due for XFetch's early refresh: at most
 * one per key per replica at a time. It runs on a trace of its own (the caller's is reused as soon
 * as its get returns), so its origin call shows in the source's counters, not in a request's trace.
 */
export function startRefresh(core: CascadeCore, set: SetState, value: CachedValue, trace: Trace): void {
  if (core.closed || core.refreshing.has(value.key)) return;
  core.refreshing.add(value.key);
  trace.refreshStarted = true;
  core.stats.refreshes++;
  // The refresh holds its value past this get; the transient one is overwritten by the next hit.
  const held = value === core.transientValue ? { ...value } : value;
  const work = runRefresh(core, set, held).catch(() => {
    core.stats.refreshFailures++;
  });
  track(
    core,
    work.finally(() => core.refreshing.delete(value.key)),
  );
}

/** XFetch on a hit: with probability growing as expiry nears (and with the recompute time), start a refresh now. */
export function maybeRefreshEarly(core: CascadeCore, set: SetState, value: CachedValue, trace: Trace, nowMs: number): void {
  const beta = set.ttl.xfetchBeta;
  if (beta === 0) return;
  const deltaMs = value.recomputeMs > 0 ? value.recomputeMs : set.recomputeMs;
  if (deltaMs > 0 && xfetchDue(nowMs, xfetchTargetMs(value, set.ttl), deltaMs, beta, 1 - core.xfetchRng.next())) {
    startRefresh(core, set, value, trace);
  }
}

async function runRefresh(core: CascadeCore, set: SetState, held: CachedValue): Promise<void> {
  const trace = newTrace();
  trace.key = held.key;
  let useRedis = core.redis !== null;
  if (useRedis) {
    // Another replica may have refreshed it already: adopt that instead of calling the source.
    try {
      const current = await readValue(core, set, held.key, held.entity, trace, false);
      if (current !== null && current.fetchedAtMs > held.fetchedAtMs && core.now() < current.staleAtMs) {
        storeLocal(core, set, current);
        return;
      }
    } catch (error) {
      if (onRedisFailure(core.options.failurePolicy) !== 'source') throw error;
      trace.errorKind = errorKindOf(error, 'redis-error');
      useRedis = false;
    }
  }
  await core.strategy.load({ set, entity: held.entity, key: held.key, trace, held, newerThanMs: held.fetchedAtMs, useRedis, background: true });
}
