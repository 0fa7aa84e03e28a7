import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCapacityTracker } from '../../src/capacity/capacity-tracker.js';
import type * as CurveTrackerModule from '../../src/capacity/curve-tracker.js';
import { newTrace, type Trace } from '../../src/cascade/trace.js';
import { createRng } from '../../src/workload/rng.js';
import { createZipfSampler } from '../../src/workload/zipf.js';
import { buildCli } from '../cli/cli-helpers.js';

/**
 * The worker-backed curve tracker (the compiled build's: its worker file exists only there) gives
 * exactly the histograms of the in-thread tracker on the same stream: local hits and misses over
 * three replicas, Redis lookups after local misses, a warmup that is not counted.
 */
function stream(count: number): { trace: Trace; replica: number }[] {
  const zipf = createZipfSampler(4000, 1.0);
  const rng = createRng(11);
  return Array.from({ length: count }, (_, i) => {
    const trace = newTrace();
    trace.key = `fcb:run:set:v1:${zipf.next(rng)}`;
    const localMiss = rng.next() < 0.3;
    trace.outcome.local = i % 17 === 0 ? 'skipped' : localMiss ? 'miss' : 'hit';
    trace.outcome.redis = localMiss || i % 17 === 0 ? 'hit' : 'skipped';
    return { trace, replica: i % 3 };
  });
}

describe('miss-ratio curves on a worker thread', () => {
  it('match the in-thread tracker exactly, warmup left out', async () => {
    const { mainJs } = await buildCli();
    const module = (await import(pathToFileURL(join(dirname(mainJs), '../capacity/curve-tracker.js')).href)) as typeof CurveTrackerModule;
    const options = { replicas: 3, keySpace: 4000, localEnabled: true };
    const worker = module.openCurveTracker(options);
    expect(worker.where).toBe('worker');
    // Past the exact bound (SHARDS) the tracker stays in-thread: an id per key would hold every key.
    expect(module.openCurveTracker({ ...options, keySpace: 5_000_000 }).where).toBe('in-thread');
    const local = createCapacityTracker(options);
    // More than one batch (8,192 accesses) each side of the counting switch.
    const accesses = stream(40_000);
    accesses.forEach(({ trace, replica }, i) => {
      if (i === 15_000) {
        worker.startCounting();
        local.startCounting();
      }
      worker.observe(trace, replica);
      local.observe(trace, replica);
    });
    const fromWorker = await worker.histograms();
    await worker.close();
    const inThread = local.histograms();
    expect(fromWorker.method).toBe('exact');
    expect(fromWorker.redis.total).toBe(inThread.redis.total);
    expect(fromWorker.redis.total).toBeGreaterThan(0);
    expect(fromWorker.redis.total).toBeLessThan(25_000);
    expect(fromWorker.local!.cold).toBe(inThread.local!.cold);
    expect(Array.from(fromWorker.local!.counts)).toEqual(Array.from(inThread.local!.counts));
    expect(Array.from(fromWorker.redis.counts)).toEqual(Array.from(inThread.redis.counts));
  });
});
