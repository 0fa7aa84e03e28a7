import * as hdr from 'hdr-histogram-js';
import { badInput } from '../errors.js';
import type { LatencySummary } from '../results/result-types.js';

/**
 * The one wrapper around hdr-histogram-js (STYLE principle 9): it owns the parameters, the
 * encoding, merging and the WebAssembly memory. Everything else in fcbench records microseconds
 * into a `LatencyHistogram` and reads milliseconds out of a `LatencySummary`.
 *
 * Implementation: the WebAssembly build when it initialises (it does under Node 20, synchronously),
 * else the JS build. Measured on the project machine (bench/recorder.ts): a raw `recordValue` in a
 * tight loop is ~19 ns (WASM) vs ~28 ns (JS), but inside the recorder, which feeds ~7 of its 14
 * histograms per request, `record` cost ~195 ns with WASM vs ~790 ns with JS. WASM memory is not garbage
 * collected, so every histogram is freed by `destroy()`, with a FinalizationRegistry as a backstop
 * for histograms dropped without it.
 */

/** Lowest discernible value: 1 µs. Values are rounded to whole microseconds. */
export const HISTOGRAM_LOWEST_US = 1;
/** Highest trackable value: 1 hour in µs. Larger values are clamped to it and counted. */
export const HISTOGRAM_HIGHEST_US = 3_600_000_000;
/** 3 significant digits: any value is within 0.1% of the value it is reported as. */
export const HISTOGRAM_SIGNIFICANT_DIGITS = 3;

export interface HistogramOptions {
  /**
   * Value precision in decimal digits. 2 digits (1% precision) makes a histogram ~4x smaller, for
   * the many short-lived ones (one per stampede episode).
   * @default 3
   */
  significantDigits?: 1 | 2 | 3;
}

/**
 * What the recorder's parts need of a microsecond histogram: {@link LatencyHistogram} (HDR, the
 * default) or a simulation's plain-JS `BucketHistogram` with the same buckets.
 */
export interface MicrosHistogram {
  record(valueUs: number): void;
  recordCount(valueUs: number, count: number): void;
  readonly count: number;
  readonly clampedCount: number;
  valueAtPercentileUs(percentile: number): number;
  readonly maxUs: number;
  /** Adds every value of `other` (of the same kind) to this histogram. */
  merge(other: MicrosHistogram): void;
  reset(): void;
  encode(): string;
  summary(): LatencySummary;
  destroy(): void;
}

/** Makes the histograms of a recorder's parts (`createHistogram` unless a simulation says otherwise). */
export type HistogramFactory = (options?: HistogramOptions) => MicrosHistogram;

/** All zeros, `hdr: ''`: the summary of a histogram with no values. */
export const EMPTY_LATENCY_SUMMARY: Readonly<LatencySummary> = Object.freeze({
  count: 0,
  mean: 0,
  p50: 0,
  p90: 0,
  p95: 0,
  p99: 0,
  p999: 0,
  max: 0,
  hdr: '',
});

let useWasm: boolean | undefined;

/** Initialises the WASM build once, on first use (not at import: it costs ~25 ms). */
function wasmEnabled(): boolean {
  if (useWasm === undefined) {
    try {
      hdr.initWebAssemblySync(); // a no-op when already initialised
      // `build` silently falls back to JS where WebAssembly is missing: ask what it built.
      const probe = hdr.build({ useWebAssembly: true });
      useWasm = probe instanceof hdr.WasmHistogram;
      probe.destroy();
    } catch {
      useWasm = false;
    }
  }
  return useWasm;
}

/** Which hdr-histogram-js build the histograms use ('wasm' where it initialises). */
export function histogramImplementation(): 'wasm' | 'js' {
  return wasmEnabled() ? 'wasm' : 'js';
}

/** Frees WASM memory of histograms that were dropped without `destroy()`. */
const finalizer = new FinalizationRegistry<hdr.Histogram>((inner) => inner.destroy());

/** Microsecond HDR histogram with clamping; see the module comment. */
export class LatencyHistogram implements MicrosHistogram {
  private inner: hdr.Histogram;
  private clamped = 0;
  private destroyed = false;

  /** Use `createHistogram` / `decodeHistogram`. */
  constructor(inner: hdr.Histogram) {
    this.inner = inner;
    inner.autoResize = false;
    // Only WASM memory escapes the garbage collector; JS histograms need no finalizer.
    if (inner instanceof hdr.WasmHistogram) finalizer.register(this, inner, this);
  }

  /**
   * Records one value in µs, rounded to a whole µs. Negative or NaN values record 0 and values
   * above 1 hour record 1 hour; both are counted in `clampedCount` rather than thrown, because a
   * measurement glitch must not abort a run.
   */
  record(valueUs: number): void {
    let v = Math.round(valueUs);
    if (!(v >= 0)) {
      v = 0;
      this.clamped++;
    } else if (v > HISTOGRAM_HIGHEST_US) {
      v = HISTOGRAM_HIGHEST_US;
      this.clamped++;
    }
    this.inner.recordValue(v);
  }

  /** Records `count` values of `valueUs` at once (a simulation's constant-latency requests), clamped as {@link record}. */
  recordCount(valueUs: number, count: number): void {
    if (count <= 0) return;
    let v = Math.round(valueUs);
    if (!(v >= 0)) {
      v = 0;
      this.clamped += count;
    } else if (v > HISTOGRAM_HIGHEST_US) {
      v = HISTOGRAM_HIGHEST_US;
      this.clamped += count;
    }
    this.inner.recordValueWithCount(v, count);
  }

  /** Number of recorded values. */
  get count(): number {
    return this.inner.totalCount;
  }

  /** Number of values that were out of range and clamped (since creation or the last reset). */
  get clampedCount(): number {
    return this.clamped;
  }

  /** HDR value at a percentile (0..100), µs: the highest value equivalent to the nearest-rank sample. 0 when empty. */
  valueAtPercentileUs(percentile: number): number {
    return this.inner.totalCount === 0 ? 0 : this.inner.getValueAtPercentile(percentile);
  }

  /**
   * Largest recorded value as the histogram reports it (the top of its bucket, µs), 0 when empty.
   * Not the exact maximum: that is not encoded, and a decoded histogram must say the same thing.
   */
  get maxUs(): number {
    return this.valueAtPercentileUs(100);
  }

  /** Adds every value of `other` to this histogram (`other` is unchanged). */
  merge(other: MicrosHistogram): void {
    if (!(other instanceof LatencyHistogram)) {
      // Another kind (a simulation's BucketHistogram): through its HDR encoding.
      if (other.count === 0) return;
      const copy = decodeHistogram(other.encode());
      try {
        this.merge(copy);
      } finally {
        copy.destroy();
      }
      this.clamped += other.clampedCount;
      return;
    }
    const source = other.inner;
    if (source.totalCount === 0) return;
    if (source.constructor === this.inner.constructor) {
      this.inner.add(source);
    } else {
      // A WASM histogram can only add a WASM one: go through the portable encoding.
      const copy = decodeInner(hdr.encodeIntoCompressedBase64(source));
      try {
        this.inner.add(copy);
      } finally {
        copy.destroy();
      }
    }
    this.clamped += other.clamped;
  }

  reset(): void {
    this.inner.reset();
    this.clamped = 0;
  }

  /** Compressed base64 encoding (V2, portable between the JS and WASM builds); '' when empty. */
  encode(): string {
    return this.inner.totalCount === 0 ? '' : hdr.encodeIntoCompressedBase64(this.inner);
  }

  /** The result document's latency summary: milliseconds, with the encoded histogram in `hdr`. */
  summary(): LatencySummary {
    const h = this.inner;
    if (h.totalCount === 0) return { ...EMPTY_LATENCY_SUMMARY };
    return {
      count: h.totalCount,
      mean: h.mean / 1000,
      p50: h.getValueAtPercentile(50) / 1000,
      p90: h.getValueAtPercentile(90) / 1000,
      p95: h.getValueAtPercentile(95) / 1000,
      p99: h.getValueAtPercentile(99) / 1000,
      p999: h.getValueAtPercentile(99.9) / 1000,
      max: h.getValueAtPercentile(100) / 1000,
      hdr: hdr.encodeIntoCompressedBase64(h),
    };
  }

  /** Frees the histogram's memory (WASM). Idempotent; the histogram must not be used afterwards. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    finalizer.unregister(this);
    this.inner.destroy();
  }
}

/** A new empty histogram over 1 µs .. 1 hour. Call `destroy()` when done with it. */
export function createHistogram(options?: HistogramOptions): LatencyHistogram {
  const request: hdr.BuildRequest = {
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: options?.significantDigits ?? HISTOGRAM_SIGNIFICANT_DIGITS,
    autoResize: false,
    useWebAssembly: wasmEnabled(),
  };
  return new LatencyHistogram(hdr.build(request));
}

function decodeInner(encoded: string): hdr.Histogram {
  // The minimum bar keeps decoded histograms able to take any value `record` can produce.
  return hdr.decodeFromCompressedBase64(encoded, 32, wasmEnabled(), HISTOGRAM_HIGHEST_US);
}

/**
 * Decodes a `LatencySummary.hdr` string ('' gives an empty histogram). Throws `bad-input` when the
 * text is not an HDR histogram. Call `destroy()` when done with the result.
 */
export function decodeHistogram(encoded: string): LatencyHistogram {
  if (encoded === '') return createHistogram();
  try {
    return new LatencyHistogram(decodeInner(encoded));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw badInput(`hdr: not a compressed base64 HDR histogram (${reason})`);
  }
}

/** Re-summarises a stored histogram (for merged or re-read results). */
export function summarizeEncoded(encoded: string): LatencySummary {
  const histogram = decodeHistogram(encoded);
  try {
    return histogram.summary();
  } finally {
    histogram.destroy();
  }
}

/** Merges stored histograms into one summary (e.g. trials of the same variant). */
export function mergeEncoded(encoded: readonly string[]): LatencySummary {
  const total = createHistogram();
  try {
    for (const text of encoded) {
      const part = decodeHistogram(text);
      try {
        total.merge(part);
      } finally {
        part.destroy();
      }
    }
    return total.summary();
  } finally {
    total.destroy();
  }
}
