import type { SamplerUs } from './latency-models.js';
import type { Rng } from '../workload/types.js';

/**
 * Redis as the simulation holds it: per feature set, the value of each entity (when the source
 * produced it, its soft and hard expiry, ms) in typed arrays; absent is `hardAt = 0`. Expiry is
 * lazy, as on the cascade's side: a value past its hard TTL reads as a miss. Redis memory is not
 * bounded here (fcbench runs Redis without maxmemory), so nothing is evicted.
 */
export class RedisSet {
  readonly fetchedAt: Float64Array;
  readonly staleAt: Float64Array;
  readonly softAt: Float64Array;
  readonly hardAt: Float64Array;

  constructor(entities: number) {
    this.fetchedAt = new Float64Array(entities);
    this.staleAt = new Float64Array(entities);
    this.softAt = new Float64Array(entities);
    this.hardAt = new Float64Array(entities);
  }

  /** Whether entity `e` has a live value at `nowMs`. */
  has(e: number, nowMs: number): boolean {
    return nowMs < this.hardAt[e]!;
  }

  set(e: number, fetchedAtMs: number, softAtMs: number, hardAtMs: number): void {
    this.fetchedAt[e] = fetchedAtMs;
    this.softAt[e] = softAtMs;
    this.staleAt[e] = softAtMs > 0 ? softAtMs : Number.POSITIVE_INFINITY;
    this.hardAt[e] = hardAtMs;
  }

  delete(e: number): void {
    this.hardAt[e] = 0;
  }

  /** Live keys at `nowMs` (a scan: once, at the end). */
  liveKeys(nowMs: number): number {
    let n = 0;
    for (let e = 0; e < this.hardAt.length; e++) if (nowMs < this.hardAt[e]!) n++;
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
