/** Doubles per slot in `IndexLru`'s value array: the value's five times, side by side. */
const STRIDE = 5;
const FETCHED_AT = 0;
const STALE_AT = 1;
const HARD_AT = 2;
const FRESH_UNTIL = 3;
const RECOMPUTE_MS = 4;

/**
 * The local tier of one replica and feature set, as the simulation holds it: an LRU over entity
 * indexes in typed arrays (no key strings, no per-entry objects), with the fields the cascade
 * checks on a hit. Same recency rules as lru-cache in the real local tier: `get` moves an entry to
 * the front even when it is past its local TTL (the cascade's `lru.get`), `peek` does not (its
 * `heldValue`), `set` inserts at the front and evicts from the back when full.
 *
 * Layout: entity -> slot in an Int32Array; per slot its previous and next slot side by side in one
 * Int32Array, and the value's five times side by side in one Float64Array, so a hit reads one line
 * of links and one of times instead of one per field array. Measured on the hit path (zipf keys):
 * 19.5 -> 16 ns per lookup with 100k entities and 10k entries, 48 -> 37 ns with 1M and 25k.
 */
export class IndexLru {
  readonly capacity: number;
  /** Entity index -> slot, -1 when absent. */
  private readonly slotOf: Int32Array;
  /** Per slot: previous slot, next slot (-1 at the ends). */
  private readonly links: Int32Array;
  private readonly entityOf: Int32Array;
  private readonly times: Float64Array;
  private readonly slots: number;
  private head = -1;
  private tail = -1;
  private used = 0;
  private readonly free: number[] = [];

  constructor(entities: number, capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.slotOf = new Int32Array(entities).fill(-1);
    this.slots = Math.min(this.capacity, entities);
    this.links = new Int32Array(this.slots * 2);
    this.entityOf = new Int32Array(this.slots);
    this.times = new Float64Array(this.slots * STRIDE);
  }

  get size(): number {
    return this.used - this.free.length;
  }

  /** Virtual ms when the source produced the value in `slot`. */
  fetchedAtOf(slot: number): number {
    return this.times[slot * STRIDE + FETCHED_AT]!;
  }

  /** Its soft expiry, +Infinity without one, ms. */
  staleAtOf(slot: number): number {
    return this.times[slot * STRIDE + STALE_AT]!;
  }

  /** Its hard expiry, ms. */
  hardAtOf(slot: number): number {
    return this.times[slot * STRIDE + HARD_AT]!;
  }

  /** Until when it is fresh locally (the local TTL, capped by the hard TTL), ms. */
  freshUntilOf(slot: number): number {
    return this.times[slot * STRIDE + FRESH_UNTIL]!;
  }

  /** The fill's source time behind the value, ms (XFetch's delta); 0 when read from Redis. */
  recomputeMsOf(slot: number): number {
    return this.times[slot * STRIDE + RECOMPUTE_MS]!;
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
    const i = slot * STRIDE;
    const times = this.times;
    times[i + FETCHED_AT] = fetchedAt;
    times[i + STALE_AT] = staleAt;
    times[i + HARD_AT] = hardAt;
    times[i + FRESH_UNTIL] = freshUntil;
    times[i + RECOMPUTE_MS] = recomputeMs;
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
    for (let slot = this.head; slot >= 0; slot = this.links[slot * 2 + 1]!) this.slotOf[this.entityOf[slot]!] = -1;
    this.head = -1;
    this.tail = -1;
    this.used = 0;
    this.free.length = 0;
  }

  /** Entities from most to least recent (for tests; O(size)). */
  entities(): number[] {
    const out: number[] = [];
    for (let slot = this.head; slot >= 0; slot = this.links[slot * 2 + 1]!) out.push(this.entityOf[slot]!);
    return out;
  }

  private allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.used < this.slots) return this.used++;
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
    const links = this.links;
    links[slot * 2] = -1;
    links[slot * 2 + 1] = this.head;
    if (this.head >= 0) links[this.head * 2] = slot;
    this.head = slot;
    if (this.tail < 0) this.tail = slot;
  }

  private unlink(slot: number): void {
    const links = this.links;
    const p = links[slot * 2]!;
    const n = links[slot * 2 + 1]!;
    if (p >= 0) links[p * 2 + 1] = n;
    else this.head = n;
    if (n >= 0) links[n * 2] = p;
    else this.tail = p;
  }
}
