import type { CascadeOptions, StampedeOptions } from '../cascade/options.js';
import type { SimulatedSourceOptions } from '../cascade/simulated-source.js';
import type { LatencySpec } from '../cascade/latency-model.js';
import type { LatencyConfig, Scenario, SourceConfig, StampedeConfig } from '../scenario/schema.js';

/** The scenario's cascade section as the embeddable cascade's own options (ms names, no YAML). */
export function cascadeOptionsOf(scenario: Scenario, keyPrefix: string): CascadeOptions {
  return {
    featureSets: scenario.featureSets.map((set) => ({
      name: set.name,
      version: set.version,
      ttl: {
        hardMs: set.ttl.hard,
        // swr's softTtl stands in for a set's missing soft TTL: the stale window swr serves from.
        softMs: set.ttl.soft ?? (scenario.stampede.strategy === 'swr' ? scenario.stampede.softTtl : undefined),
        jitter: set.ttl.jitter,
        earlyRefresh: set.ttl.earlyRefresh,
      },
    })),
    codec: {
      format: scenario.codec.format,
      compression: scenario.codec.compression,
      compressAboveBytes: scenario.codec.compressAbove,
      level: scenario.codec.level,
      dtype: scenario.codec.dtype,
      // tensor lays each set out by its payload spec; the other formats ignore this.
      layouts: Object.fromEntries(scenario.featureSets.map((set) => [set.name, set.payload])),
    },
    local: {
      enabled: scenario.cascade.local.enabled,
      maxEntries: scenario.cascade.local.maxEntries,
      maxBytes: scenario.cascade.local.maxBytes,
      ttlMs: scenario.cascade.local.ttl,
    },
    // A cluster needs one slot per entity, so a request's feature sets stay one MGET (key-scheme.ts).
    redis: { keyPrefix, hashTag: scenario.cascade.redis.cluster !== undefined },
    stampede: stampedeOptionsOf(scenario.stampede),
    failurePolicy: scenario.failurePolicy,
    layout: scenario.cascade.layout === 'feast' ? { kind: 'feast', ...scenario.cascade.feast } : { kind: 'fcbench' },
  };
}

function stampedeOptionsOf(stampede: StampedeConfig): StampedeOptions {
  if (stampede.strategy !== 'redis-lock') return { strategy: stampede.strategy };
  return {
    strategy: 'redis-lock',
    lockTtlMs: stampede.lockTtl,
    waitMs: stampede.wait,
    pollIntervalMs: stampede.pollInterval,
    onTimeout: stampede.onTimeout,
  };
}

export function sourceOptionsOf(scenario: Scenario): SimulatedSourceOptions {
  const source: SourceConfig = scenario.cascade.source;
  // Callers pick the source by kind first (build-source.ts); this is the simulated one's options.
  if (source.kind !== 'simulated') throw new Error(`sourceOptionsOf: cascade.source.kind is ${source.kind}, not simulated`);
  return {
    latency: latencyOf(source.latency),
    concurrency: source.concurrency,
    errorRate: source.errorRate,
    timeoutMs: source.timeout,
    versions: Object.fromEntries(scenario.featureSets.map((set) => [set.name, set.version])),
  };
}

/** A scenario latency model (`{ fixed }`, `{ p50, p99 }`, `{ min, max }` in ms) as the sampler's spec. */
export function latencyOf(latency: LatencyConfig): LatencySpec {
  if ('fixed' in latency) return { fixedMs: latency.fixed };
  if ('p50' in latency) return { p50Ms: latency.p50, p99Ms: latency.p99 };
  return { minMs: latency.min, maxMs: latency.max };
}
