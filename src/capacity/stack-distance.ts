import { DistanceHistogram } from './distance-histogram.js';
import { FenwickTree } from './fenwick.js';

/**
 * Exact LRU stack distances (Mattson et al. 1970) in O(log n) per access: every access gets the
 * next time slot; a Fenwick tree marks the slot of each key's last access, so the distance of a
 * reuse is the number of marks after the key's previous slot, plus one. When the slots run out
 * the live keys are renumbered in access order (amortised O(1) per access), so memory follows the
 * distinct keys, not the length of the stream.
 *
 * This runs on every request of a run (`bench/mrc.ts` measures what it costs), so a key is a small
 * integer id found with one Map probe, and its slot and each slot's key live in typed arrays: no
 * object per key, no pointer to chase. A forgotten key's id is reused.
 */
const NONE = -1;

export class StackDistanceCounter {
  private readonly ids = new Map<string, number>();
  /** Key of each id (to forget the oldest key by id); free ids are reused. */
  private keyOfId: string[] = [];
  private slotOfId = new Int32Array(1024).fill(NONE);
  private readonly freeIds: number[] = [];
  /** The id whose last access is at each slot; NONE where that access was not a last one. */
  private idAtSlot: Int32Array;
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
    this.idAtSlot = new Int32Array(initialSlots).fill(NONE);
  }

  get distinctKeys(): number {
    return this.ids.size;
  }

  /** Records one access; returns its distance (Infinity for a first access). */
  access(key: string): number {
    if (this.now === this.tree.size) this.compact();
    const slot = this.now++;
    let id = this.ids.get(key);
    let distance = Infinity;
    if (id !== undefined) {
      const previous = this.slotOfId[id]!;
      // Every live key has one mark, all before `slot`: those after `previous` are the live count
      // less the marks up to it (one prefix query instead of a range).
      distance = this.ids.size - this.tree.prefix(previous) + 1;
      this.tree.add(previous, -1);
      this.idAtSlot[previous] = NONE;
    } else {
      id = this.newId(key);
    }
    this.slotOfId[id] = slot;
    this.idAtSlot[slot] = id;
    this.tree.add(slot, 1);
    if (this.ids.size > this.maxKeys) this.evictOldest();
    if (this.counting) {
      if (distance === Infinity) this.histogram.addCold(this.weight);
      else this.histogram.add(distance * this.weight, this.weight);
    }
    return distance;
  }

  /** Forgets a key; its mark goes, later ones keep their order. */
  forget(key: string): void {
    const id = this.ids.get(key);
    if (id === undefined) return;
    const slot = this.slotOfId[id]!;
    this.tree.add(slot, -1);
    this.idAtSlot[slot] = NONE;
    this.slotOfId[id] = NONE;
    this.ids.delete(key);
    this.keyOfId[id] = '';
    this.freeIds.push(id);
  }

  private newId(key: string): number {
    const id = this.freeIds.pop() ?? this.keyOfId.length;
    if (id === this.keyOfId.length) this.keyOfId.push(key);
    else this.keyOfId[id] = key;
    if (id >= this.slotOfId.length) {
      const grown = new Int32Array(this.slotOfId.length * 2).fill(NONE);
      grown.set(this.slotOfId);
      this.slotOfId = grown;
    }
    this.ids.set(key, id);
    return id;
  }

  private evictOldest(): void {
    while (this.idAtSlot[this.oldest] === NONE) this.oldest++;
    this.forget(this.keyOfId[this.idAtSlot[this.oldest]!]!);
  }

  /** Renumbers live keys 0..n-1 in access order, in a tree at least four times their number. */
  private compact(): void {
    const size = Math.max(1024, 4 * this.ids.size, this.tree.size);
    // Read in order and rewritten in place: the n-th live slot is never after its old slot.
    const idAtSlot = this.idAtSlot;
    let next = 0;
    for (let slot = 0; slot < this.now; slot++) {
      const id = idAtSlot[slot]!;
      if (id === NONE) continue;
      idAtSlot[slot] = NONE;
      idAtSlot[next] = id;
      this.slotOfId[id] = next;
      next++;
    }
    if (size !== this.tree.size) {
      this.tree = new FenwickTree(size);
      const grown = new Int32Array(size).fill(NONE);
      grown.set(idAtSlot.subarray(0, next));
      this.idAtSlot = grown;
    }
    this.tree.resetToFirst(next);
    this.now = next;
    this.oldest = 0;
  }
}
