import type { Trace } from '../cascade/trace.js';
import type { ResultDocument } from '../results/result-types.js';
import { createHistogram, type LatencyHistogram } from './histogram.js';
import type { LocalHitBatch } from './local-hit-batch.js';

type Components = ResultDocument['latency']['components'];

/**
 * The run-long histograms: end to end, by serving tier, per component (only steps that ran, i.e.
 * nonzero timings), schedule lag and the served value's age. Created once per recorder and reset
 * between phases, so their memory is fixed.
 */
export class LatencySet {
  readonly endToEnd = createHistogram();
  private readonly local = createHistogram();
  private readonly redis = createHistogram();
  private readonly source = createHistogram();
  private readonly localGet = createHistogram();
  private readonly redisGet = createHistogram();
  private readonly redisSet = createHistogram();
  private readonly decode = createHistogram();
  private readonly encode = createHistogram();
  private readonly sourceFetch = createHistogram();
  private readonly sourceQueue = createHistogram();
  private readonly lockWait = createHistogram();
  readonly scheduleLag = createHistogram();
  readonly age = createHistogram();

  private all(): LatencyHistogram[] {
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
