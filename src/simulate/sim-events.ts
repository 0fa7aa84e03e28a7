import { agedToSoftExpiry } from '../cascade/soft-expire.js';
import type { RunEvent } from '../load/events.js';
import type { ResultEvent } from '../results/result-types.js';
import type { IndexChooser } from '../workload/key-chooser.js';
import { sharedKey, type SimContext } from './sim-context.js';
import type { SimRecorder } from './sim-recorder.js';

export interface SimEventsDeps {
  ctx: SimContext;
  chooser: IndexChooser;
  recorder: SimRecorder;
  /** Keys whose next local hit must be traced (the engine's `episodeKeys`). */
  episodeKeys: Uint8Array;
}

export interface SimEventSchedule {
  /** Events as they fired, as `run` records them (`at` ms since the measured phase started). */
  fired: ResultEvent[];
  /** Events the simulation does not model, said once each (they are not in `fired`). */
  warnings: string[];
}

/**
 * The scenario's events on the virtual clock, acting on the simulation's state as run-variant.ts's
 * targets act on the real replicas, source and Redis: expire-hot (hard deletes, soft ages the
 * Redis value to its soft expiry with the shared aging rule), flush-local, source-slowdown,
 * source-errors, redis-pause. Batch publications and rollbacks are not modelled: they are left
 * out and named in `warnings`.
 */
export function scheduleSimEvents(events: readonly RunEvent[], startUs: number, deps: SimEventsDeps): SimEventSchedule {
  const { ctx } = deps;
  const fired: ResultEvent[] = [];
  const warnings: string[] = [];
  const sorted = [...events].sort((a, b) => a.at - b.at);
  for (const [index, event] of sorted.entries()) {
    if (event.kind === 'batch-publish' || event.kind === 'batch-rollback') {
      warnings.push(`events[${index}] ${event.kind} at ${event.at / 1000}s is ignored: simulate does not model batch publications (fcbench run plays them)`);
      continue;
    }
    const atUs = startUs + event.at * 1000;
    ctx.queue.push(atUs, () => {
      const record: ResultEvent = { at: event.at, kind: event.kind };
      fired.push(record);
      act(event, atUs, record);
    });
  }

  const act = (event: RunEvent, atUs: number, record: ResultEvent): void => {
    switch (event.kind) {
      case 'expire-hot': {
        const expiry = event.expiry ?? 'hard';
        const keys = expireHot(deps, atUs, event.top, event.featureSet, expiry);
        record['keys'] = keys;
        record['top'] = event.top;
        if (event.featureSet !== undefined) record['featureSet'] = event.featureSet;
        if (expiry !== 'hard') record['expiry'] = expiry;
        return;
      }
      case 'flush-local':
        for (const replica of ctx.replicas) for (const lru of replica.lru) lru.clear();
        return;
      case 'source-slowdown':
        record.durationMs = event.for;
        record['factor'] = event.factor;
        ctx.source.latencyFactor = event.factor;
        ctx.queue.push(atUs + event.for * 1000, () => (ctx.source.latencyFactor = 1));
        return;
      case 'source-errors':
        record.durationMs = event.for;
        record['rate'] = event.rate;
        ctx.source.setErrorRate(event.rate);
        ctx.queue.push(atUs + event.for * 1000, () => ctx.source.setErrorRate(null));
        return;
      case 'redis-pause':
        record.durationMs = event.for;
        ctx.link.pausedUntilUs = Math.max(ctx.link.pausedUntilUs, atUs + event.for * 1000);
        return;
      default:
        return;
    }
  };
  return { fired, warnings };
}

/** The top-N hottest keys expired in Redis and every replica's local tier; returns how many keys. */
function expireHot(deps: SimEventsDeps, atUs: number, top: number, featureSet: string | undefined, expiry: 'hard' | 'soft'): number {
  const { ctx, chooser, recorder } = deps;
  const sets = featureSet === undefined ? ctx.sets : ctx.sets.filter((s) => s.name === featureSet);
  const nowMs = atUs / 1000;
  const keys: number[] = [];
  const count = Math.min(top, chooser.size);
  for (let rank = 0; rank < count; rank++) {
    const e = chooser.indexOfRank(rank);
    for (const set of sets) {
      const redis = set.redis;
      if (expiry === 'hard' || set.ttl.softMs === 0) {
        redis.delete(e);
      } else if (redis.has(e, nowMs)) {
        const aged = agedToSoftExpiry(set.ttl, redis.fetchedAtOf(e), redis.softAtOf(e), nowMs);
        if (aged !== null) redis.set(e, aged.writtenAtMs, nowMs, aged.hardExpiresAtMs);
      }
      for (const replica of ctx.replicas) replica.lru[set.index]!.delete(e);
      const key = sharedKey(ctx, set.index, e);
      keys.push(key);
      deps.episodeKeys[key] = 1;
    }
  }
  recorder.markExpiry(atUs, keys);
  return keys.length;
}
