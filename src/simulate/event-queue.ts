/**
 * Future happenings on the simulation's virtual clock (a fill landing in Redis and the local tier,
 * a request's end to record, a slowdown ending), run in time order (ties in the order they were
 * queued) before the first request at or after their time. A binary heap over parallel arrays:
 * O(log n) per event, and no object per event when the caller passes a shared function and a
 * pooled argument (`pushWith`), which the hot paths do.
 */
export class EventQueue {
  private readonly ats: number[] = [];
  private readonly seqs: number[] = [];
  private readonly fns: ((arg: never) => void)[] = [];
  private readonly args: unknown[] = [];
  private seq = 0;

  /** Time of the earliest pending event (µs on the simulation clock); +Infinity when none. */
  get nextAt(): number {
    return this.ats.length === 0 ? Number.POSITIVE_INFINITY : this.ats[0]!;
  }

  get size(): number {
    return this.ats.length;
  }

  push(at: number, run: () => void): void {
    this.pushWith(at, callIt, run);
  }

  /** Queues `fn(arg)` at `at`. */
  pushWith<T>(at: number, fn: (arg: T) => void, arg: T): void {
    const seq = this.seq++;
    let i = this.ats.length;
    this.ats.push(at);
    this.seqs.push(seq);
    this.fns.push(fn as (arg: never) => void);
    this.args.push(arg);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(at, seq, parent)) break;
      this.move(parent, i);
      i = parent;
    }
    this.place(i, at, seq, fn as (arg: never) => void, arg);
  }

  /** Runs every event due at or before `t` (events they queue included). */
  runUntil(t: number): void {
    while (this.ats.length > 0 && this.ats[0]! <= t) this.popAndRun();
  }

  /** Runs every event due strictly before `t`. */
  runBefore(t: number): void {
    while (this.ats.length > 0 && this.ats[0]! < t) this.popAndRun();
  }

  private popAndRun(): void {
    const fn = this.fns[0]!;
    const arg = this.args[0];
    const lastAt = this.ats.pop()!;
    const lastSeq = this.seqs.pop()!;
    const lastFn = this.fns.pop()!;
    const lastArg = this.args.pop();
    const n = this.ats.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && this.before(this.ats[right]!, this.seqs[right]!, left) ? right : left;
        if (!this.before(this.ats[child]!, this.seqs[child]!, -1, lastAt, lastSeq)) break;
        this.move(child, i);
        i = child;
      }
      this.place(i, lastAt, lastSeq, lastFn, lastArg);
    }
    (fn as (arg: unknown) => void)(arg);
  }

  /** Whether (at, seq) comes before slot `j` (or before (jAt, jSeq) when j < 0). */
  private before(at: number, seq: number, j: number, jAt = this.ats[j]!, jSeq = this.seqs[j]!): boolean {
    return at < jAt || (at === jAt && seq < jSeq);
  }

  private move(from: number, to: number): void {
    this.ats[to] = this.ats[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.fns[to] = this.fns[from]!;
    this.args[to] = this.args[from];
  }

  private place(i: number, at: number, seq: number, fn: (arg: never) => void, arg: unknown): void {
    this.ats[i] = at;
    this.seqs[i] = seq;
    this.fns[i] = fn;
    this.args[i] = arg;
  }
}

function callIt(run: () => void): void {
  run();
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
