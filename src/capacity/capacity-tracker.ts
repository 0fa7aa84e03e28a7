import type { Trace } from '../cascade/trace.js';
import { DistanceHistogram } from './distance-histogram.js';
import { createExactCounter, createShardsCounter, type MissRatioCounter } from './shards.js';

/**
 * The miss-ratio curves of a run, from its own request stream: each replica's local tier sees the
 * keys routed to it (random routing thins the stream, affinity partitions it), and Redis sees the
 * stream of local misses (every Redis lookup). Warmup accesses fill the stacks but are not counted,
 * as the caches they model are warm when the measured phase starts.
 *
 * Key spaces up to {@link EXACT_KEY_LIMIT} are counted exactly; larger ones with SHARDS at a rate
 * that samples about {@link SHARDS_TARGET_KEYS} keys (never under 1%), which keeps memory bounded
 * whatever the key space.
 */
export const EXACT_KEY_LIMIT = 200_000;
export const SHARDS_TARGET_KEYS = 100_000;
export const MIN_SHARDS_RATE = 0.01;

export interface CapacityHistograms {
  method: 'exact' | 'shards';
  /** 1 when exact. */
  sampleRate: number;
  /** Summed over replicas (every replica's LRU has the configured size); null with the local tier off. */
  local: DistanceHistogram | null;
  redis: DistanceHistogram;
}

export interface CapacityTracker {
  /** One get of one key, after it finished. */
  observe(trace: Trace, replica: number): void;
  /** From now on accesses are counted (the measured phase started). */
  startCounting(): void;
  histograms(): CapacityHistograms;
}

/** The sampling rate for a key space of `keys` distinct keys (1 = exact). Pure. */
export function samplingRateFor(keys: number): number {
  if (keys <= EXACT_KEY_LIMIT) return 1;
  return Math.max(MIN_SHARDS_RATE, SHARDS_TARGET_KEYS / keys);
}

export function createCapacityTracker(options: { replicas: number; keySpace: number; localEnabled: boolean; rate?: number }): CapacityTracker {
  const rate = options.rate ?? samplingRateFor(options.keySpace);
  const counter = (): MissRatioCounter => (rate >= 1 ? createExactCounter() : createShardsCounter(rate));
  const local = options.localEnabled ? Array.from({ length: options.replicas }, counter) : [];
  const redis = counter();
  for (const c of [...local, redis]) c.counting = false;
  return {
    observe(trace, replica) {
      if (trace.outcome.local !== 'skipped') local[replica]?.access(trace.key);
      if (trace.outcome.redis !== 'skipped') redis.access(trace.key);
    },
    startCounting() {
      for (const c of [...local, redis]) c.counting = true;
    },
    histograms() {
      return {
        method: rate >= 1 ? 'exact' : 'shards',
        sampleRate: rate,
        local: options.localEnabled ? sumHistograms(local.map((c) => c.histogram())) : null,
        redis: redis.histogram(),
      };
    },
  };
}

function sumHistograms(parts: readonly DistanceHistogram[]): DistanceHistogram {
  const sum = new DistanceHistogram();
  for (const part of parts) {
    for (let b = 0; b < part.counts.length; b++) sum.counts[b]! += part.counts[b]!;
    sum.cold += part.cold;
    sum.total += part.total;
  }
  return sum;
}
