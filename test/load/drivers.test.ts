import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/cascade/clock.js';
import { runClosedLoop } from '../../src/load/closed-loop.js';
import { runOpenLoop } from '../../src/load/open-loop.js';
import { createRouter, fnv1a } from '../../src/load/routing.js';

const unbounded = { durationUs: Infinity, requests: Infinity };

describe('open loop', () => {
  it('issues requests at their intended start times, fixed in advance by the arrival gaps', async () => {
    const intended: number[] = [];
    const outcome = await runOpenLoop(
      { nextGapUs: () => 20, maxInFlight: 10, bound: { ...unbounded, requests: 500 }, clock: systemClock },
      (t) => void intended.push(t),
    );
    expect(outcome.issued).toBe(500);
    expect(outcome.dropped).toBe(0);
    expect(intended).toHaveLength(500);
    for (let i = 1; i < intended.length; i++) expect(intended[i]! - intended[i - 1]!).toBeCloseTo(20, 6);
    expect(intended[0]! - outcome.startUs).toBeCloseTo(20, 6);
  });

  it('drops and counts arrivals beyond maxInFlight instead of queueing them', async () => {
    const dropped: number[] = [];
    const never = new Promise<void>(() => undefined);
    const outcome = await runOpenLoop(
      {
        nextGapUs: () => 10,
        maxInFlight: 7,
        bound: { ...unbounded, requests: 50 },
        clock: systemClock,
        drainTimeoutMs: 10,
        onDropped: (t) => dropped.push(t),
      },
      () => never,
    );
    expect(outcome.issued).toBe(7);
    expect(outcome.dropped).toBe(43);
    expect(dropped).toHaveLength(43);
    expect(outcome.abandoned).toBe(7);
  });

  it('stops issuing when aborted', async () => {
    const controller = new AbortController();
    let issued = 0;
    const outcome = await runOpenLoop(
      { nextGapUs: () => 100, maxInFlight: 100, bound: unbounded, clock: systemClock, signal: controller.signal },
      () => {
        if (++issued === 25) controller.abort();
      },
    );
    expect(outcome.issued).toBe(25);
  });

  it('waits for in-flight requests before returning', async () => {
    let finished = 0;
    const outcome = await runOpenLoop(
      { nextGapUs: () => 50, maxInFlight: 100, bound: { ...unbounded, requests: 20 }, clock: systemClock },
      () => new Promise<void>((r) => setTimeout(() => (finished++, r()), 5)),
    );
    expect(outcome.issued).toBe(20);
    expect(finished).toBe(20);
    expect(outcome.abandoned).toBe(0);
  });
});

describe('closed loop', () => {
  it('keeps exactly `concurrency` requests in flight and issues the bounded count', async () => {
    let inFlight = 0;
    let peak = 0;
    const outcome = await runClosedLoop(
      { concurrency: 4, bound: { ...unbounded, requests: 100 }, clock: systemClock },
      async () => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
      },
    );
    expect(outcome.issued).toBe(100);
    expect(peak).toBe(4);
  });

  it('handles synchronous requests (local hits) without starving the event loop', async () => {
    let issued = 0;
    let timerFired = false;
    setTimeout(() => (timerFired = true), 0);
    const outcome = await runClosedLoop(
      { concurrency: 2, bound: { ...unbounded, requests: 20_000 }, clock: systemClock },
      () => void issued++,
    );
    expect(outcome.issued).toBe(20_000);
    expect(issued).toBe(20_000);
    expect(timerFired).toBe(true);
  });
});

describe('routing', () => {
  const rng = { next: (() => { let x = 0; return () => ((x = (x * 9301 + 49297) % 233280) / 233280); })(), fork: () => rng };
  it('affinity is sticky by entity; round-robin takes turns; random stays in range', () => {
    const affinity = createRouter('affinity', 4, rng);
    expect(affinity('e42')).toBe(affinity('e42'));
    expect(affinity('e42')).toBe(fnv1a('e42') % 4);
    const rr = createRouter('round-robin', 3, rng);
    expect([rr('a'), rr('a'), rr('a'), rr('a')]).toEqual([0, 1, 2, 0]);
    const random = createRouter('random', 5, rng);
    const seen = new Set(Array.from({ length: 500 }, () => random('x')));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(createRouter('random', 1, rng)('x')).toBe(0);
  });
});
