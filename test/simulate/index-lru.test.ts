import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndexLru } from '../../src/simulate/index-lru.js';
import { RedisSet } from '../../src/simulate/redis-model.js';

const ENTITIES = 40;

type Op = { kind: 'get' | 'peek' | 'delete'; e: number } | { kind: 'set'; e: number; t: number } | { kind: 'clear' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 40, arbitrary: fc.record({ kind: fc.constant('get' as const), e: fc.integer({ min: 0, max: ENTITIES - 1 }) }) },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('peek' as const), e: fc.integer({ min: 0, max: ENTITIES - 1 }) }) },
  { weight: 40, arbitrary: fc.record({ kind: fc.constant('set' as const), e: fc.integer({ min: 0, max: ENTITIES - 1 }), t: fc.integer({ min: 0, max: 1e6 }) }) },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('delete' as const), e: fc.integer({ min: 0, max: ENTITIES - 1 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

/** The reference: a Map in recency order (least recent first), values the set's time. */
class ModelLru {
  readonly map = new Map<number, number>();
  constructor(private readonly capacity: number) {}
  get(e: number): number | undefined {
    const v = this.map.get(e);
    if (v !== undefined) {
      this.map.delete(e);
      this.map.set(e, v);
    }
    return v;
  }
  set(e: number, t: number): void {
    this.map.delete(e);
    if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value!);
    this.map.set(e, t);
  }
}

// The simulation's local tier stands in for lru-cache: same hits, same evictions, same values.
describe('IndexLru', () => {
  it('holds what a brute-force LRU holds, in the same recency order, with each value’s times', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(op, { maxLength: 300 }), (capacity, ops) => {
        const lru = new IndexLru(ENTITIES, capacity);
        const model = new ModelLru(capacity);
        for (const o of ops) {
          if (o.kind === 'get' || o.kind === 'peek') {
            const slot = o.kind === 'get' ? lru.get(o.e) : lru.peek(o.e);
            const expected = o.kind === 'get' ? model.get(o.e) : model.map.get(o.e);
            expect(slot >= 0).toBe(expected !== undefined);
            if (expected !== undefined) {
              expect(lru.fetchedAtOf(slot)).toBe(expected);
              expect(lru.staleAtOf(slot)).toBe(expected + 1);
              expect(lru.hardAtOf(slot)).toBe(expected + 2);
              expect(lru.freshUntilOf(slot)).toBe(expected + 3);
              expect(lru.recomputeMsOf(slot)).toBe(expected + 4);
            }
          } else if (o.kind === 'set') {
            lru.set(o.e, o.t, o.t + 1, o.t + 2, o.t + 3, o.t + 4);
            model.set(o.e, o.t);
          } else if (o.kind === 'delete') {
            expect(lru.delete(o.e)).toBe(model.map.delete(o.e));
          } else {
            lru.clear();
            model.map.clear();
          }
          expect(lru.size).toBe(model.map.size);
          expect(lru.entities()).toEqual([...model.map.keys()].reverse());
        }
      }),
      { seed: 20261207, numRuns: 300 },
    );
  });
});

describe('RedisSet', () => {
  it('keeps each entity’s times apart, reads a deleted or hard-expired value as absent, counts live keys', () => {
    const redis = new RedisSet(3);
    redis.set(0, 100, 0, 500);
    redis.set(1, 200, 300, 900);
    expect([redis.fetchedAtOf(0), redis.softAtOf(0), redis.staleAtOf(0), redis.hardAtOf(0)]).toEqual([100, 0, Number.POSITIVE_INFINITY, 500]);
    expect([redis.fetchedAtOf(1), redis.softAtOf(1), redis.staleAtOf(1), redis.hardAtOf(1)]).toEqual([200, 300, 300, 900]);
    expect(redis.has(2, 0)).toBe(false);
    expect(redis.has(0, 499)).toBe(true);
    expect(redis.has(0, 500)).toBe(false);
    expect(redis.liveKeys(400)).toBe(2);
    redis.delete(1);
    expect(redis.has(1, 0)).toBe(false);
    expect(redis.fetchedAtOf(0)).toBe(100);
    expect(redis.liveKeys(0)).toBe(1);
  });
});
