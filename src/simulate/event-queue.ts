/**
 * Future happenings on the simulation's virtual clock (a fill landing in Redis and the local tier,
 * a lock released, a slowdown ending), run in time order (ties in the order they were queued)
 * before the first request at or after their time. A binary heap: O(log n) per event.
 */
export class EventQueue {
  private readonly heap: { at: number; seq: number; run: () => void }[] = [];
  private seq = 0;

  /** Time of the earliest pending event, ms; +Infinity when none. */
  get nextAt(): number {
    return this.heap.length === 0 ? Number.POSITIVE_INFINITY : this.heap[0]!.at;
  }

  get size(): number {
    return this.heap.length;
  }

  push(at: number, run: () => void): void {
    const heap = this.heap;
    const item = { at, seq: this.seq++, run };
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  /** Runs every event due at or before `t` (events they queue included). */
  runUntil(t: number): void {
    while (this.heap.length > 0 && this.heap[0]!.at <= t) this.pop().run();
  }

  /** Runs every event due strictly before `t`. */
  runBefore(t: number): void {
    while (this.heap.length > 0 && this.heap[0]!.at < t) this.pop().run();
  }

  private pop(): { at: number; seq: number; run: () => void } {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
        if (!before(heap[child]!, last)) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}

function before(a: { at: number; seq: number }, b: { at: number; seq: number }): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A min-heap of times in a Float64Array (source slots, in-flight requests, closed-loop workers). */
export class TimeHeap {
  private values: Float64Array;
  size = 0;

  constructor(capacity = 64) {
    this.values = new Float64Array(Math.max(1, capacity));
  }

  get min(): number {
    return this.size === 0 ? Number.POSITIVE_INFINITY : this.values[0]!;
  }

  push(value: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    const v = this.values;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (v[parent]! <= value) break;
      v[i] = v[parent]!;
      i = parent;
    }
    v[i] = value;
  }

  /** Removes and returns the smallest value. */
  pop(): number {
    const v = this.values;
    const top = v[0]!;
    const last = v[--this.size]!;
    if (this.size > 0) this.siftDown(last);
    return top;
  }

  /** Replaces the smallest value with `value` (pop + push in one sift). */
  replaceMin(value: number): void {
    if (this.size === 0) this.push(value);
    else this.siftDown(value);
  }

  private siftDown(value: number): void {
    const v = this.values;
    const n = this.size;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && v[right]! < v[left]! ? right : left;
      if (v[child]! >= value) break;
      v[i] = v[child]!;
      i = child;
    }
    v[i] = value;
  }
}
