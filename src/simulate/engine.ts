import { newTrace, resetTrace, type Trace } from '../cascade/trace.js';
import { copyTrace } from './copy-trace.js';
import type { PhaseBound } from '../load/issuer.js';
import { mergeTraces } from '../load/merge-traces.js';
import { TracePool } from '../load/trace-pool.js';
import type { LocalHitBatch } from '../metrics/local-hit-batch.js';
import type { RedisHitBatch } from '../metrics/redis-hit-batch.js';
import type { LoadConfig } from '../scenario/schema.js';
import type { IndexChooser } from '../workload/key-chooser.js';
import type { IndexLru } from './index-lru.js';
import { TimeHeap } from './event-queue.js';
import { IndexOpenStates } from './index-open-states.js';
import { PendingHits } from './pending-hits.js';
import type { SimCascade } from './sim-cascade.js';
import type { SimRecorder } from './sim-recorder.js';
import { sharedKey, type SimContext } from './sim-context.js';

export interface EngineDeps {
  ctx: SimContext;
  cascade: SimCascade;
  chooser: IndexChooser;
  /** Feature set index of a request asking for one set. */
  pickSet: () => number;
  /** The replica serving entity `e` (random, round-robin or affinity, as the real router). */
  route: (e: number) => number;
  /** `request.featureSets: all`: every request asks for every set. */
  allSets: boolean;
  load: LoadConfig;
  /** Open loop: µs to the next arrival (the workload's arrival stream). */
  nextGapUs: (() => number) | null;
  recorder: SimRecorder;
  batch: LocalHitBatch;
  /** Where plain Redis hits are counted (`countRedisHit`); null records every one of them as a trace. */
  redisHits: RedisHitBatch | null;
  timelineBucketMs: number;
}

interface PendingRecord {
  trace: Trace;
  /** The key id the request is recorded under (`sharedKey`; set 0's for a request for every set). */
  key: number;
  t: number;
  endUs: number;
  replica: number;
}

/** Open-loop gaps drawn at a time. */
const GAP_BLOCK = 256;

/**
 * A Redis hit is counted only if it ends this much before the engine's bucket does: the engine sums
 * its bucket ends, the timeline divides, and the two may round a time right at the end apart.
 */
const BUCKET_MARGIN_US = 1;

export interface SimPhaseOutcome {
  issued: number;
  dropped: number;
  startUs: number;
  /** When its last request finished, µs. */
  endUs: number;
  /** A non-looping trace ran out. */
  exhausted: boolean;
}

/**
 * The simulation's driver on virtual time: arrivals (open loop with the same gap stream, or closed
 * loop workers), the same key, set and replica draws as the real issuer, and one request at a time
 * in start-time order. A fresh local hit is served and counted inline on typed arrays (no trace, no
 * allocation); anything else goes through {@link SimCascade} on a pooled trace that is recorded
 * when the request ends. The replicas share one CPU (they share a process in a real run): each
 * request takes `localHitUs` of it, plus decode and encode when it did them, so a closed loop is
 * bounded by CPU as the real one is, instead of issuing without limit.
 */
export class SimEngine {
  private readonly pool = new TracePool();
  private readonly inFlight = new TimeHeap(256);
  private readonly setTraces: Trace[];
  /** Keys (set x entity) a recorded request may have opened a stampede episode on: their next local hit is traced. */
  readonly episodeKeys: Uint8Array;
  private cpuFreeUs = 0;
  /** CPU time the requests took, µs (the compute part of the cost). */
  cpuBusyUs = 0;
  private bucketEndUs = 0;
  private bucketUs: number;
  private lastHitEndUs = 0;
  private maxEndUs = 0;
  /** Requests simulated, warmup included. */
  simulated = 0;
  /**
   * When the request `issue` just served ends, µs. A field rather than issue's return value: a
   * double returned from a call that is not inlined is a heap number, one allocation per request.
   */
  private doneUs = 0;
  private readonly hitUs: number;
  /** The arrival time of the request `issue` serves, µs: a field, not a parameter (see `doneUs`). */
  private arrivalUs = 0;
  /** Open-loop gaps drawn ahead, in order (see `refillGaps`). */
  private readonly gaps = new Float64Array(GAP_BLOCK);
  private gapIndex = GAP_BLOCK;

  /** Hoisted for the fast path: LRUs by replica x set, sets the fast path may serve (no XFetch), the entity count. */
  private readonly lrus: IndexLru[];
  private readonly fastSets: Uint8Array;
  private readonly entities: number;
  private readonly setCount: number;
  private readonly localEnabled: boolean;

  /** Traced requests in flight that fetched or waited, by the key id they are recorded under: any of them may open an episode. */
  private readonly openers = new IndexOpenStates<number>(64);
  /** Counted Redis hits not ended yet (see `PendingHits`). */
  private readonly pendingHits = new PendingHits();
  /** The end of the earliest time step queued for this bucket's counted Redis hits (`scheduleAdvance`); +Infinity when none. */
  private advanceQueuedUs = Number.POSITIVE_INFINITY;
  /** The latest end of the Redis hits counted since the last flush. */
  private lastRedisHitEndUs = 0;

  constructor(private readonly deps: EngineDeps) {
    const sets = deps.ctx.sets.length;
    this.episodeKeys = new Uint8Array(sets * deps.ctx.entities);
    this.lrus = deps.ctx.replicas.flatMap((r) => r.lru);
    this.fastSets = Uint8Array.from(deps.ctx.sets, (set) => (set.ttl.xfetchBeta === 0 ? 1 : 0));
    this.entities = deps.ctx.entities;
    this.setCount = sets;
    this.localEnabled = deps.ctx.local.enabled;
    this.setTraces = deps.ctx.sets.map(() => newTrace());
    this.hitUs = deps.ctx.latencies.localHitUs;
    this.bucketUs = deps.timelineBucketMs * 1000;
  }

  /** Starts the timeline buckets at `originUs` (the recorder's start) and forgets pending local hits. */
  startRecording(originUs: number): void {
    this.bucketEndUs = originUs + this.bucketUs;
    this.deps.batch.clear();
    this.deps.redisHits?.clear();
    this.pendingHits.clear();
    this.advanceQueuedUs = Number.POSITIVE_INFINITY;
    this.cpuBusyUs = 0;
  }

  /** Runs events and ends of requests due by `t`, flushing counted hits at each bucket boundary first. */
  advance(t: number): void {
    const { queue } = this.deps.ctx;
    if (t < this.bucketEndUs && t < queue.nextAt) return;
    while (t >= this.bucketEndUs) {
      queue.runBefore(this.bucketEndUs);
      this.flushHits(this.bucketEndUs);
      this.bucketEndUs += this.bucketUs;
      this.advanceQueuedUs = Number.POSITIVE_INFINITY;
    }
    queue.runUntil(t);
  }

  /** Hands the counted local and Redis hits to the recorder, inside the bucket that ends at `bucketEndUs`. */
  flushHits(bucketEndUs: number): void {
    if (this.deps.batch.total > 0) this.deps.recorder.recordLocalHits(this.deps.batch, Math.min(this.lastHitEndUs, bucketEndUs - 0.001));
    const redisHits = this.deps.redisHits;
    if (redisHits !== null && redisHits.total > 0) this.deps.recorder.recordRedisHits(redisHits, this.lastRedisHitEndUs);
  }

  /** Ends the phase at `endUs`: every request ended by then recorded, counted hits flushed. */
  drain(endUs: number): void {
    this.advance(endUs);
    this.flushHits(Number.POSITIVE_INFINITY);
  }

  run(bound: PhaseBound, startUs: number): SimPhaseOutcome {
    this.maxEndUs = startUs;
    const outcome = this.deps.load.mode === 'open' ? this.openLoop(bound, startUs) : this.closedLoop(bound, startUs);
    outcome.endUs = Math.max(this.maxEndUs, outcome.endUs);
    return outcome;
  }

  private openLoop(bound: PhaseBound, startUs: number): SimPhaseOutcome {
    const load = this.deps.load as Extract<LoadConfig, { mode: 'open' }>;
    const endUs = startUs + bound.durationUs;
    const maxInFlight = load.maxInFlight;
    const inFlight = this.inFlight;
    const gaps = this.gaps;
    if (this.gapIndex === GAP_BLOCK) this.refillGaps();
    let nextUs = startUs + gaps[this.gapIndex++]!;
    let issued = 0;
    let dropped = 0;
    let exhausted = false;
    let lastUs = startUs;
    const queue = this.deps.ctx.queue;
    while (issued + dropped < bound.requests && nextUs < endUs) {
      const t = nextUs;
      lastUs = t;
      if (t >= this.bucketEndUs || t >= queue.nextAt) this.advance(t);
      if (inFlight.size >= maxInFlight) {
        while (inFlight.size > 0 && inFlight.min <= t) inFlight.pop();
        if (inFlight.size >= maxInFlight) {
          dropped++;
          this.deps.recorder.recordDropped(t);
          if (this.gapIndex === GAP_BLOCK) this.refillGaps();
          nextUs += gaps[this.gapIndex++]!;
          continue;
        }
      }
      this.arrivalUs = t;
      if (!this.issue()) {
        exhausted = true;
        break;
      }
      issued++;
      if (this.gapIndex === GAP_BLOCK) this.refillGaps();
      nextUs += gaps[this.gapIndex++]!;
    }
    return { issued, dropped, startUs, endUs: lastUs, exhausted };
  }

  private closedLoop(bound: PhaseBound, startUs: number): SimPhaseOutcome {
    const load = this.deps.load as Extract<LoadConfig, { mode: 'closed' }>;
    const thinkUs = load.thinkTime * 1000;
    const workers = new TimeHeap(load.concurrency);
    for (let i = 0; i < load.concurrency; i++) workers.push(startUs);
    const endUs = startUs + bound.durationUs;
    let issued = 0;
    let exhausted = false;
    let lastUs = startUs;
    while (issued < bound.requests) {
      const t = workers.min;
      if (t >= endUs) break;
      lastUs = t;
      this.advance(t);
      this.arrivalUs = t;
      if (!this.issue()) {
        exhausted = true;
        break;
      }
      issued++;
      workers.replaceMin(this.doneUs + thinkUs);
    }
    return { issued, dropped: 0, startUs, endUs: lastUs, exhausted };
  }

  /**
   * Draws the next GAP_BLOCK open-loop gaps (µs) into `gaps`, read in order by the run loop: the
   * same gaps in the same order (the arrival stream has its own rng, so drawing ahead shifts no
   * other stream), but a double returned by a call the run loop does not inline is a heap number,
   * one per request.
   */
  private refillGaps(): void {
    const next = this.deps.nextGapUs!;
    const gaps = this.gaps;
    for (let i = 0; i < GAP_BLOCK; i++) gaps[i] = next();
    this.gapIndex = 0;
  }

  /** One request arriving at `arrivalUs`, ending at `doneUs`; false when the keys ran out. */
  private issue(): boolean {
    const t = this.arrivalUs;
    const deps = this.deps;
    const e = deps.chooser.nextIndex();
    if (e < 0) return false;
    this.simulated++;
    const replica = deps.route(e);
    const startUs = t < this.cpuFreeUs ? this.cpuFreeUs : t;
    if (!deps.allSets) {
      const s = deps.pickSet();
      // The fast path: a fresh local hit, no soft expiry, no XFetch draw, no open stampede episode.
      // countHit written out here: it runs for most requests.
      if (this.localEnabled) {
        const lru = this.lrus[replica * this.setCount + s]!;
        const slot = lru.get(e);
        if (slot >= 0) {
          const nowMs = startUs / 1000;
          if (nowMs < lru.freshUntilOf(slot) && nowMs < lru.staleAtOf(slot) && this.fastSets[s] === 1 && this.episodeKeys[s * this.entities + e] === 0) {
            const batch = this.deps.batch;
            const doneUs = startUs + this.hitUs;
            this.cpuFreeUs = doneUs;
            this.cpuBusyUs += this.hitUs;
            batch.perReplica[replica]!++;
            batch.total++;
            if (startUs === t) batch.constantCount++;
            else batch.recordEndToEnd(doneUs - t);
            // Into the batch's buffer, not a call: a double passed to a call that is not inlined is a heap number.
            batch.agesUs[batch.ageCount++] = (nowMs - lru.fetchedAtOf(slot)) * 1000;
            if (batch.ageCount === batch.agesUs.length) batch.flushAges();
            this.lastHitEndUs = doneUs;
            if (doneUs > this.maxEndUs) this.maxEndUs = doneUs;
            this.doneUs = doneUs;
            return true;
          }
        }
      }
      const trace = this.pool.acquire();
      const endUs = deps.cascade.get(startUs, replica, s, e, trace);
      const key = sharedKey(deps.ctx, s, e);
      if (deps.redisHits !== null && isPlainRedisHit(trace) && endUs < this.bucketEndUs - BUCKET_MARGIN_US && this.openers.get(key) === undefined && !deps.recorder.tracks(key)) {
        this.doneUs = this.countRedisHit(t, startUs, endUs, replica, trace, key, deps.redisHits);
        this.pool.release(trace);
        return true;
      }
      this.doneUs = this.finishTraced(t, startUs, endUs, replica, trace, s, e);
      return true;
    }
    this.doneUs = this.issueAll(t, startUs, replica, e);
    return true;
  }

  /** `request.featureSets: all`: one request for every set, recorded once (mergeTraces). */
  private issueAll(t: number, startUs: number, replica: number, e: number): number {
    const { ctx, cascade } = this.deps;
    const nowMs = startUs / 1000;
    let fresh = ctx.local.enabled;
    let ageUs = 0;
    for (let s = 0; fresh && s < ctx.sets.length; s++) {
      const lru = ctx.replicas[replica]!.lru[s]!;
      const slot = lru.get(e);
      fresh =
        slot >= 0 &&
        nowMs < lru.freshUntilOf(slot) &&
        nowMs < lru.staleAtOf(slot) &&
        ctx.sets[s]!.ttl.xfetchBeta === 0 &&
        this.episodeKeys[s * ctx.entities + e] === 0;
      if (fresh) ageUs = Math.max(ageUs, (nowMs - lru.fetchedAtOf(slot)) * 1000);
    }
    if (fresh) return this.countHit(t, startUs, replica, ageUs);
    let endUs = startUs;
    const traces = this.setTraces;
    for (let s = 0; s < ctx.sets.length; s++) {
      const trace = traces[s]!;
      resetTrace(trace);
      endUs = Math.max(endUs, cascade.get(startUs, replica, s, e, trace));
    }
    const merged = this.pool.acquire();
    copyTrace(mergeTraces(traces), merged);
    for (let s = 0; s < ctx.sets.length; s++) this.markEpisode(traces[s]!, sharedKey(ctx, s, e));
    return this.finishTraced(t, startUs, endUs, replica, merged, -1, e);
  }

  private countHit(t: number, startUs: number, replica: number, ageUs: number): number {
    const batch = this.deps.batch;
    const hitUs = this.deps.ctx.latencies.localHitUs;
    const doneUs = startUs + hitUs;
    this.cpuFreeUs = doneUs;
    this.cpuBusyUs += hitUs;
    batch.perReplica[replica]!++;
    batch.total++;
    if (startUs === t) batch.constantCount++;
    else batch.recordEndToEnd(doneUs - t);
    batch.agesUs[batch.ageCount++] = ageUs;
    if (batch.ageCount === batch.agesUs.length) batch.flushAges();
    this.lastHitEndUs = doneUs;
    if (doneUs > this.maxEndUs) this.maxEndUs = doneUs;
    return doneUs;
  }

  /**
   * A plain Redis hit on a key the stampede tracker will have nothing to do with when it ends (no
   * open episode, no request in flight that could open one), counted as `recordPending` would
   * record it: the same CPU, episode and in-flight steps, its figures into the batch, handed over
   * with the bucket's hits. What order is left to keep is the recorder's time steps: a bucket's
   * first step closes the bucket before it and sweeps the tracker at that step's time, which may
   * be this hit's end, so a step is queued there unless an earlier one already is.
   */
  private countRedisHit(t: number, startUs: number, endUs: number, replica: number, trace: Trace, key: number, batch: RedisHitBatch): number {
    const ctx = this.deps.ctx;
    const cpuUs = ctx.latencies.localHitUs + trace.us.decode + trace.us.encode;
    this.cpuFreeUs = startUs + cpuUs;
    this.cpuBusyUs += cpuUs;
    this.episodeKeys[key] = 0;
    if (endUs > this.maxEndUs) this.maxEndUs = endUs;
    if (endUs > t) this.inFlight.push(endUs);
    batch.perReplica[replica]!++;
    batch.total++;
    const i = batch.count++;
    batch.endToEndUs[i] = endUs - t;
    batch.redisGetUs[i] = trace.us.redisGet;
    batch.decodeUs[i] = trace.us.decode;
    batch.agesUs[i] = trace.ageMs * 1000;
    if (batch.full) batch.flushBlock();
    if (endUs > this.lastRedisHitEndUs) this.lastRedisHitEndUs = endUs;
    const seq = ctx.queue.reserveSeq();
    const pending = this.pendingHits;
    pending.prune(t);
    pending.add(key, t, endUs, seq);
    if (endUs < this.advanceQueuedUs) this.scheduleAdvance(endUs, seq);
    return endUs;
  }

  private scheduleAdvance(endUs: number, seq: number): void {
    this.advanceQueuedUs = endUs;
    this.deps.ctx.queue.pushWithSeq(endUs, seq, this.advanceRecorder, endUs);
  }

  private readonly advanceRecorder = (endUs: number): void => {
    this.deps.recorder.advanceTo(endUs);
  };

  /**
   * A traced request that fetched or waited (`key`, ending at `endUs`) may open an episode before
   * counted Redis hits on its key end: the tracker must see those hits after it, in their place.
   */
  private noteOpener(key: number, endUs: number): void {
    this.openers.set(key, (this.openers.get(key) ?? 0) + 1);
    if (endUs < this.pendingHits.latestEndUs) {
      this.pendingHits.takeLater(key, endUs, (startUs, hitEndUs, seq) => {
        this.deps.ctx.queue.pushWithSeq(hitEndUs, seq, () => this.deps.recorder.observeRedisHit(key, startUs, hitEndUs), undefined);
      });
    }
  }

  private finishTraced(t: number, startUs: number, endUs: number, replica: number, trace: Trace, s: number, e: number): number {
    const ctx = this.deps.ctx;
    const cpuUs = ctx.latencies.localHitUs + trace.us.decode + trace.us.encode;
    this.cpuFreeUs = startUs + cpuUs;
    this.cpuBusyUs += cpuUs;
    if (s >= 0) this.markEpisode(trace, sharedKey(ctx, s, e));
    if (endUs > this.maxEndUs) this.maxEndUs = endUs;
    if (endUs > t) this.inFlight.push(endUs);
    const key = sharedKey(ctx, s >= 0 ? s : 0, e);
    if (mayOpenEpisode(trace)) this.noteOpener(key, endUs);
    const pending = this.pendingPool.pop() ?? { trace, key, t, endUs, replica };
    pending.trace = trace;
    pending.key = key;
    pending.t = t;
    pending.endUs = endUs;
    pending.replica = replica;
    ctx.queue.pushWith(endUs, this.recordPending, pending);
    return endUs;
  }

  /** A traced request waiting for its end to be recorded (in completion order, as a real run records). Pooled. */
  private readonly pendingPool: PendingRecord[] = [];

  private readonly recordPending = (p: PendingRecord): void => {
    this.deps.recorder.record(p.trace, p.key, p.t, p.endUs, p.replica);
    if (mayOpenEpisode(p.trace)) {
      const left = this.openers.get(p.key)! - 1;
      if (left === 0) this.openers.delete(p.key);
      else this.openers.set(p.key, left);
    }
    this.pool.release(p.trace);
    this.pendingPool.push(p);
  };

  /**
   * A request that fetched or waited may have opened a stampede episode on its key: until a plain
   * refill (served locally or from Redis, not stale, nothing fetched or waited for) closes it, the
   * key's local hits are traced so the stampede tracker sees them.
   */
  private markEpisode(trace: Trace, key: number): void {
    if (trace.originCalls > 0 || trace.waited || trace.refreshStarted) this.episodeKeys[key] = 1;
    else if (trace.stale === false && (trace.servedBy === 'local' || trace.servedBy === 'redis')) this.episodeKeys[key] = 0;
  }
}

/** A request that fetched or waited: it may open a stampede episode on its key when it is recorded (an opener). */
function mayOpenEpisode(trace: Trace): boolean {
  return trace.originCalls > 0 || trace.waited;
}

/** Served fresh from Redis with nothing else on the way: no error, no refresh, no fetch, no wait. */
function isPlainRedisHit(trace: Trace): boolean {
  return trace.servedBy === 'redis' && trace.stale === false && trace.errorKind === null && !trace.refreshStarted && trace.originCalls === 0 && !trace.waited;
}
