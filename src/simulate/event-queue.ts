/**
 * Future happenings on the simulation's virtual clock (a fill landing in Redis and the local tier,
 * a request's end to record, a slowdown ending), run in time order (ties in the order they were
 * queued) before the first request at or after their time. A binary heap over parallel arrays (the
 * times and queueing order in Float64Arrays): O(log n) per event, and no object per event when
 * the caller passes a shared function and a pooled argument (`pushWith`), which the hot paths do.
 */
export class EventQueue {
  /** Heap order by (at, seq): times and queueing order in typed arrays, the calls beside them. */
  private ats = new Float64Array(256);
  private seqs = new Float64Array(256);
  private readonly fns: (((arg: never) => void) | undefined)[] = [];
  private readonly args: unknown[] = [];
  private n = 0;
  private seq = 0;

  /**
   * Time of the earliest pending event (µs on the simulation clock); +Infinity when none. Kept
   * up to date by push and pop rather than a getter: the run loop reads it per request, and a
   * double returned by a getter it does not inline is a heap number. Read it, never write it.
   */
  nextAt = Number.POSITIVE_INFINITY;

  get size(): number {
    return this.n;
  }

  push(at: number, run: () => void): void {
    this.pushWith(at, callIt, run);
  }

  /** Queues `fn(arg)` at `at`, after every event already queued for that time. */
  pushWith<T>(at: number, fn: (arg: T) => void, arg: T): void {
    this.pushWithSeq(at, this.seq++, fn, arg);
  }

  /**
   * Takes the next place in the queueing order without queueing anything: an event that may be
   * queued later (`pushWithSeq`) then runs where it would have run had it been queued now.
   */
  reserveSeq(): number {
    return this.seq++;
  }

  /** Queues `fn(arg)` at `at` in the place `seq` (from `reserveSeq`) holds among events at the same time. */
  pushWithSeq<T>(at: number, seq: number, fn: (arg: T) => void, arg: T): void {
    if (this.n === this.ats.length) this.grow();
    const ats = this.ats;
    const seqs = this.seqs;
    const fns = this.fns;
    const args = this.args;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentAt = ats[parent]!;
      if (parentAt < at || (parentAt === at && seqs[parent]! < seq)) break;
      ats[i] = parentAt;
      seqs[i] = seqs[parent]!;
      fns[i] = fns[parent];
      args[i] = args[parent];
      i = parent;
    }
    ats[i] = at;
    seqs[i] = seq;
    fns[i] = fn as (arg: never) => void;
    args[i] = arg;
    this.nextAt = ats[0]!;
  }

  /** Runs every event due at or before `t` (events they queue included). */
  runUntil(t: number): void {
    while (this.n > 0 && this.ats[0]! <= t) this.popAndRun();
  }

  /** Runs every event due strictly before `t`. */
  runBefore(t: number): void {
    while (this.n > 0 && this.ats[0]! < t) this.popAndRun();
  }

  private popAndRun(): void {
    const ats = this.ats;
    const seqs = this.seqs;
    const fns = this.fns;
    const args = this.args;
    const fn = fns[0]!;
    const arg = args[0];
    const n = --this.n;
    if (n > 0) {
      // Sift the last event down from the root.
      const lastAt = ats[n]!;
      const lastSeq = seqs[n]!;
      const lastFn = fns[n];
      const lastArg = args[n];
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        let child = left;
        if (right < n) {
          const ra = ats[right]!;
          const la = ats[left]!;
          if (ra < la || (ra === la && seqs[right]! < seqs[left]!)) child = right;
        }
        const ca = ats[child]!;
        if (ca > lastAt || (ca === lastAt && seqs[child]! > lastSeq)) break;
        ats[i] = ca;
        seqs[i] = seqs[child]!;
        fns[i] = fns[child];
        args[i] = args[child];
        i = child;
      }
      ats[i] = lastAt;
      seqs[i] = lastSeq;
      fns[i] = lastFn;
      args[i] = lastArg;
    }
    // The freed slot lets go of its call, so a run event's argument is not kept alive.
    fns[n] = undefined;
    args[n] = undefined;
    this.nextAt = n > 0 ? ats[0]! : Number.POSITIVE_INFINITY;
    (fn as (arg: unknown) => void)(arg);
  }

  private grow(): void {
    const ats = new Float64Array(this.ats.length * 2);
    ats.set(this.ats);
    this.ats = ats;
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.seqs = seqs;
  }
}

function callIt(run: () => void): void {
  run();
}

/** A min-heap of times in a Float64Array (source slots, in-flight requests, closed-loop workers). */
export class TimeHeap {
  private values: Float64Array;
  size = 0;
  /** The smallest value, +Infinity when empty: a field kept by every change, as `EventQueue.nextAt`. Read it, never write it. */
  min = Number.POSITIVE_INFINITY;

  constructor(capacity = 64) {
    this.values = new Float64Array(Math.max(1, capacity));
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
    this.min = v[0]!;
  }

  /** Removes and returns the smallest value. */
  pop(): number {
    const v = this.values;
    const top = v[0]!;
    const last = v[--this.size]!;
    if (this.size > 0) this.siftDown(last);
    else this.min = Number.POSITIVE_INFINITY;
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
    this.min = v[0]!;
  }
}
