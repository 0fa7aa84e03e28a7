import { describe, expect, it } from 'vitest';
import { CascadeError } from '../../src/cascade/cascade-error.js';
import { FakeClock } from '../../src/cascade/clock.js';
import { FifoLimiter } from '../../src/cascade/fifo-limiter.js';
import { createLatencySampler, Z_99 } from '../../src/cascade/latency-model.js';
import { createRng } from '../../src/workload/rng.js';
import { outcomeOf, payload, simulatedSource } from './fixture.js';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

describe('latency model', () => {
  it('log-normal through p50 and p99 puts them where asked', () => {
    const sample = createLatencySampler({ p50Ms: 8, p99Ms: 40 });
    const rng = createRng(3);
    const draws = Array.from({ length: 40_000 }, () => sample(rng)).sort((a, b) => a - b);
    expect(quantile(draws, 0.5) / 8).toBeGreaterThan(0.97);
    expect(quantile(draws, 0.5) / 8).toBeLessThan(1.03);
    expect(quantile(draws, 0.99) / 40).toBeGreaterThan(0.92);
    expect(quantile(draws, 0.99) / 40).toBeLessThan(1.08);
    expect(Math.log(40 / 8) / Z_99).toBeCloseTo(0.6919, 3);
  });

  it('uniform stays within min..max, fixed is fixed, same seed same draws', () => {
    const uniform = createLatencySampler({ minMs: 2, maxMs: 5 });
    const rng = createRng(9);
    const draws = Array.from({ length: 5000 }, () => uniform(rng));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...draws)).toBeLessThan(5);
    expect(createLatencySampler({ fixedMs: 7 })(rng)).toBe(7);
    const again = createRng(9);
    expect(Array.from({ length: 5000 }, () => uniform(again))).toEqual(draws);
  });

  it('rejects p99 below p50', () => {
    expect(() => createLatencySampler({ p50Ms: 10, p99Ms: 5 })).toThrow('source.latency.p99');
  });
});

describe('FifoLimiter', () => {
  it('hands released slots to waiters in arrival order, skipping cancelled ones', async () => {
    const limiter = new FifoLimiter(1);
    expect(limiter.tryAcquire()).toBe(true);
    const order: string[] = [];
    const a = limiter.enqueue();
    const b = limiter.enqueue();
    const c = limiter.enqueue();
    void a.granted.then(() => order.push('a'));
    void b.granted.then(() => order.push('b'));
    void c.granted.then(() => order.push('c'));
    expect(b.cancel()).toBe(true);
    limiter.release();
    await Promise.resolve();
    limiter.release();
    await Promise.resolve();
    expect(order).toEqual(['a', 'c']);
    expect(c.cancel()).toBe(false); // already granted: the caller owns the slot
    limiter.release();
    expect(limiter.inUse).toBe(0);
  });
});

describe('simulated source', () => {
  it('limits concurrency with a FIFO queue and reports each wait', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock, { latency: { fixedMs: 10 }, concurrency: 2 });
    const fetches = ['a', 'b', 'c', 'd', 'e'].map((entity) => source.fetch(entity, 'credit'));
    await clock.advanceMs(30);
    const records = await Promise.all(fetches);
    expect(records.map((r) => r.queueUs)).toEqual([0, 0, 10_000, 10_000, 20_000]);
    const stats = source.stats();
    expect(stats.maxConcurrent).toBe(2);
    expect(stats.queued).toBe(3);
    expect(stats.queueWaitUsMax).toBe(20_000);
    expect(stats.calls).toBe(5);
  });

  it('serves the current snapshot version, switched by setVersion', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    const first = await source.fetch('e1', 'credit');
    expect(first.version).toBe('v1');
    expect(first.values).toEqual(payload('e1', 'credit', 'v1'));
    source.setVersion('credit', 'v2');
    const second = await source.fetch('e1', 'credit');
    expect(second.version).toBe('v2');
    expect(second.values).toEqual(payload('e1', 'credit', 'v2'));
    expect(second.values).not.toEqual(first.values);
  });

  it('fails at the error rate, and null restores the configured rate', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock);
    source.setErrorRate(1);
    const failed = await outcomeOf(source.fetch('e1', 'credit'));
    expect(failed.ok).toBe(false);
    expect((failed as { error: CascadeError }).error.kind).toBe('source-error');
    source.setErrorRate(null);
    expect((await outcomeOf(source.fetch('e1', 'credit'))).ok).toBe(true);
    expect(source.stats().errors).toBe(1);
  });

  it('times out slow fetches at the timeout, and the latency factor stretches latency', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock, { latency: { fixedMs: 10 }, timeoutMs: 50 });
    source.setLatencyFactor(3);
    let done = false;
    const slow = source.fetch('e1', 'credit').then(() => (done = true));
    await clock.advanceMs(29);
    expect(done).toBe(false);
    await clock.advanceMs(1);
    await slow;
    source.setLatencyFactor(10);
    const timedOut = outcomeOf(source.fetch('e1', 'credit'));
    await clock.advanceMs(50);
    const result = await timedOut;
    expect(result.ok).toBe(false);
    expect((result as { error: CascadeError }).error.kind).toBe('source-timeout');
    expect(source.stats().timeouts).toBe(1);
  });

  it('times out fetches stuck in the queue and frees nothing it did not take', async () => {
    const clock = new FakeClock();
    const source = simulatedSource(clock, { latency: { fixedMs: 100 }, concurrency: 1, timeoutMs: 150 });
    const first = outcomeOf(source.fetch('a', 'credit'));
    const second = outcomeOf(source.fetch('b', 'credit'));
    const third = outcomeOf(source.fetch('c', 'credit'));
    await clock.advanceMs(400);
    // a: served at 100; b: dequeued at 100 with 50 ms left < 100 ms latency -> timeout; c: timed out in the queue at 150.
    expect((await first).ok).toBe(true);
    expect(((await second) as { error: CascadeError }).error.kind).toBe('source-timeout');
    expect(((await third) as { error: CascadeError }).error.kind).toBe('source-timeout');
    expect(source.stats().inFlight).toBe(0);
    const after = outcomeOf(source.fetch('d', 'credit'));
    await clock.advanceMs(100);
    expect((await after).ok).toBe(true);
  });

  it('refuses feature sets it does not serve', async () => {
    const source = simulatedSource(new FakeClock());
    await expect(source.fetch('e1', 'nope')).rejects.toThrow('unknown feature set');
  });
});
