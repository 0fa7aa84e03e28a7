import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, TimeHeap } from '../../src/simulate/event-queue.js';

// The simulation's determinism rests on this order: by time, ties in the order queued, events
// queued by running events included.
describe('EventQueue', () => {
  it('runs an event queued with a reserved place where it would have run had it been queued then', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), { maxLength: 200 }), (events) => {
        const now = new EventQueue();
        const later = new EventQueue();
        const ranNow: number[] = [];
        const ranLater: number[] = [];
        const deferred: [number, number, number][] = [];
        events.forEach(([at, defer], id) => {
          now.pushWith(at, (x: number) => ranNow.push(x), id);
          if (defer) deferred.push([at, later.reserveSeq(), id]);
          else later.pushWith(at, (x: number) => ranLater.push(x), id);
        });
        for (const [at, seq, id] of deferred.reverse()) later.pushWithSeq(at, seq, (x: number) => ranLater.push(x), id);
        now.runUntil(10);
        later.runUntil(10);
        expect(ranLater).toEqual(ranNow);
      }),
      { seed: 20261208, numRuns: 200 },
    );
  });

  it('runs events by time, ties in queueing order, including events queued while running', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: -1, max: 20 })), { maxLength: 400 }),
        fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 1, maxLength: 6 }),
        (events, cuts) => {
          const queue = new EventQueue();
          const ran: number[] = [];
          // The reference: every event with its time and queueing number, run in (time, number) order.
          const expected: { at: number; seq: number; id: number }[] = [];
          let seq = 0;
          const schedule = (at: number, id: number, child: number): void => {
            expected.push({ at, seq: seq++, id });
            queue.pushWith(at, (x: number) => {
              ran.push(x);
              // Some events queue another one later (or at the same time).
              if (child >= 0) schedule(at + child, id + 1000, -1);
            }, id);
          };
          events.forEach(([at, child], id) => schedule(at, id, child));
          for (const cut of [...cuts].sort((a, b) => a - b)) queue.runUntil(cut);
          queue.runBefore(Number.POSITIVE_INFINITY);
          expect(queue.size).toBe(0);
          expect(queue.nextAt).toBe(Number.POSITIVE_INFINITY);
          const order = [...expected].sort((a, b) => a.at - b.at || a.seq - b.seq).map((x) => x.id);
          expect(ran).toEqual(order);
        },
      ),
      { seed: 20261207, numRuns: 300 },
    );
  });

  it('runUntil includes events at the time, runBefore stops short of it', () => {
    const queue = new EventQueue();
    const ran: string[] = [];
    queue.push(5, () => ran.push('a'));
    queue.push(10, () => ran.push('b'));
    queue.runBefore(10);
    expect(ran).toEqual(['a']);
    expect(queue.nextAt).toBe(10);
    queue.runUntil(10);
    expect(ran).toEqual(['a', 'b']);
  });
});

describe('TimeHeap', () => {
  it('pops values in ascending order and replaceMin keeps the heap', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }), (values) => {
        const heap = new TimeHeap(2);
        for (const v of values) heap.push(v);
        heap.replaceMin(5e5);
        const model = [...values].sort((a, b) => a - b);
        model[0] = 5e5;
        model.sort((a, b) => a - b);
        const out: number[] = [];
        while (heap.size > 0) out.push(heap.pop());
        expect(out).toEqual(model);
      }),
      { seed: 20261207, numRuns: 200 },
    );
  });
});
