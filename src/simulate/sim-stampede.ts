import { POLL_BACKOFF_CAP } from '../cascade/stampede/redis-lock.js';
import { newTrace, resetTrace, type Trace } from '../cascade/trace.js';
import type { RedisCall } from './redis-model.js';
import { sharedKey, type SimContext } from './sim-context.js';
import { failed, fillAt, heldLoaded, joinAt, newLoaded, SimFlights, type SimLoaded, type SimRequest } from './sim-load.js';
import { storeLocalAt } from './sim-local.js';

/** The lock on one key: who may fill it until when, and what that fill produced. */
interface LockState {
  /** When the lock is free again: released after the fill, or expired after lockTtl. µs. */
  freeAtUs: number;
  /** The holder's load; its value is in Redis from `endUs` on when `ok`. */
  loaded: SimLoaded;
}

/**
 * The stampede strategies on virtual time, with the semantics of src/cascade/stampede/: who calls
 * the source for concurrent misses of one key and what the others do meanwhile.
 *
 * - `none`: every miss fetches.
 * - `single-flight`: one fetch per key per replica; later misses in that replica join it.
 * - `swr`: single flight, and a caller holding a previous value (within its hard TTL) is served it
 *   at once, marked stale, while one background fill runs.
 * - `redis-lock`: single flight in front of a lock shared by all replicas: the holder re-reads
 *   Redis, fetches, writes, releases; the others poll Redis with doubling backoff (capped at 8x the
 *   poll interval) up to `wait`, take the lock over when it is free with no value, then act per
 *   `onTimeout`. Every lock command and poll is a Redis round trip from the latency model.
 */
export class SimStampede {
  private readonly flights: SimFlights;
  private readonly locks = new Map<number, LockState>();
  private readonly call: RedisCall = { endUs: 0, timedOut: false };
  /**
   * Outcomes read at once and not kept (a flight copies its own): one for a fill, one for a held
   * value swr serves while it fills. The lock's paths allocate theirs, since a lock keeps its holder's.
   */
  private readonly filled = newLoaded();
  private readonly held = newLoaded();

  constructor(private readonly ctx: SimContext) {
    this.flights = new SimFlights(ctx);
  }

  load(atUs: number, request: SimRequest, trace: Trace): SimLoaded {
    const strategy = this.ctx.stampede.strategy;
    if (strategy === 'none') return fillAt(this.ctx, atUs, request, trace, this.filled);
    if (strategy === 'swr') return this.swr(atUs, request, trace);
    const running = this.flights.get(request, atUs);
    if (running !== undefined) return joinAt(running, atUs, trace);
    const loaded = strategy === 'single-flight' ? fillAt(this.ctx, atUs, request, trace, this.filled) : this.lockAndLoad(atUs, request, trace);
    return this.flights.start(request, loaded);
  }

  private swr(atUs: number, request: SimRequest, trace: Trace): SimLoaded {
    const stale = request.background ? null : heldLoaded(request, atUs, this.held);
    const running = this.flights.get(request, atUs);
    if (running !== undefined) return stale ?? joinAt(running, atUs, trace);
    if (stale === null) return this.flights.start(request, fillAt(this.ctx, atUs, request, trace, this.filled));
    // Revalidate in the background on a trace of its own (never recorded; the source counts it).
    this.flights.start(request, fillAt(this.ctx, atUs, request, resetTrace(backgroundTrace), this.filled));
    trace.originCalls = 1;
    trace.refreshStarted = true;
    return stale;
  }

  private lockAndLoad(atUs: number, request: SimRequest, trace: Trace): SimLoaded {
    if (!request.useRedis) return fillAt(this.ctx, atUs, request, trace);
    const attempt = this.ctx.link.set(atUs, this.call);
    if (attempt.timedOut) return failed(attempt.endUs, 'redis-timeout');
    const id = sharedKey(this.ctx, request.set, request.e);
    const lock = this.locks.get(id);
    if (lock === undefined || lock.freeAtUs <= atUs) return this.holding(attempt.endUs, request, trace, id);
    return this.waitForHolder(attempt.endUs, request, trace, id, lock);
  }

  /** Took the lock at `atUs`: re-read Redis (another holder may have just written), else fill; release. */
  private holding(atUs: number, request: SimRequest, trace: Trace, id: number): SimLoaded {
    const ctx = this.ctx;
    ctx.replicas[request.replica]!.stats.locksAcquired++;
    const { lockTtlMs } = ctx.stampede as { lockTtlMs: number };
    const state: LockState = { freeAtUs: atUs + lockTtlMs * 1000, loaded: failed(atUs, 'redis-error') };
    this.locks.set(id, state);
    const read = ctx.link.get(atUs, this.call);
    if (read.timedOut) {
      state.freeAtUs = Math.min(state.freeAtUs, read.endUs);
      return failed(read.endUs, 'redis-timeout');
    }
    const written = this.freshInRedis(request, read.endUs);
    let loaded: SimLoaded;
    if (written !== null) {
      storeLocalAt(ctx, read.endUs, request.replica, request.set, request.e, written.fetchedAtMs, written.softAtMs, written.hardAtMs, 0);
      loaded = written;
    } else {
      loaded = fillAt(ctx, read.endUs, request, trace);
    }
    // The release is one more round trip; a failed one is harmless (the lock expires).
    const release = ctx.link.set(loaded.endUs, this.call);
    state.freeAtUs = Math.min(state.freeAtUs, release.endUs);
    state.loaded = loaded;
    return { ...loaded, endUs: release.endUs, id: -1 };
  }

  private waitForHolder(atUs: number, request: SimRequest, trace: Trace, id: number, lock: LockState): SimLoaded {
    const ctx = this.ctx;
    const options = ctx.stampede as { waitMs: number; pollIntervalMs: number; onTimeout: 'serve-stale' | 'bypass' | 'fail' };
    const stats = ctx.replicas[request.replica]!.stats;
    trace.waited = true;
    stats.lockWaits++;
    const deadlineUs = atUs + options.waitMs * 1000;
    let intervalMs = options.pollIntervalMs;
    let nowUs = atUs;
    const finish = (loaded: SimLoaded): SimLoaded => {
      trace.us.lockWait += loaded.endUs - atUs;
      return loaded;
    };
    while (deadlineUs - nowUs > 0) {
      nowUs += Math.min(intervalMs * 1000, deadlineUs - nowUs);
      intervalMs = Math.min(intervalMs * 2, options.pollIntervalMs * POLL_BACKOFF_CAP);
      const poll = ctx.link.get(nowUs, this.call);
      if (poll.timedOut) return finish(failed(poll.endUs, 'redis-timeout'));
      nowUs = poll.endUs;
      const written = this.freshInRedis(request, nowUs, lock);
      if (written !== null) {
        storeLocalAt(ctx, nowUs, request.replica, request.set, request.e, written.fetchedAtMs, written.softAtMs, written.hardAtMs, 0);
        return finish({ ...written, endUs: nowUs, id: -1 });
      }
      const retry = ctx.link.set(nowUs, this.call);
      if (retry.timedOut) return finish(failed(retry.endUs, 'redis-timeout'));
      nowUs = retry.endUs;
      if (lock.freeAtUs <= nowUs) return finish(this.holding(nowUs, request, trace, id));
    }
    trace.us.lockWait += nowUs - atUs;
    stats.lockTimeouts++;
    if (options.onTimeout === 'bypass') return fillAt(ctx, nowUs, request, trace);
    if (options.onTimeout === 'serve-stale') {
      const held = heldLoaded(request, nowUs);
      if (held !== null) {
        trace.errorKind = 'lock-timeout';
        return held;
      }
    }
    return failed(nowUs, 'lock-timeout');
  }

  /**
   * `readFresh` at `atUs`: a live value newer than the request's `newerThanMs`, not soft-expired,
   * in Redis as it stands, or the one a lock holder's fill has landed by then.
   */
  private freshInRedis(request: SimRequest, atUs: number, lock?: LockState): SimLoaded | null {
    const nowMs = atUs / 1000;
    const redis = this.ctx.sets[request.set]!.redis;
    const e = request.e;
    const pending = lock?.loaded;
    if (pending !== undefined && pending.ok && pending.endUs <= atUs && pending.fetchedAtMs > request.newerThanMs && nowMs < pending.hardAtMs) {
      const staleAt = pending.softAtMs > 0 ? pending.softAtMs : Number.POSITIVE_INFINITY;
      if (nowMs < staleAt) return { ...pending, servedBy: 'redis', stale: false, endUs: atUs, id: -1 };
    }
    if (redis.has(e, nowMs) && redis.fetchedAtOf(e) > request.newerThanMs && nowMs < redis.staleAtOf(e)) {
      return {
        endUs: atUs,
        ok: true,
        errorKind: null,
        servedBy: 'redis',
        stale: false,
        fetchedAtMs: redis.fetchedAtOf(e),
        softAtMs: redis.softAtOf(e),
        hardAtMs: redis.hardAtOf(e),
        id: -1,
      };
    }
    return null;
  }
}

/** Background work runs on a trace nobody records: one scratch trace serves them all. */
const backgroundTrace = newTrace();
