import { DistanceHistogram } from './distance-histogram.js';
import { FenwickTree } from './fenwick.js';

/**
 * Exact LRU stack distances (Mattson et al. 1970) in O(log n) per access: every access gets the
 * next time slot; a Fenwick tree marks the slot of each key's last access, so the distance of a
 * reuse is the number of marks after the key's previous slot, plus one. When the slots run out
 * the live keys are renumbered in access order (amortised O(1) per access), so memory follows the
 * distinct keys, not the length of the stream.
 *
 * Each key has one mutable entry, found with one Map probe per access: this runs on every request
 * of a run (`bench/mrc.ts` measures what it costs).
 */
interface Entry {
  readonly key: string;
  slot: number;
}

export class StackDistanceCounter {
  private readonly entries = new Map<string, Entry>();
  /** The entry whose last access is at each slot; undefined where that access was not a last one. */
  private slots: (Entry | undefined)[];
  private tree: FenwickTree;
  private now = 0;
  /** Lowest slot that may still hold a live key (eviction starts its search there). */
  private oldest = 0;
  /** Accesses are counted only once `counting` (a warmup fills the stack without counting). */
  counting = true;

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
    this.slots = new Array<Entry | undefined>(initialSlots);
  }

  get distinctKeys(): number {
    return this.entries.size;
  }

  /** Records one access; returns its distance (Infinity for a first access). */
  access(key: string): number {
    if (this.now === this.tree.size) this.compact();
    const slot = this.now++;
    let entry = this.entries.get(key);
    let distance = Infinity;
    if (entry !== undefined) {
      const previous = entry.slot;
      // Every live key has one mark, all before `slot`: those after `previous` are the live count
      // less the marks up to it (one prefix query instead of a range).
      distance = this.entries.size - this.tree.prefix(previous) + 1;
      this.tree.add(previous, -1);
      this.slots[previous] = undefined;
      entry.slot = slot;
    } else {
      entry = { key, slot };
      this.entries.set(key, entry);
    }
    this.tree.add(slot, 1);
    this.slots[slot] = entry;
    if (this.entries.size > this.maxKeys) this.evictOldest();
    if (this.counting) {
      if (distance === Infinity) this.histogram.addCold(this.weight);
      else this.histogram.add(distance * this.weight, this.weight);
    }
    return distance;
  }

  /** Forgets a key; its mark goes, later ones keep their order. */
  forget(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.tree.add(entry.slot, -1);
    this.slots[entry.slot] = undefined;
    this.entries.delete(key);
  }

  private evictOldest(): void {
    while (this.slots[this.oldest] === undefined) this.oldest++;
    this.forget(this.slots[this.oldest]!.key);
  }

  /** Renumbers live keys 0..n-1 in access order, in a tree at least four times their number. */
  private compact(): void {
    const size = Math.max(1024, 4 * this.entries.size, this.tree.size);
    // Read in order and rewritten in place: the n-th live slot is never after its old slot.
    const slots = this.slots;
    let next = 0;
    for (let slot = 0; slot < this.now; slot++) {
      const entry = slots[slot];
      if (entry === undefined) continue;
      slots[slot] = undefined;
      slots[next] = entry;
      entry.slot = next;
      next++;
    }
    if (size !== this.tree.size) {
      this.tree = new FenwickTree(size);
      slots.length = size;
    }
    this.tree.resetToFirst(next);
    this.now = next;
    this.oldest = 0;
  }
}
