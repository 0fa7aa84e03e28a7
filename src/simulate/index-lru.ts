/**
 * The local tier of one replica and feature set, as the simulation holds it: an LRU over entity
 * indexes in typed arrays (no key strings, no per-entry objects), with the fields the cascade
 * checks on a hit. Same recency rules as lru-cache in the real local tier: `get` moves an entry to
 * the front even when it is past its local TTL (the cascade's `lru.get`), `peek` does not (its
 * `heldValue`), `set` inserts at the front and evicts from the back when full.
 */
export class IndexLru {
  readonly capacity: number;
  /** Entity index -> slot, -1 when absent. */
  private readonly slotOf: Int32Array;
  private readonly entityOf: Int32Array;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  /** Virtual ms: when the source produced the value, its soft expiry (+Infinity without one), hard expiry, and local freshness. */
  readonly fetchedAt: Float64Array;
  readonly staleAt: Float64Array;
  readonly hardAt: Float64Array;
  readonly freshUntil: Float64Array;
  /** The fill's source time behind the value, ms (XFetch's delta); 0 when read from Redis. */
  readonly recomputeMs: Float64Array;
  private head = -1;
  private tail = -1;
  private used = 0;
  private readonly free: number[] = [];

  constructor(entities: number, capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.slotOf = new Int32Array(entities).fill(-1);
    const n = Math.min(this.capacity, entities);
    this.entityOf = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.next = new Int32Array(n);
    this.fetchedAt = new Float64Array(n);
    this.staleAt = new Float64Array(n);
    this.hardAt = new Float64Array(n);
    this.freshUntil = new Float64Array(n);
    this.recomputeMs = new Float64Array(n);
  }

  get size(): number {
    return this.used - this.free.length;
  }

  /** The slot of `entity` moved to the front, or -1. */
  get(entity: number): number {
    const slot = this.slotOf[entity]!;
    if (slot >= 0 && slot !== this.head) this.moveToFront(slot);
    return slot;
  }

  /** The slot of `entity` without touching recency, or -1. */
  peek(entity: number): number {
    return this.slotOf[entity]!;
  }

  /** Stores a value at the front (replacing one held for `entity`), evicting the least recent entry when full. */
  set(entity: number, fetchedAt: number, staleAt: number, hardAt: number, freshUntil: number, recomputeMs: number): void {
    let slot = this.slotOf[entity]!;
    if (slot < 0) {
      slot = this.allocate();
      this.slotOf[entity] = slot;
      this.entityOf[slot] = entity;
      this.link(slot);
    } else if (slot !== this.head) {
      this.moveToFront(slot);
    }
    this.fetchedAt[slot] = fetchedAt;
    this.staleAt[slot] = staleAt;
    this.hardAt[slot] = hardAt;
    this.freshUntil[slot] = freshUntil;
    this.recomputeMs[slot] = recomputeMs;
  }

  delete(entity: number): boolean {
    const slot = this.slotOf[entity]!;
    if (slot < 0) return false;
    this.unlink(slot);
    this.slotOf[entity] = -1;
    this.free.push(slot);
    return true;
  }

  clear(): void {
    for (let slot = this.head; slot >= 0; slot = this.next[slot]!) this.slotOf[this.entityOf[slot]!] = -1;
    this.head = -1;
    this.tail = -1;
    this.used = 0;
    this.free.length = 0;
  }

  private allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.used < this.entityOf.length) return this.used++;
    const victim = this.tail;
    this.unlink(victim);
    this.slotOf[this.entityOf[victim]!] = -1;
    return victim;
  }

  private moveToFront(slot: number): void {
    this.unlink(slot);
    this.link(slot);
  }

  private link(slot: number): void {
    this.prev[slot] = -1;
    this.next[slot] = this.head;
    if (this.head >= 0) this.prev[this.head] = slot;
    this.head = slot;
    if (this.tail < 0) this.tail = slot;
  }

  private unlink(slot: number): void {
    const p = this.prev[slot]!;
    const n = this.next[slot]!;
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
  }
}
