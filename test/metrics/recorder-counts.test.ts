import { describe, it, expect } from 'vitest';
import { createRecorder } from '../../src/metrics/recorder.js';
import { FcbenchError } from '../../src/errors.js';
import { fetched, localHit, redisHit, trace } from './trace-builder.js';

describe('recorder counters and latency', () => {
  it('counts every fact of the traces exactly', () => {
    const r = createRecorder();
    r.start(0);
    r.record(localHit('a'), 100, 100, 200, 0);
    r.record(localHit('a'), 200, 200, 300, 1);
    r.record(redisHit('b'), 300, 300, 500, 1);
    r.record(fetched('c'), 400, 400, 9_000, 0);
    r.record(
      trace({ key: 'd', servedBy: 'local', outcome: { local: 'stale' }, stale: 'soft-expired', ageMs: 5, refreshStarted: true }),
      500, 500, 600, 0,
    );
    r.record(
      trace({ key: 'e', servedBy: 'redis', outcome: { local: 'miss', redis: 'stale' }, stale: 'outdated', errorKind: 'source-error' }),
      600, 600, 700, 2,
    );
    r.record(
      trace({ key: 'f', servedBy: 'none', failed: true, errorKind: 'redis-timeout', outcome: { local: 'miss', redis: 'error' } }),
      700, 700, 800, 2,
    );
    r.record(
      trace({ key: 'g', servedBy: 'source', outcome: { local: 'miss', redis: 'error', source: 'hit' }, errorKind: 'decode-error', originCalls: 1 }),
      800, 800, 900, 0,
    );
    const s = r.finish(1_000_000);

    expect(s.requests).toEqual({ total: 8, ok: 7, errors: 1, errorsByKind: { 'decode-error': 1, 'redis-timeout': 1, 'source-error': 1 } });
    expect(s.tiers.local).toEqual({ enabled: true, lookups: 8, hits: 3, hitRatio: 3 / 8, staleHits: 1 });
    expect(s.tiers.redis).toEqual({ lookups: 5, hits: 2, hitRatio: 2 / 5, errors: 2, decodeErrors: 1 });
    expect(s.tiers.source).toEqual({ calls: 2, errors: 0, callsPer1k: 250 });
    expect(s.tiers.servedBy).toEqual({ local: 3 / 8, redis: 2 / 8, source: 2 / 8, none: 1 / 8 });
    expect(s.freshness.staleServed).toBe(2);
    // Over all 8 requests (the contract), not the 7 served.
    expect(s.freshness.staleRatio).toBe(2 / 8);
    expect(s.freshness.byReason).toEqual({ softExpired: 1, outdated: 1, uncommitted: 0 });
    expect(s.freshness.age.count).toBe(7);
    expect(s.payload).toEqual({ rawBytes: 1000, encodedBytes: 500, compressionRatio: 2, writes: 1 });
    expect(s.serving.replicas).toEqual([
      { id: 0, requests: 4, localHits: 2 },
      { id: 1, requests: 2, localHits: 1 },
      { id: 2, requests: 2, localHits: 0 },
    ]);
    expect(s.latency.endToEnd.count).toBe(8);
    expect(s.latency.byTier.local.count).toBe(3);
    expect(s.latency.byTier.redis.count).toBe(2);
    expect(s.latency.byTier.source.count).toBe(2);
    expect(s.latency.components.localGet.count).toBe(4);
    expect(s.latency.components.redisGet.count).toBe(2);
    expect(s.latency.components.sourceFetch.count).toBe(1);
    expect(s.latency.components.lockWait.count).toBe(0);
    expect(s.latency.components.scheduleLag.count).toBe(8);
    expect(s.durationMs).toBe(1000);
    expect(s.throughput.achievedRps).toBe(8);
    expect(s.clampedValues).toBe(0);
  });

  it('measures end to end from the intended start and reports the schedule lag', () => {
    const r = createRecorder();
    r.start(1_000);
    r.record(localHit(), 2_000, 2_500, 4_000, 0);
    const s = r.finish(10_000);
    expect(s.latency.endToEnd.max).toBeCloseTo(2, 3);
    expect(s.latency.components.scheduleLag.max).toBeCloseTo(0.5, 3);
    expect(s.load.scheduleLagP99).toBeCloseTo(0.5, 3);
  });

  it('counts dropped arrivals', () => {
    const r = createRecorder();
    r.start(0);
    r.recordDropped(10);
    r.recordDropped(1_500_000);
    const s = r.finish(2_000_000);
    expect(s.load.dropped).toBe(2);
    expect(s.timeline.map((b) => b.dropped)).toEqual([1, 1]);
  });

  it('says the local tier was not enabled when it was never consulted', () => {
    const r = createRecorder();
    r.start(0);
    r.record(trace({ servedBy: 'redis', outcome: { redis: 'hit' } }), 0, 0, 10, 0);
    expect(r.finish(1000).tiers.local.enabled).toBe(false);
  });

  it('start() clears the previous phase', () => {
    const r = createRecorder();
    r.start(0);
    r.record(fetched(), 0, 0, 100, 3);
    r.start(1_000_000);
    r.record(localHit(), 1_000_000, 1_000_000, 1_000_100, 0);
    const s = r.finish(2_000_000);
    expect(s.requests.total).toBe(1);
    expect(s.latency.endToEnd.count).toBe(1);
    expect(s.tiers.source.calls).toBe(0);
    expect(s.serving.replicas).toEqual([{ id: 0, requests: 1, localHits: 1 }]);
    expect(s.stampede.naturalExpiries).toBe(0);
    expect(s.timeline).toHaveLength(1);
  });

  it('snapshot reports progress so far', () => {
    const r = createRecorder();
    r.start(0);
    r.record(localHit(), 0, 0, 500_000, 0);
    r.record(redisHit(), 0, 0, 1_500_000, 0);
    const snap = r.snapshot();
    expect(snap.requests).toBe(2);
    expect(snap.elapsedMs).toBe(1500);
    expect(snap.localHitRatio).toBe(0.5);
    expect(snap.redisHitRatio).toBe(1);
    expect(snap.lastBucket?.t).toBe(0);
    expect(snap.lastBucket?.rps).toBe(1);
    expect(snap.p99).toBeCloseTo(1500, 0);
    r.close();
  });

  it('rejects bad options and replica ids with bad-input', () => {
    expect(() => createRecorder({ timelineBucketMs: 0 })).toThrow(FcbenchError);
    expect(() => createRecorder({ maxListedExpiries: 1.5 })).toThrow(/maxListedExpiries/);
    const r = createRecorder();
    r.start(0);
    expect(() => r.record(localHit(), 0, 0, 1, -1)).toThrow(/replica/);
  });

  it('does not mutate the options it was given', () => {
    const options = Object.freeze({ timelineBucketMs: 500 });
    const r = createRecorder(options);
    r.start(0);
    r.record(localHit(), 0, 0, 700_000, 0);
    expect(r.finish(1_000_000).timeline.map((b) => b.t)).toEqual([0, 0.5]);
    expect(options).toEqual({ timelineBucketMs: 500 });
  });
});
