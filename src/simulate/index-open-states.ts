import type { OpenStates } from '../metrics/stampede-tracker.js';

/**
 * States by integer id (the stampede tracker's open states by key id, the in-flight loads by
 * replica key): an open-addressing hash table (linear probing, deletion by backward shift, so no
 * tombstones) over a Float64Array of ids (any integer up to 2^53; -1 is empty). It grows to twice
 * the most entries held at once, so it stays small and in cache: a Map of integer keys, or an
 * array indexed by the 2M key ids of capacity-planning, cost a cache miss per lookup, and a Map
 * also reallocated its backing store as entries came and went.
 */
export class IndexOpenStates<V> implements OpenStates<number, V> {
  private keys: Float64Array;
  private values: (V | undefined)[];
  private mask: number;
  private shift: number;
  private count = 0;

  /** `expected`: how many states it usually holds (it grows past that). */
  constructor(expected: number) {
    let bits = 4;
    while (2 ** bits < 2 * expected) bits++;
    this.keys = new Float64Array(2 ** bits).fill(-1);
    this.values = new Array<V | undefined>(2 ** bits).fill(undefined);
    this.mask = 2 ** bits - 1;
    this.shift = 32 - bits;
  }

  get size(): number {
    return this.count;
  }

  get(key: number): V | undefined {
    const keys = this.keys;
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === key) return this.values[i];
      if (k === -1) return undefined;
    }
  }

  set(key: number, state: V): void {
    const keys = this.keys;
    let i = this.home(key);
    for (; ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === key) {
        this.values[i] = state;
        return;
      }
      if (k === -1) break;
    }
    keys[i] = key;
    this.values[i] = state;
    this.count++;
    if (2 * this.count > keys.length) this.grow();
  }

  delete(key: number): void {
    const keys = this.keys;
    const mask = this.mask;
    let i = this.home(key);
    for (; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === key) break;
      if (k === -1) return;
    }
    // Backward shift: pull later entries of the probe run into the hole unless their home lies
    // cyclically in (hole, their slot], so every entry stays reachable from its home.
    for (let j = (i + 1) & mask; keys[j] !== -1; j = (j + 1) & mask) {
      const home = this.home(keys[j]!);
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      keys[i] = keys[j]!;
      this.values[i] = this.values[j];
      i = j;
    }
    keys[i] = -1;
    this.values[i] = undefined;
    this.count--;
  }

  clear(): void {
    if (this.count === 0) return;
    this.keys.fill(-1);
    this.values.fill(undefined);
    this.count = 0;
  }

  /** Fibonacci hashing of the id's low 32 bits, then its high ones folded in: the top bits of the product. */
  private home(key: number): number {
    const mixed = key < 4294967296 ? key : key ^ Math.floor(key / 4294967296);
    return Math.imul(mixed, 0x9e3779b1) >>> this.shift;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    const bits = 32 - this.shift + 1;
    this.keys = new Float64Array(2 ** bits).fill(-1);
    this.values = new Array<V | undefined>(2 ** bits).fill(undefined);
    this.mask = 2 ** bits - 1;
    this.shift = 32 - bits;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) this.set(keys[i]!, values[i]!);
  }
}
