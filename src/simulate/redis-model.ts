import type { SamplerUs } from './latency-models.js';
import type { Rng } from '../workload/types.js';

/** Fields per entity in `RedisSet`'s one array: hard expiry first (every lookup reads it), then fetched, stale, soft. */
const STRIDE = 4;

/**
 * Redis as the simulation holds it: per feature set, the value of each entity (when the source
 * produced it, its soft and hard expiry, ms); absent is `hardAt = 0`. Expiry is lazy, as on the
 * cascade's side: a value past its hard TTL reads as a miss. Redis memory is not bounded here
 * (fcbench runs Redis without maxmemory), so nothing is evicted. An entity's four times sit next to
 * each other in one Float64Array: a lookup in a large key space is one cache miss, not four.
 */
export class RedisSet {
  private readonly times: Float64Array;
  readonly entities: number;

  constructor(entities: number) {
    this.entities = entities;
    this.times = new Float64Array(entities * STRIDE);
  }

  /** Whether entity `e` has a live value at `nowMs`. */
  has(e: number, nowMs: number): boolean {
    return nowMs < this.times[e * STRIDE]!;
  }

  /** Hard expiry, ms (0: absent). */
  hardAtOf(e: number): number {
    return this.times[e * STRIDE]!;
  }

  /** When the source produced the value, ms. */
  fetchedAtOf(e: number): number {
    return this.times[e * STRIDE + 1]!;
  }

  /** Soft expiry, or +Infinity without one, ms. */
  staleAtOf(e: number): number {
    return this.times[e * STRIDE + 2]!;
  }

  /** Soft expiry as written (0: none), ms. */
  softAtOf(e: number): number {
    return this.times[e * STRIDE + 3]!;
  }

  set(e: number, fetchedAtMs: number, softAtMs: number, hardAtMs: number): void {
    const i = e * STRIDE;
    const t = this.times;
    t[i] = hardAtMs;
    t[i + 1] = fetchedAtMs;
    t[i + 2] = softAtMs > 0 ? softAtMs : Number.POSITIVE_INFINITY;
    t[i + 3] = softAtMs;
  }

  delete(e: number): void {
    this.times[e * STRIDE] = 0;
  }

  /** Live keys at `nowMs` (a scan: once, at the end). */
  liveKeys(nowMs: number): number {
    let n = 0;
    const t = this.times;
    for (let i = 0; i < t.length; i += STRIDE) if (nowMs < t[i]!) n++;
    return n;
  }
}

/** One command's round trip on virtual time. */
export interface RedisCall {
  /** When the reply (or the timeout) arrives, µs. */
  endUs: number;
  /** The command timed out (a pause longer than the client's command timeout). */
  timedOut: boolean;
}

/**
 * Round trips from the latency models, and `redis-pause` (CLIENT PAUSE ALL): a command sent while
 * the server is paused is answered when the pause ends, or times out after the client's
 * `commandTimeout` if that comes first.
 */
export class RedisLink {
  pausedUntilUs = 0;
  private readonly commandTimeoutUs: number;

  constructor(
    private readonly getSampler: SamplerUs,
    private readonly setSampler: SamplerUs,
    commandTimeoutMs: number,
    private readonly rng: Rng,
  ) {
    this.commandTimeoutUs = commandTimeoutMs * 1000;
  }

  /** A GET (or any read) sent at `atUs`. */
  get(atUs: number, out: RedisCall): RedisCall {
    return this.call(atUs, this.getSampler(this.rng), out);
  }

  /** A SET (write-back, lock, release) sent at `atUs`. */
  set(atUs: number, out: RedisCall): RedisCall {
    return this.call(atUs, this.setSampler(this.rng), out);
  }

  private call(atUs: number, roundTripUs: number, out: RedisCall): RedisCall {
    const servedUs = atUs < this.pausedUntilUs ? this.pausedUntilUs : atUs;
    const endUs = servedUs + roundTripUs;
    if (endUs - atUs > this.commandTimeoutUs) {
      out.endUs = atUs + this.commandTimeoutUs;
      out.timedOut = true;
    } else {
      out.endUs = endUs;
      out.timedOut = false;
    }
    return out;
  }
}
