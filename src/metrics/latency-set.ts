import type { Trace } from '../cascade/trace.js';
import type { ResultDocument } from '../results/result-types.js';
import { createHistogram, type HistogramFactory, type MicrosHistogram } from './histogram.js';
import type { LocalHitBatch } from './local-hit-batch.js';
import type { RedisHitTargets } from './redis-hit-batch.js';

type Components = ResultDocument['latency']['components'];

/**
 * The run-long histograms: end to end, by serving tier, per component (only steps that ran, i.e.
 * nonzero timings), schedule lag and the served value's age. Created once per recorder and reset
 * between phases, so their memory is fixed.
 */
export class LatencySet {
  readonly endToEnd: MicrosHistogram;
  private readonly local: MicrosHistogram;
  private readonly redis: MicrosHistogram;
  private readonly source: MicrosHistogram;
  private readonly localGet: MicrosHistogram;
  private readonly redisGet: MicrosHistogram;
  private readonly redisSet: MicrosHistogram;
  private readonly decode: MicrosHistogram;
  private readonly encode: MicrosHistogram;
  private readonly sourceFetch: MicrosHistogram;
  private readonly sourceQueue: MicrosHistogram;
  private readonly lockWait: MicrosHistogram;
  readonly scheduleLag: MicrosHistogram;
  readonly age: MicrosHistogram;

  /** `histogram` makes each of them: the HDR histogram, or a simulation's plain-JS one with the same buckets. */
  constructor(histogram: HistogramFactory = createHistogram) {
    this.endToEnd = histogram();
    this.local = histogram();
    this.redis = histogram();
    this.source = histogram();
    this.localGet = histogram();
    this.redisGet = histogram();
    this.redisSet = histogram();
    this.decode = histogram();
    this.encode = histogram();
    this.sourceFetch = histogram();
    this.sourceQueue = histogram();
    this.lockWait = histogram();
    this.scheduleLag = histogram();
    this.age = histogram();
  }

  private all(): MicrosHistogram[] {
    return [
      this.endToEnd, this.local, this.redis, this.source, this.localGet, this.redisGet, this.redisSet,
      this.decode, this.encode, this.sourceFetch, this.sourceQueue, this.lockWait, this.scheduleLag, this.age,
    ];
  }

  record(trace: Trace, endToEndUs: number, scheduleLagUs: number): void {
    this.endToEnd.record(endToEndUs);
    this.scheduleLag.record(scheduleLagUs);
    switch (trace.servedBy) {
      case 'local':
        this.local.record(endToEndUs);
        break;
      case 'redis':
        this.redis.record(endToEndUs);
        break;
      case 'source':
        this.source.record(endToEndUs);
        break;
      case 'none':
        break;
    }
    if (trace.servedBy !== 'none') this.age.record(trace.ageMs * 1000);
    // Written out rather than looped over keys: this runs once per request.
    const us = trace.us;
    if (us.localGet > 0) this.localGet.record(us.localGet);
    if (us.redisGet > 0) this.redisGet.record(us.redisGet);
    if (us.redisSet > 0) this.redisSet.record(us.redisSet);
    if (us.decode > 0) this.decode.record(us.decode);
    if (us.encode > 0) this.encode.record(us.encode);
    if (us.sourceFetch > 0) this.sourceFetch.record(us.sourceFetch);
    if (us.sourceQueue > 0) this.sourceQueue.record(us.sourceQueue);
    if (us.lockWait > 0) this.lockWait.record(us.lockWait);
  }

  /** A batch of fresh local hits: end to end and by tier, their lookups as local gets, no lag (ages are recorded into `age` directly). */
  recordLocalHits(batch: LocalHitBatch): void {
    for (const h of [this.endToEnd, this.local]) {
      h.recordCount(batch.constantUs, batch.constantCount);
      batch.addEndToEndTo(h);
    }
    this.localGet.recordCount(batch.constantUs, batch.total);
    this.scheduleLag.recordCount(0, batch.total);
  }

  /** The histograms a plain Redis hit records into, for a batch of them (`RedisHitBatch`). */
  redisHitTargets(): RedisHitTargets {
    return { endToEnd: this.endToEnd, redis: this.redis, redisGet: this.redisGet, decode: this.decode, age: this.age, scheduleLag: this.scheduleLag };
  }

  reset(): void {
    for (const h of this.all()) h.reset();
  }

  clampedValues(): number {
    let n = 0;
    for (const h of this.all()) n += h.clampedCount;
    return n;
  }

  latency(): ResultDocument['latency'] {
    const components: Components = {
      localGet: this.localGet.summary(),
      redisGet: this.redisGet.summary(),
      redisSet: this.redisSet.summary(),
      decode: this.decode.summary(),
      encode: this.encode.summary(),
      sourceFetch: this.sourceFetch.summary(),
      sourceQueue: this.sourceQueue.summary(),
      lockWait: this.lockWait.summary(),
      scheduleLag: this.scheduleLag.summary(),
    };
    return {
      endToEnd: this.endToEnd.summary(),
      byTier: { local: this.local.summary(), redis: this.redis.summary(), source: this.source.summary() },
      components,
    };
  }

  destroy(): void {
    for (const h of this.all()) h.destroy();
  }
}
