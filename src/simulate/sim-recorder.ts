import type { Trace } from '../cascade/trace.js';
import { createBucketHistogram } from '../metrics/bucket-histogram.js';
import { DEFAULT_RECORDER_OPTIONS } from '../metrics/recorder.js';
import { RecorderCore } from '../metrics/recorder-core.js';
import { StampedeTracker, type FillTimes, type OpenStates } from '../metrics/stampede-tracker.js';

/**
 * The open-state table's starting size. It grows to twice the most states held at once (a few
 * hundred in quickstart, thousands in capacity-planning, at most maxOpenExpiryKeys): sized for
 * the cap from the start, its probes landed all over 128 KB and missed the cache.
 */
const OPEN_STATES_START = 256;

/**
 * The run's recorder (metrics/recorder.ts) as the simulation needs it: the same parts, the same
 * steps per request and the same summary, with two changes that only touch speed. Keys are the
 * simulation's integer ids (`sharedKey`: set x entity) instead of Redis key strings, so the
 * stampede tracker's open states sit in a small integer hash table and its fill times in a typed array; and the
 * histograms are `BucketHistogram`s (the HDR histogram's buckets in plain JS, converted to HDR
 * for the summary), so the ~8 records of a traced request are increments, not WebAssembly calls.
 */
export class SimRecorder extends RecorderCore<number> {
  /** `keys`: how many key ids there are (sets x entities). */
  constructor(keys: number) {
    super(
      createBucketHistogram,
      DEFAULT_RECORDER_OPTIONS.timelineBucketMs,
      new StampedeTracker<number>(
        {
          windowUs: DEFAULT_RECORDER_OPTIONS.expiryWindowMs * 1000,
          maxListed: DEFAULT_RECORDER_OPTIONS.maxListedExpiries,
          maxOpenKeys: DEFAULT_RECORDER_OPTIONS.maxOpenExpiryKeys,
        },
        { histogram: createBucketHistogram, filled: new IndexFillTimes(keys), open: <V>() => new IndexOpenStates<V>(OPEN_STATES_START) },
      ),
    );
  }

  /** `Recorder.record` of a request for key id `key` that started when it arrived (`startUs`) and ended at `endUs`. */
  record(trace: Trace, key: number, startUs: number, endUs: number, replica: number): void {
    const endToEndUs = endUs - startUs;
    this.counters.count(trace, replica);
    this.latency.record(trace, endToEndUs, 0);
    this.advance(endUs);
    this.timeline.record(trace, endToEndUs);
    this.stampede.observe(trace, key, startUs, endToEndUs, startUs);
  }
}

/** Fill times by key id in a Float64Array; NaN is "never filled". */
export class IndexFillTimes implements FillTimes<number> {
  private readonly expiresUs: Float64Array;

  constructor(keys: number) {
    this.expiresUs = new Float64Array(keys).fill(Number.NaN);
  }

  get(key: number): number | undefined {
    const us = this.expiresUs[key]!;
    return us === us ? us : undefined;
  }

  has(key: number): boolean {
    const us = this.expiresUs[key]!;
    return us === us;
  }

  set(key: number, expiresUs: number): void {
    this.expiresUs[key] = expiresUs;
  }

  clear(): void {
    this.expiresUs.fill(Number.NaN);
  }
}

/**
 * The stampede tracker's open states by key id: an open-addressing hash table (linear probing,
 * deletion by backward shift, so no tombstones) over an Int32Array of keys. The tracker holds at
 * most `maxOpenKeys` states (10,000), so the table stays small and in cache; a Map of
 * integer keys, or an array indexed by the 2M key ids of capacity-planning, cost a cache miss per
 * lookup, and a traced request looks its key up once or twice.
 */
export class IndexOpenStates<V> implements OpenStates<number, V> {
  private keys: Int32Array;
  private values: (V | undefined)[];
  private mask: number;
  private shift: number;
  private count = 0;

  /** `expected`: how many states it usually holds (it grows past that). */
  constructor(expected: number) {
    let bits = 4;
    while (2 ** bits < 2 * expected) bits++;
    this.keys = new Int32Array(2 ** bits).fill(-1);
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

  /** Fibonacci hashing: the top bits of key x 2^32/phi. */
  private home(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    const bits = 32 - this.shift + 1;
    this.keys = new Int32Array(2 ** bits).fill(-1);
    this.values = new Array<V | undefined>(2 ** bits).fill(undefined);
    this.mask = 2 ** bits - 1;
    this.shift = 32 - bits;
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) this.set(keys[i]!, values[i]!);
  }
}
