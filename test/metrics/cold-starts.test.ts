import { describe, expect, it } from 'vitest';
import { coldStartsOf, coldStartSeriesOf } from '../../src/metrics/cold-starts.js';
import { ShareSeries } from '../../src/metrics/share-series.js';
import { fetched, localHit, redisHit } from './trace-builder.js';

/** Fills the 250 ms window starting at `startMs` with these requests (completion 10 ms into it). */
function fill(series: ShareSeries, startMs: number, counts: { local?: number; redis?: number; source?: number }): void {
  const atUs = (startMs + 10) * 1000;
  for (let i = 0; i < (counts.local ?? 0); i++) series.record(localHit(), atUs);
  for (let i = 0; i < (counts.redis ?? 0); i++) series.record(redisHit(), atUs);
  for (let i = 0; i < (counts.source ?? 0); i++) series.record(fetched(), atUs);
}

describe('cold-start metrics', () => {
  it('start: steady is the median share of the last third; time to steady ends at the first window at 90% of it', () => {
    const series = new ShareSeries();
    series.start(0);
    fill(series, 0, { source: 10 });
    fill(series, 250, { local: 5, source: 5 });
    fill(series, 500, { redis: 9, source: 1 });
    fill(series, 750, { redis: 10 });
    for (let w = 4; w < 12; w++) fill(series, w * 250, { local: 10 });
    const [start] = coldStartsOf(series.snapshot(), [{ cause: 'start', atUs: 0, servingUs: 0 }], 3_000_000, 1_000_000);
    expect(start).toMatchObject({
      cause: 'start',
      // ms since the measured phase, which began 1 s after traffic (a warmup)
      at: -1000,
      servingAt: -1000,
      until: 2000,
      steadyShare: 1,
      timeToSteadyMs: 750,
      originCalls: 16,
      local: { steadyShare: 1, timeToSteadyMs: 1250, excessMisses: 35 },
      reason: null,
    });
    expect(start!.label).toBe('served from cache 100.0% steady, 90% of it after 0.75 s (16 origin calls); local 100.0% after 1.25 s');
  });

  it('deploy: windows and time to steady start when the new replicas serve (after the preload); spans end at the next deploy', () => {
    const series = new ShareSeries();
    series.start(0);
    for (let w = 0; w < 12; w++) fill(series, w * 250, { local: 10 });
    // Deploy at 3.0 s, preloaded 100 ms, serving from 3.1 s: Redis serves while local refills.
    fill(series, 3100, { redis: 8, local: 2 });
    fill(series, 3350, { local: 19, redis: 1 });
    for (let w = 2; w < 8; w++) fill(series, 3100 + w * 250, { local: 20 });
    const marks = [
      { cause: 'start' as const, atUs: 0, servingUs: 0 },
      { cause: 'deploy' as const, atUs: 3_000_000, servingUs: 3_100_000, warmLocal: 100 },
      { cause: 'deploy' as const, atUs: 5_100_000, servingUs: 5_100_000 },
    ];
    const [, deploy, last] = coldStartsOf(series.snapshot(), marks, 5_400_000, 0);
    expect(deploy).toMatchObject({ at: 3000, servingAt: 3100, until: 5100, warmLocal: 100, steadyShare: 1, timeToSteadyMs: 250, originCalls: 0 });
    // Local misses beyond the steady rate until local steady: 8 in the first window, 1 in the second.
    expect(deploy!.local).toEqual({ steadyShare: 1, timeToSteadyMs: 500, excessMisses: 9 });
    // 300 ms before the end is one window: no steady value, said so.
    expect(last).toMatchObject({ cause: 'deploy', steadyShare: null, timeToSteadyMs: null, reason: 'too-short', local: { steadyShare: null, timeToSteadyMs: null, excessMisses: null } });
    expect(last!.label).toBe('no steady value: 0.30 s of traffic before the end, fewer than 3 windows of 250 ms');
  });

  it('nothing served from cache: no steady value, the origin calls of the whole span', () => {
    const series = new ShareSeries();
    series.start(0);
    for (let w = 0; w < 6; w++) fill(series, w * 250, { source: 4 });
    const [start] = coldStartsOf(series.snapshot(), [{ cause: 'start', atUs: 0, servingUs: 0 }], 1_500_000, 0);
    expect(start).toMatchObject({ steadyShare: 0, timeToSteadyMs: null, originCalls: 24, reason: 'no-cache-hits' });
  });

  it('the chart series sums 250 ms windows from traffic start, and a long run coarsens its buckets without losing counts', () => {
    const series = new ShareSeries();
    series.start(0);
    fill(series, 0, { local: 3, source: 1 });
    fill(series, 250, { redis: 2 });
    expect(coldStartSeriesOf(series.snapshot(), 500_000, 250_000)).toEqual({
      at: -250,
      windowMs: 250,
      requests: [4, 2],
      cached: [3, 2],
      local: [3, 0],
      sourceCalls: [1, 0],
    });
    // 16,384 buckets of 50 ms is 819 s: a request after that doubles the bucket.
    series.record(localHit(), 900_000_000);
    const snapshot = series.snapshot();
    expect(snapshot.bucketUs).toBe(100_000);
    expect(snapshot.requests.reduce((a, b) => a + b, 0)).toBe(7);
    expect(snapshot.requests[0]).toBe(4);
  });
});
