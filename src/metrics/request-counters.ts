import { badInput } from '../errors.js';
import type { Trace } from '../cascade/trace.js';
import type { ResultDocument } from '../results/result-types.js';
import type { ReplicaCounts } from './metrics-types.js';

/** Replica ids are small indexes into arrays; a larger one is a caller bug, not a big deployment. */
export const MAX_REPLICAS = 1024;

/** Counts over the served responses, for the counter-only sections of the result. */
export interface CounterSections {
  requests: ResultDocument['requests'];
  tiers: ResultDocument['tiers'];
  freshness: Omit<ResultDocument['freshness'], 'age'>;
  payload: { rawBytes: number; encodedBytes: number; compressionRatio: number; writes: number };
  replicas: ReplicaCounts[];
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

/** Plain counters, one increment per fact in a trace; no allocation per request. */
export class RequestCounters {
  total = 0;
  failed = 0;
  /** Failed, or served after meeting an error (what the timeline's `errors` counts). */
  erred = 0;
  private errorsByKind = new Map<string, number>();
  localLookups = 0;
  localHits = 0;
  private localStaleHits = 0;
  redisLookups = 0;
  redisHits = 0;
  private redisErrors = 0;
  private redisDecodeErrors = 0;
  sourceCalls = 0;
  private sourceErrors = 0;
  private servedLocal = 0;
  private servedRedis = 0;
  private servedSource = 0;
  staleServed = 0;
  private staleSoft = 0;
  private staleOutdated = 0;
  private staleUncommitted = 0;
  private rawBytesSum = 0;
  private encodedBytesSum = 0;
  private writes = 0;
  private replicaRequests: number[] = [];
  private replicaLocalHits: number[] = [];

  count(trace: Trace, replica: number): void {
    if (!(Number.isInteger(replica) && replica >= 0 && replica < MAX_REPLICAS)) {
      throw badInput(`recorder.record: replica must be an integer in 0..${MAX_REPLICAS - 1}, got ${replica}`);
    }
    this.total++;
    if (trace.failed) this.failed++;
    if (trace.failed || trace.errorKind !== null) this.erred++;
    if (trace.errorKind !== null) {
      this.errorsByKind.set(trace.errorKind, (this.errorsByKind.get(trace.errorKind) ?? 0) + 1);
      if (trace.errorKind === 'decode-error') this.redisDecodeErrors++;
    }

    const { local, redis, source } = trace.outcome;
    let localHit = false;
    if (local !== 'skipped') {
      this.localLookups++;
      if (local === 'hit' || local === 'stale') {
        localHit = true;
        this.localHits++;
        if (local === 'stale') this.localStaleHits++;
      }
    }
    if (redis !== 'skipped') {
      this.redisLookups++;
      if (redis === 'hit' || redis === 'stale') this.redisHits++;
      else if (redis === 'error') this.redisErrors++;
    }
    if (source === 'error') this.sourceErrors++;
    this.sourceCalls += trace.originCalls;

    switch (trace.servedBy) {
      case 'local':
        this.servedLocal++;
        break;
      case 'redis':
        this.servedRedis++;
        break;
      case 'source':
        this.servedSource++;
        break;
      case 'none':
        break;
    }
    if (trace.stale !== false) {
      this.staleServed++;
      if (trace.stale === 'soft-expired') this.staleSoft++;
      else if (trace.stale === 'outdated') this.staleOutdated++;
      else this.staleUncommitted++;
    }
    if (trace.encodedBytes > 0) {
      this.writes++;
      this.rawBytesSum += trace.rawBytes;
      this.encodedBytesSum += trace.encodedBytes;
    }

    this.ensureReplicas(replica + 1);
    this.replicaRequests[replica] = (this.replicaRequests[replica] ?? 0) + 1;
    if (localHit) this.replicaLocalHits[replica] = (this.replicaLocalHits[replica] ?? 0) + 1;
  }

  /** Per-replica counts for at least `replicas` replicas. */
  private ensureReplicas(replicas: number): void {
    while (this.replicaRequests.length < replicas) {
      this.replicaRequests.push(0);
      this.replicaLocalHits.push(0);
    }
  }

  /** Fresh local hits, per replica (`Recorder.recordLocalHits`): what `count` does for each. */
  countLocalHits(perReplica: Float64Array): void {
    this.ensureReplicas(perReplica.length);
    for (let replica = 0; replica < perReplica.length; replica++) {
      const n = perReplica[replica]!;
      if (n === 0) continue;
      this.total += n;
      this.localLookups += n;
      this.localHits += n;
      this.servedLocal += n;
      this.replicaRequests[replica]! += n;
      this.replicaLocalHits[replica]! += n;
    }
  }

  /** Plain Redis hits, per replica (`Recorder.recordRedisHits`): what `count` does for each, a local miss first when `localLookups`. */
  countRedisHits(perReplica: Float64Array, localLookups: boolean): void {
    this.ensureReplicas(perReplica.length);
    for (let replica = 0; replica < perReplica.length; replica++) {
      const n = perReplica[replica]!;
      if (n === 0) continue;
      this.total += n;
      if (localLookups) this.localLookups += n;
      this.redisLookups += n;
      this.redisHits += n;
      this.servedRedis += n;
      this.replicaRequests[replica]! += n;
    }
  }

  /** Served responses (a failed request served nothing). */
  get served(): number {
    return this.servedLocal + this.servedRedis + this.servedSource;
  }

  /**
   * The counter sections. Ratios are 0 when their denominator is 0. `staleRatio` is over all
   * requests, as the result contract says (a failed request counts in the denominator, it served
   * nothing stale); `servedBy` shares and `callsPer1k` are over all requests; `payload` byte figures are
   * means per write (a get that encoded a value), `compressionRatio` = raw / encoded bytes summed.
   */
  sections(): CounterSections {
    const byKind: Record<string, number> = {};
    for (const [kind, n] of [...this.errorsByKind].sort(([a], [b]) => a.localeCompare(b))) byKind[kind] = n;
    const none = this.total - this.served;
    return {
      requests: { total: this.total, ok: this.total - this.failed, errors: this.failed, errorsByKind: byKind },
      tiers: {
        local: {
          enabled: this.localLookups > 0,
          lookups: this.localLookups,
          hits: this.localHits,
          hitRatio: ratio(this.localHits, this.localLookups),
          staleHits: this.localStaleHits,
        },
        redis: {
          lookups: this.redisLookups,
          hits: this.redisHits,
          hitRatio: ratio(this.redisHits, this.redisLookups),
          errors: this.redisErrors,
          decodeErrors: this.redisDecodeErrors,
        },
        source: { calls: this.sourceCalls, errors: this.sourceErrors, callsPer1k: 1000 * ratio(this.sourceCalls, this.total) },
        servedBy: {
          local: ratio(this.servedLocal, this.total),
          redis: ratio(this.servedRedis, this.total),
          source: ratio(this.servedSource, this.total),
          none: ratio(none, this.total),
        },
      },
      freshness: {
        staleServed: this.staleServed,
        staleRatio: ratio(this.staleServed, this.total),
        byReason: { softExpired: this.staleSoft, outdated: this.staleOutdated, uncommitted: this.staleUncommitted },
      },
      payload: {
        rawBytes: ratio(this.rawBytesSum, this.writes),
        encodedBytes: ratio(this.encodedBytesSum, this.writes),
        compressionRatio: ratio(this.rawBytesSum, this.encodedBytesSum),
        writes: this.writes,
      },
      replicas: this.replicaRequests.map((requests, id) => ({ id, requests, localHits: this.replicaLocalHits[id] ?? 0 })),
    };
  }
}
