import type { ErrorKind, StaleReason, Tier, Trace } from '../cascade/trace.js';
import { RECOMPUTE_EWMA_WEIGHT } from '../cascade/fill.js';
import { expiriesFor, staleReasonAt } from '../cascade/ttl-policy.js';
import type { RedisCall } from './redis-model.js';
import { replicaKey, type SimContext } from './sim-context.js';
import { storeLocalAt } from './sim-local.js';
import { IndexOpenStates } from './index-open-states.js';

/**
 * A load's outcome on virtual time (the cascade's `Loaded`, or the error it rejects with): when it
 * settles, and the value's times (ms) when it succeeded.
 */
export interface SimLoaded {
  endUs: number;
  ok: boolean;
  errorKind: ErrorKind | null;
  servedBy: Tier;
  stale: StaleReason | false;
  fetchedAtMs: number;
  softAtMs: number;
  hardAtMs: number;
  /** The flight's key while it runs in SimFlights; -1 otherwise. */
  id: number;
}

/** One miss to resolve below Redis (the cascade's `LoadRequest`). */
export interface SimRequest {
  replica: number;
  set: number;
  e: number;
  /** The value this replica holds (past its local TTL, within its hard TTL): its times, or hardAtMs 0 for none. */
  heldFetchedAtMs: number;
  heldSoftAtMs: number;
  heldHardAtMs: number;
  newerThanMs: number;
  useRedis: boolean;
  background: boolean;
}

/** A blank outcome, for the callers that pass one in to be filled (scratch and pooled outcomes). */
export function newLoaded(): SimLoaded {
  return { endUs: 0, ok: false, errorKind: null, servedBy: 'source', stale: false, fetchedAtMs: 0, softAtMs: 0, hardAtMs: 0, id: -1 };
}

/** Writes every field of an outcome into `out` (returns `out`). */
export function setLoaded(
  out: SimLoaded,
  endUs: number,
  ok: boolean,
  errorKind: ErrorKind | null,
  servedBy: Tier,
  stale: StaleReason | false,
  fetchedAtMs: number,
  softAtMs: number,
  hardAtMs: number,
): SimLoaded {
  out.endUs = endUs;
  out.ok = ok;
  out.errorKind = errorKind;
  out.servedBy = servedBy;
  out.stale = stale;
  out.fetchedAtMs = fetchedAtMs;
  out.softAtMs = softAtMs;
  out.hardAtMs = hardAtMs;
  out.id = -1;
  return out;
}

export function failed(endUs: number, errorKind: ErrorKind, out: SimLoaded = newLoaded()): SimLoaded {
  return setLoaded(out, endUs, false, errorKind, 'source', false, 0, 0, 0);
}

/**
 * The held value served in place of a load (swr, a lock timeout), or null when nothing usable is
 * held. Written into `out` (a new outcome unless given: the caller owns it).
 */
export function heldLoaded(request: SimRequest, atUs: number, out: SimLoaded = newLoaded()): SimLoaded | null {
  const nowMs = atUs / 1000;
  if (request.heldHardAtMs === 0 || nowMs >= request.heldHardAtMs) return null;
  return setLoaded(out, atUs, true, null, 'local', staleReasonAt(request.heldSoftAtMs, nowMs), request.heldFetchedAtMs, request.heldSoftAtMs, request.heldHardAtMs);
}

const scratchCall: RedisCall = { endUs: 0, timedOut: false };
const scratchFetch = { queueUs: 0, endUs: 0, error: null as ErrorKind | null };

/**
 * The cascade's `fillFromSource` on virtual time: fetch (queued behind the source's concurrency
 * limit), TTLs with the shared jitter draw (ttl-policy.ts), encode, `SET PX` unless Redis was
 * bypassed, local store. The value lands in Redis when the SET is answered and in the replica's
 * local tier when the fill returns, each as an event on the queue, so concurrent misses in between
 * see what they would see in a real run. The outcome is written into `out` (a new one unless
 * given: a caller that keeps it past the next fill, as a lock does, owns it).
 */
export function fillAt(ctx: SimContext, atUs: number, request: SimRequest, trace: Trace, out: SimLoaded = newLoaded()): SimLoaded {
  const replica = ctx.replicas[request.replica]!;
  const set = ctx.sets[request.set]!;
  trace.originCalls = 1;
  const fetch = ctx.source.fetch(atUs, scratchFetch);
  const fetchUs = fetch.endUs - atUs;
  trace.us.sourceFetch = fetchUs;
  if (fetch.error !== null) {
    trace.outcome.source = 'error';
    return failed(fetch.endUs, fetch.error, out);
  }
  trace.outcome.source = 'hit';
  trace.us.sourceQueue = fetch.queueUs;
  const recomputeMs = fetchUs / 1000;
  const previous = replica.recomputeMs[request.set]!;
  replica.recomputeMs[request.set] = previous === 0 ? recomputeMs : previous + (recomputeMs - previous) * RECOMPUTE_EWMA_WEIGHT;

  const fetchedAtMs = fetch.endUs / 1000;
  const expiries = expiriesFor(set.ttl, fetchedAtMs, replica.jitterRng.next());
  const softAtMs = expiries.softExpiresAtMs;
  const hardAtMs = expiries.hardExpiresAtMs;
  trace.filledTtlMs = hardAtMs - fetchedAtMs;
  const encodeUs = ctx.latencies.encode(ctx.latencyRng);
  trace.us.encode = encodeUs;
  trace.rawBytes = set.rawBytes;
  trace.encodedBytes = set.encodedBytes;
  let endUs = fetch.endUs + encodeUs;
  let toRedis = false;
  if (request.useRedis) {
    const call = ctx.link.set(endUs, scratchCall);
    trace.us.redisSet = call.endUs - endUs;
    endUs = call.endUs;
    if (call.timedOut) {
      trace.errorKind = 'redis-timeout';
      replica.stats.writeErrors++;
    } else {
      toRedis = true;
    }
  }
  // The SET's reply and the local store happen at the same instant: one event.
  const landing = landings.pop() ?? newLanding();
  landing.ctx = ctx;
  landing.atUs = endUs;
  landing.replica = request.replica;
  landing.set = request.set;
  landing.e = request.e;
  landing.toRedis = toRedis;
  landing.fetchedAtMs = fetchedAtMs;
  landing.softAtMs = softAtMs;
  landing.hardAtMs = hardAtMs;
  landing.recomputeMs = recomputeMs;
  ctx.queue.pushWith(endUs, land, landing);
  return setLoaded(out, endUs, true, null, 'source', false, fetchedAtMs, softAtMs, hardAtMs);
}

/** A fill's value arriving in Redis (when written there) and the replica's local tier. Pooled. */
interface Landing {
  ctx: SimContext | null;
  atUs: number;
  replica: number;
  set: number;
  e: number;
  toRedis: boolean;
  fetchedAtMs: number;
  softAtMs: number;
  hardAtMs: number;
  recomputeMs: number;
}

const landings: Landing[] = [];

function newLanding(): Landing {
  return { ctx: null, atUs: 0, replica: 0, set: 0, e: 0, toRedis: false, fetchedAtMs: 0, softAtMs: 0, hardAtMs: 0, recomputeMs: 0 };
}

function land(l: Landing): void {
  const ctx = l.ctx!;
  if (l.toRedis) ctx.sets[l.set]!.redis.set(l.e, l.fetchedAtMs, l.softAtMs, l.hardAtMs);
  storeLocalAt(ctx, l.atUs, l.replica, l.set, l.e, l.fetchedAtMs, l.softAtMs, l.hardAtMs, l.recomputeMs);
  l.ctx = null;
  landings.push(l);
}

/**
 * In-replica single flight: loads in progress per (replica, set, entity), dropped once they settle.
 * A flight is a pooled copy of the load's outcome, back in the pool when it settles: callers read a
 * flight at once and keep nothing, and the map no longer holds it by then.
 */
export class SimFlights {
  /**
   * By (replica, set, entity) id: the integer hash table the stampede tracker's open states use,
   * since a Map grew and rehashed its backing store as flights came and went (~18 bytes a request
   * in capacity-planning) and a flight is looked up on every miss.
   */
  private readonly running = new IndexOpenStates<SimLoaded>(64);
  private readonly free: SimLoaded[] = [];

  constructor(private readonly ctx: SimContext) {}

  /** The load running for the request's key at `atUs`, if any. */
  get(request: SimRequest, atUs: number): SimLoaded | undefined {
    const id = replicaKey(this.ctx, request.replica, request.set, request.e);
    const flight = this.running.get(id);
    if (flight === undefined) return undefined;
    if (flight.endUs > atUs) return flight;
    this.running.delete(id);
    return undefined;
  }

  start(request: SimRequest, loaded: SimLoaded): SimLoaded {
    const id = replicaKey(this.ctx, request.replica, request.set, request.e);
    const flight = setLoaded(this.free.pop() ?? newLoaded(), loaded.endUs, loaded.ok, loaded.errorKind, loaded.servedBy, loaded.stale, loaded.fetchedAtMs, loaded.softAtMs, loaded.hardAtMs);
    flight.id = id;
    this.running.set(id, flight);
    // Dropped when it settles, so the map holds only loads in progress.
    this.ctx.queue.pushWith(flight.endUs, this.settle, flight);
    return flight;
  }

  private readonly settle = (flight: SimLoaded): void => {
    if (this.running.get(flight.id) === flight) this.running.delete(flight.id);
    this.free.push(flight);
  };
}

/** A caller joining another's load (`joinFlight`): marked waiting, its wait timed, the same outcome. */
export function joinAt(flight: SimLoaded, atUs: number, trace: Trace): SimLoaded {
  trace.waited = true;
  trace.us.lockWait += Math.max(0, flight.endUs - atUs);
  return flight;
}
