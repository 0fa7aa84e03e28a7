import { DistanceHistogram } from './distance-histogram.js';
import { FenwickTree } from './fenwick.js';

/**
 * Exact LRU stack distances (Mattson et al. 1970) in O(log n) per access: every access gets the
 * next time slot; a Fenwick tree marks the slot of each key's last access, so the distance of a
 * reuse is the number of marks after the key's previous slot, plus one. When the slots run out
 * the live keys are renumbered in access order (amortised O(1) per access), so memory follows the
 * distinct keys, not the length of the stream.
 */
export class StackDistanceCounter {
  private lastSlot = new Map<string, number>();
  private keyAt: (string | undefined)[];
  private tree: FenwickTree;
  private now = 0;
  /** Accesses are counted only once `counting` (a warmup fills the stack without counting). */
  counting = true;

  /** Lowest slot that may still hold a live key (eviction starts its search there). */
  private oldest = 0;

  constructor(
    readonly histogram = new DistanceHistogram(),
    /** Weight of each counted access, and the factor on each distance (both 1 / rate under SHARDS). */
    private readonly weight = 1,
    initialSlots = 1024,
    /**
     * Keep at most this many keys (the most recent): distances up to it stay exact, an access to a
     * key pushed out counts as beyond it (cold). @default Infinity
     */
    private readonly maxKeys = Infinity,
  ) {
    this.tree = new FenwickTree(initialSlots);
    this.keyAt = new Array<string | undefined>(initialSlots);
  }

  get distinctKeys(): number {
    return this.lastSlot.size;
  }

  /** Records one access; returns its distance (Infinity for a first access). */
  access(key: string): number {
    if (this.now === this.tree.size) this.compact();
    const previous = this.lastSlot.get(key);
    let distance = Infinity;
    if (previous !== undefined) {
      distance = this.tree.range(previous + 1, this.now - 1) + 1;
      this.tree.add(previous, -1);
      this.keyAt[previous] = undefined;
    }
    const slot = this.now++;
    this.tree.add(slot, 1);
    this.keyAt[slot] = key;
    this.lastSlot.set(key, slot);
    if (this.lastSlot.size > this.maxKeys) this.evictOldest();
    if (this.counting) {
      if (distance === Infinity) this.histogram.addCold(this.weight);
      else this.histogram.add(distance * this.weight, this.weight);
    }
    return distance;
  }

  /** Forgets a key (a SHARDS sample that drops it); its mark goes, later ones keep their order. */
  forget(key: string): void {
    const slot = this.lastSlot.get(key);
    if (slot === undefined) return;
    this.tree.add(slot, -1);
    this.keyAt[slot] = undefined;
    this.lastSlot.delete(key);
  }

  private evictOldest(): void {
    while (this.keyAt[this.oldest] === undefined) this.oldest++;
    this.forget(this.keyAt[this.oldest]!);
  }

  /** Renumbers live keys 0..n-1 in access order into a tree at least twice their number. */
  private compact(): void {
    const live = this.lastSlot.size;
    const size = Math.max(1024, 2 * live, this.tree.size);
    const tree = new FenwickTree(size);
    const keyAt = new Array<string | undefined>(size);
    let next = 0;
    for (let slot = 0; slot < this.now; slot++) {
      const key = this.keyAt[slot];
      if (key === undefined) continue;
      keyAt[next] = key;
      this.lastSlot.set(key, next);
      tree.add(next, 1);
      next++;
    }
    this.tree = tree;
    this.keyAt = keyAt;
    this.now = next;
    this.oldest = 0;
  }
}
