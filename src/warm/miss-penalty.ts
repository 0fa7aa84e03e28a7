import type { LatencyConfig, Scenario } from '../scenario/schema.js';
import { Z_99 } from '../cascade/latency-model.js';

/**
 * The miss penalty of a cache entry: the source time a cold cache spends on it,
 * `mean source latency x expected misses`. A key asked for at rate λ with hard TTL T misses once
 * per `T + 1/λ` on average (one miss, then hits until it expires, then the wait for the next
 * request), so over a run of length H it misses `H λ / (1 + λ T)` times: hot keys miss about once
 * per TTL, cold ones on nearly every request. Pure.
 */

/** Mean of a latency model, ms (log-normal: `p50 e^(σ²/2)`). */
export function meanLatencyMs(latency: LatencyConfig): number {
  if ('fixed' in latency) return latency.fixed;
  if ('p50' in latency) {
    if (latency.p50 === 0) return 0;
    const sigma = Math.log(latency.p99 / latency.p50) / Z_99;
    return latency.p50 * Math.exp((sigma * sigma) / 2);
  }
  return (latency.min + latency.max) / 2;
}

/** The source's mean latency: the simulated model, or a PostgreSQL source's added latency plus 1 ms for the read itself. */
export function sourceMeanLatencyMs(scenario: Scenario): number {
  const source = scenario.cascade.source;
  if (source.kind === 'simulated') return meanLatencyMs(source.latency);
  return 1 + (source.addedLatency === undefined ? 0 : meanLatencyMs(source.addedLatency));
}

/**
 * Key lookups per second the scenario asks for: the open-loop rate, or for a closed loop an estimate
 * of `concurrency / max(thinkTime, 1 ms)`; times the sets a request reads (`request.featureSets: all`).
 */
export function lookupsPerSecond(scenario: Scenario): number {
  const load = scenario.load;
  const requests =
    load.mode === 'open'
      ? load.rate
      : load.mode === 'http'
        ? (load.rate ?? load.connections * 1000) // closed-loop HTTP: ~1 request per connection per ms, a rough ceiling
        : (load.concurrency * 1000) / Math.max(load.thinkTime, 1);
  return requests * (scenario.request.featureSets === 'all' ? scenario.featureSets.length : 1);
}

/** Expected misses over `horizonMs` of a key with `share` of all lookups, hard TTL `hardTtlMs`. */
export function expectedMisses(share: number, lookupsPerSec: number, hardTtlMs: number, horizonMs: number): number {
  const ratePerMs = (share * lookupsPerSec) / 1000;
  return (horizonMs * ratePerMs) / (1 + ratePerMs * hardTtlMs);
}
