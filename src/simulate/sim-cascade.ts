import { onRedisFailure, onSourceFailure, type FailureAction } from '../cascade/failure-policy.js';
import { newTrace, resetTrace, type ErrorKind, type Trace } from '../cascade/trace.js';
import { staleReasonAt, xfetchDue } from '../cascade/ttl-policy.js';
import type { RedisCall } from './redis-model.js';
import { replicaKey, type SimContext } from './sim-context.js';
import type { SimLoaded, SimRequest } from './sim-load.js';
import { storeLocalAt } from './sim-local.js';
import { SimStampede } from './sim-stampede.js';

/**
 * One replica's `cascade.get` for one feature set on virtual time, for every request the fast path
 * in the engine does not take (a miss, a stale or early-refreshed hit, a key in an open stampede
 * episode): local tier -> Redis -> source through the stampede strategy, with the failure policy,
 * soft-TTL refreshes and XFetch, as src/cascade/ does it. Fills `trace`, returns when the get ends (µs).
 */
export class SimCascade {
  private readonly stampede: SimStampede;
  /**
   * Background refreshes per (replica, set, entity): when each ends, µs. Ended ones are pruned
   * (`noteRefresh`), else the map kept one entry per key ever refreshed.
   */
  private readonly refreshing = new Map<number, number>();
  /** The start of the get in progress: no later get looks at a time before it (starts never go back). */
  private floorUs = 0;
  /** Prune `refreshing` when it grows past this. */
  private pruneAt = PRUNE_MIN;
  private readonly call: RedisCall = { endUs: 0, timedOut: false };
  private readonly refreshTrace = newTrace();
  /**
   * The request of the get in progress and of a refresh it starts, reused: nothing keeps a request
   * past the load it describes (a flight or landing copies what it needs), and a get allocated one
   * per local miss, most of them Redis hits that never read it.
   */
  private readonly request = newRequest();
  private readonly refreshRequest = newRequest();

  /**
   * Traces keep `key` empty: the simulation's recorder names keys by integer id (`sharedKey`), and
   * building a string per key touched kept one live string per key (most of the heap's growth in a
   * 1M-entity run).
   */
  constructor(private readonly ctx: SimContext) {
    this.stampede = new SimStampede(ctx);
  }

  /** Keys with a refresh entry kept (running or not yet pruned), for tests of its bound. */
  get trackedRefreshes(): number {
    return this.refreshing.size;
  }

  get(atUs: number, replica: number, setIndex: number, e: number, trace: Trace): number {
    const ctx = this.ctx;
    const set = ctx.sets[setIndex]!;
    const lru = ctx.replicas[replica]!.lru[setIndex]!;
    this.floorUs = atUs;
    let nowMs = atUs / 1000;
    if (ctx.local.enabled) {
      const slot = lru.get(e);
      if (slot >= 0 && nowMs < lru.freshUntilOf(slot)) {
        trace.servedBy = 'local';
        trace.version = set.version;
        trace.ageMs = nowMs - lru.fetchedAtOf(slot);
        const doneUs = atUs + ctx.latencies.localHitUs;
        if (nowMs >= lru.staleAtOf(slot)) {
          trace.outcome.local = 'stale';
          trace.stale = 'soft-expired';
          this.startRefresh(atUs, replica, setIndex, e, lru.fetchedAtOf(slot), trace);
        } else {
          trace.outcome.local = 'hit';
          this.maybeRefreshEarly(atUs, replica, setIndex, e, trace, lru.fetchedAtOf(slot), lru.recomputeMsOf(slot), lru.staleAtOf(slot), lru.hardAtOf(slot));
        }
        return doneUs;
      }
      trace.outcome.local = 'miss';
    }
    // The held value (heldValue): past the local TTL, within the hard TTL; a hard-expired one is dropped.
    const request = this.request;
    request.replica = replica;
    request.set = setIndex;
    request.e = e;
    request.heldFetchedAtMs = 0;
    request.heldSoftAtMs = 0;
    request.heldHardAtMs = 0;
    request.newerThanMs = 0;
    request.useRedis = true;
    request.background = false;
    const heldSlot = lru.peek(e);
    if (heldSlot >= 0) {
      if (nowMs >= lru.hardAtOf(heldSlot)) {
        lru.delete(e);
      } else {
        request.heldFetchedAtMs = lru.fetchedAtOf(heldSlot);
        const staleAt = lru.staleAtOf(heldSlot);
        request.heldSoftAtMs = staleAt === Number.POSITIVE_INFINITY ? 0 : staleAt;
        request.heldHardAtMs = lru.hardAtOf(heldSlot);
      }
    }

    const read = ctx.link.get(atUs, this.call);
    trace.us.redisGet = read.endUs - atUs;
    let nowUs = read.endUs;
    if (read.timedOut) {
      trace.outcome.redis = 'error';
      const action = onRedisFailure(ctx.failurePolicy);
      if (action !== 'source') return this.serveHeldOrFail(nowUs, action, 'redis-timeout', trace, request);
      trace.errorKind = 'redis-timeout';
      request.useRedis = false;
    } else {
      nowMs = nowUs / 1000;
      const redis = set.redis;
      if (redis.has(e, nowMs)) {
        const decodeUs = ctx.latencies.decode(ctx.latencyRng);
        trace.us.decode = decodeUs;
        nowUs += decodeUs;
        nowMs = nowUs / 1000;
        // serveFromRedis: served, kept locally, refreshed in the background past its soft TTL.
        const fetchedAtMs = redis.fetchedAtOf(e);
        trace.servedBy = 'redis';
        trace.version = set.version;
        trace.ageMs = nowMs - fetchedAtMs;
        storeLocalAt(ctx, nowUs, replica, setIndex, e, fetchedAtMs, redis.softAtOf(e), redis.hardAtOf(e), 0);
        if (nowMs >= redis.staleAtOf(e)) {
          trace.outcome.redis = 'stale';
          trace.stale = 'soft-expired';
          this.startRefresh(nowUs, replica, setIndex, e, fetchedAtMs, trace);
        } else {
          trace.outcome.redis = 'hit';
          this.maybeRefreshEarly(nowUs, replica, setIndex, e, trace, fetchedAtMs, 0, redis.staleAtOf(e), redis.hardAtOf(e));
        }
        return nowUs;
      }
      trace.outcome.redis = 'miss';
    }
    return this.loadFromSource(nowUs, request, trace);
  }

  /** The source step of a miss; under `bypass` a Redis failure inside it retries once without Redis. */
  private loadFromSource(atUs: number, request: SimRequest, trace: Trace): number {
    const loaded = this.stampede.load(atUs, request, trace);
    if (loaded.ok) return this.serveLoaded(loaded, request, trace);
    const kind = loaded.errorKind ?? 'source-error';
    const action = actionFor(this.ctx, kind);
    if (action === 'source' && request.useRedis) {
      trace.errorKind = kind;
      // The retry without Redis; nothing reads the request's useRedis after it.
      request.useRedis = false;
      return this.loadFromSource(loaded.endUs, request, trace);
    }
    return this.serveHeldOrFail(loaded.endUs, action === 'source' ? 'fail' : action, kind, trace, request);
  }

  private serveLoaded(loaded: SimLoaded, request: SimRequest, trace: Trace): number {
    const endUs = loaded.endUs;
    trace.servedBy = loaded.servedBy;
    trace.stale = loaded.stale;
    trace.version = this.ctx.sets[request.set]!.version;
    trace.ageMs = endUs / 1000 - loaded.fetchedAtMs;
    return endUs;
  }

  /** A tier failed: the held value (within its hard TTL) served marked stale, or the get fails. */
  private serveHeldOrFail(atUs: number, action: FailureAction, kind: ErrorKind, trace: Trace, request: SimRequest): number {
    trace.errorKind = kind;
    const nowMs = atUs / 1000;
    if (action === 'serve-held' && request.heldHardAtMs > 0 && nowMs < request.heldHardAtMs) {
      this.ctx.replicas[request.replica]!.stats.staleOnError++;
      trace.servedBy = 'local';
      trace.stale = staleReasonAt(request.heldSoftAtMs, nowMs);
      trace.version = this.ctx.sets[request.set]!.version;
      trace.ageMs = nowMs - request.heldFetchedAtMs;
      return atUs;
    }
    trace.failed = true;
    trace.servedBy = 'none';
    return atUs;
  }

  /** XFetch on a hit (maybeRefreshEarly): a refresh with probability growing as expiry nears. */
  private maybeRefreshEarly(
    atUs: number,
    replica: number,
    setIndex: number,
    e: number,
    trace: Trace,
    fetchedAtMs: number,
    recomputeMs: number,
    staleAtMs: number,
    hardAtMs: number,
  ): void {
    const set = this.ctx.sets[setIndex]!;
    const beta = set.ttl.xfetchBeta;
    if (beta === 0) return;
    const state = this.ctx.replicas[replica]!;
    const deltaMs = recomputeMs > 0 ? recomputeMs : state.recomputeMs[setIndex]!;
    // xfetchTargetMs: the soft expiry when there is one, else the hard expiry.
    const targetMs = set.ttl.softMs > 0 && staleAtMs !== Number.POSITIVE_INFINITY ? staleAtMs : hardAtMs;
    const nowMs = atUs / 1000;
    if (deltaMs > 0 && xfetchDue(nowMs, targetMs, deltaMs, beta, 1 - state.xfetchRng.next())) this.startRefresh(atUs, replica, setIndex, e, fetchedAtMs, trace);
  }

  /**
   * startRefresh: at most one background refresh per key per replica. It adopts a newer value
   * another replica wrote to Redis, else loads through the strategy (as a background load). Its
   * origin call shows in the source's counters, not in the request's trace.
   */
  private startRefresh(atUs: number, replica: number, setIndex: number, e: number, heldFetchedAtMs: number, trace: Trace): void {
    const ctx = this.ctx;
    const id = replicaKey(ctx, replica, setIndex, e);
    const running = this.refreshing.get(id);
    if (running !== undefined && running > atUs) return;
    trace.refreshStarted = true;
    const stats = ctx.replicas[replica]!.stats;
    stats.refreshes++;
    const lru = ctx.replicas[replica]!.lru[setIndex]!;
    const slot = lru.peek(e);
    const request = this.refreshRequest;
    request.replica = replica;
    request.set = setIndex;
    request.e = e;
    request.heldFetchedAtMs = heldFetchedAtMs;
    request.heldSoftAtMs = slot >= 0 && lru.staleAtOf(slot) !== Number.POSITIVE_INFINITY ? lru.staleAtOf(slot) : 0;
    request.heldHardAtMs = slot >= 0 ? lru.hardAtOf(slot) : 0;
    request.newerThanMs = heldFetchedAtMs;
    request.useRedis = true;
    request.background = true;
    const read = ctx.link.get(atUs, this.call);
    let endUs = read.endUs;
    if (read.timedOut) {
      if (onRedisFailure(ctx.failurePolicy) !== 'source') {
        stats.refreshFailures++;
        this.noteRefresh(id, endUs);
        return;
      }
      request.useRedis = false;
    } else {
      const redis = ctx.sets[setIndex]!.redis;
      const nowMs = endUs / 1000;
      if (redis.has(e, nowMs) && redis.fetchedAtOf(e) > heldFetchedAtMs && nowMs < redis.staleAtOf(e)) {
        storeLocalAt(ctx, endUs, replica, setIndex, e, redis.fetchedAtOf(e), redis.softAtOf(e), redis.hardAtOf(e), 0);
        this.noteRefresh(id, endUs);
        return;
      }
    }
    const loaded = this.stampede.load(endUs, request, resetTrace(this.refreshTrace));
    if (!loaded.ok) stats.refreshFailures++;
    endUs = loaded.endUs;
    this.noteRefresh(id, endUs);
  }

  /**
   * A refresh of `id` runs until `endUs`. An entry that ended by the current get's start can never
   * block one again (every later get starts no earlier and checks `running > atUs`), so dropping
   * those changes nothing; done once the map doubles, it costs O(1) a refresh.
   */
  private noteRefresh(id: number, endUs: number): void {
    const refreshing = this.refreshing;
    refreshing.set(id, endUs);
    if (refreshing.size <= this.pruneAt) return;
    const floorUs = this.floorUs;
    for (const [key, until] of refreshing) if (until <= floorUs) refreshing.delete(key);
    this.pruneAt = Math.max(PRUNE_MIN, 2 * refreshing.size);
  }
}

/** The least size at which `refreshing` is pruned. */
const PRUNE_MIN = 1024;

/** The failure policy's answer for an error met below the local tier (miss-path.ts `actionFor`). */
function actionFor(ctx: SimContext, kind: ErrorKind): FailureAction {
  switch (kind) {
    case 'redis-error':
    case 'redis-timeout':
      return onRedisFailure(ctx.failurePolicy);
    case 'lock-timeout':
      return 'fail';
    default:
      return onSourceFailure(ctx.failurePolicy);
  }
}

function newRequest(): SimRequest {
  return { replica: 0, set: 0, e: 0, heldFetchedAtMs: 0, heldSoftAtMs: 0, heldHardAtMs: 0, newerThanMs: 0, useRedis: true, background: false };
}
