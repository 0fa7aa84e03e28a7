import { createLatencySampler } from '../cascade/latency-model.js';
import { badInput } from '../errors.js';
import { decodeHistogram } from '../metrics/histogram.js';
import type { LatencySummary, ResultDocument } from '../results/result-types.js';
import type { Rng } from '../workload/types.js';

/** One draw of a latency in µs. */
export type SamplerUs = (rng: Rng) => number;

/**
 * The latencies a simulation cannot take from the scenario: Redis round trips, codec work and a
 * local hit. The source's latency is the scenario's own model (`cascade.source.latency`).
 */
export interface SimLatencies {
  /** GET round trip, µs. */
  redisGet: SamplerUs;
  /** SET round trip (write-back), µs; lock SET NX and release use it too. */
  redisSet: SamplerUs;
  /** Decode of a value read from Redis, µs. */
  decode: SamplerUs;
  /** Encode of a value fetched from the source, µs. */
  encode: SamplerUs;
  /** A local hit end to end, µs: one constant, so local hits are counted, not sampled. */
  localHitUs: number;
  /** Where the figures came from: `default` or the result file. */
  origin: string;
}

/**
 * Default model, from ANCHORS.md (ioredis `getBuffer`, one in flight, on the project machines:
 * p50 80 µs, p99 136 µs): log-normal GET and SET with p50 80 µs and p99 140 µs; decode 10 µs,
 * encode 5 µs (msgpack, small payloads, rounded); a local hit 1 µs (the histograms' resolution).
 */
export const DEFAULT_REDIS_P50_MS = 0.08;
export const DEFAULT_REDIS_P99_MS = 0.14;
export const DEFAULT_DECODE_US = 10;
export const DEFAULT_ENCODE_US = 5;
export const DEFAULT_LOCAL_HIT_US = 1;

export function defaultLatencies(): SimLatencies {
  const roundTrip = createLatencySampler({ p50Ms: DEFAULT_REDIS_P50_MS, p99Ms: DEFAULT_REDIS_P99_MS });
  return {
    redisGet: (rng) => roundTrip(rng) * 1000,
    redisSet: (rng) => roundTrip(rng) * 1000,
    decode: () => DEFAULT_DECODE_US,
    encode: () => DEFAULT_ENCODE_US,
    localHitUs: DEFAULT_LOCAL_HIT_US,
    origin: 'default',
  };
}

/** Quantiles kept of an HDR histogram: every 0.1 percentile. */
const QUANTILE_STEPS = 1000;

/**
 * An empirical sampler over an encoded HDR histogram: its quantile function at every 0.1
 * percentile, interpolated linearly between them (inverse-transform sampling, one draw).
 */
export function samplerFromHdr(encoded: string): SamplerUs {
  const histogram = decodeHistogram(encoded);
  const table = new Float64Array(QUANTILE_STEPS + 1);
  try {
    for (let i = 0; i <= QUANTILE_STEPS; i++) table[i] = histogram.valueAtPercentileUs((100 * i) / QUANTILE_STEPS);
  } finally {
    histogram.destroy();
  }
  return (rng) => {
    const x = rng.next() * QUANTILE_STEPS;
    const i = Math.floor(x);
    const low = table[i]!;
    return i >= QUANTILE_STEPS ? low : low + (table[i + 1]! - low) * (x - i);
  };
}

function usable(summary: LatencySummary | undefined): summary is LatencySummary {
  return summary !== undefined && summary.count > 0 && typeof summary.hdr === 'string' && summary.hdr !== '';
}

/**
 * `--latency-from result.json`: the Redis GET and SET, decode and encode distributions of an
 * earlier real run, and its median local lookup as the local-hit constant. A component the run
 * never measured keeps the default; a result with no Redis GETs at all is bad input.
 */
export function latenciesFromResult(result: ResultDocument, file: string): SimLatencies {
  const components = result.latency?.components;
  const base = defaultLatencies();
  if (!usable(components?.redisGet)) {
    throw badInput(`--latency-from ${file}: latency.components.redisGet has no samples (the run never read Redis); use a result of a run with Redis lookups`);
  }
  const pick = (summary: LatencySummary | undefined, fallback: SamplerUs): SamplerUs => (usable(summary) ? samplerFromHdr(summary.hdr) : fallback);
  return {
    redisGet: samplerFromHdr(components.redisGet.hdr),
    redisSet: pick(components.redisSet, base.redisSet),
    decode: pick(components.decode, base.decode),
    encode: pick(components.encode, base.encode),
    localHitUs: usable(components.localGet) ? Math.max(1, components.localGet.p50 * 1000) : base.localHitUs,
    origin: file,
  };
}
