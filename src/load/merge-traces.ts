import type { Outcome, Tier, Trace } from '../cascade/trace.js';

const OUTCOME_RANK: Record<Outcome, number> = { skipped: 0, hit: 1, stale: 2, miss: 3, error: 4 };
const TIER_RANK: Record<Tier | 'none', number> = { none: 0, local: 1, redis: 2, source: 3 };
const TIERS: readonly Tier[] = ['local', 'redis', 'source'];

/**
 * Folds the traces of one request that asked for several feature sets (`request.featureSets: all`)
 * into `into` (traces[0]), so the request is recorded once: served by the deepest tier any set
 * needed, each tier's worst outcome (a local hit only when every set hit locally), summed origin
 * calls and bytes, and per component the longest time (the sets were fetched together).
 */
export function mergeTraces(traces: readonly Trace[]): Trace {
  const into = traces[0]!;
  for (let i = 1; i < traces.length; i++) {
    const t = traces[i]!;
    if (TIER_RANK[t.servedBy] > TIER_RANK[into.servedBy]) into.servedBy = t.servedBy;
    for (const tier of TIERS) {
      if (OUTCOME_RANK[t.outcome[tier]] > OUTCOME_RANK[into.outcome[tier]]) into.outcome[tier] = t.outcome[tier];
    }
    if (into.stale === false) into.stale = t.stale;
    into.ageMs = Math.max(into.ageMs, t.ageMs);
    if (into.errorKind === null) into.errorKind = t.errorKind;
    into.failed ||= t.failed;
    into.originCalls += t.originCalls;
    into.waited ||= t.waited;
    into.refreshStarted ||= t.refreshStarted;
    into.rawBytes += t.rawBytes;
    into.encodedBytes += t.encodedBytes;
    const us = into.us;
    us.localGet = Math.max(us.localGet, t.us.localGet);
    us.redisGet = Math.max(us.redisGet, t.us.redisGet);
    us.decode = Math.max(us.decode, t.us.decode);
    us.lockWait = Math.max(us.lockWait, t.us.lockWait);
    us.sourceFetch = Math.max(us.sourceFetch, t.us.sourceFetch);
    us.sourceQueue = Math.max(us.sourceQueue, t.us.sourceQueue);
    us.encode = Math.max(us.encode, t.us.encode);
    us.redisSet = Math.max(us.redisSet, t.us.redisSet);
  }
  return into;
}
