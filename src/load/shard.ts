import { badInput } from '../errors.js';
import type { ResultShard } from '../results/result-types.js';
import type { Scenario } from '../scenario/schema.js';
import { deriveSeed } from '../workload/rng.js';

/**
 * Splitting one scenario's load over N shard processes (k6's execution segments, by index): shard
 * i of N sends its part of the load, and the parts add up exactly to the whole.
 * - open loop: rate / N each (Poisson arrivals of rate r/N summed are Poisson of rate r);
 * - closed loop: concurrency and a `requests` bound split exactly, the remainder to the lowest
 *   indexes (10 over 3: 4, 3, 3), as are warmup requests;
 * - every random stream but the key distribution's own ranking (arrivals, key draws, feature sets,
 *   routing, source latency) is seeded from (seed, i): shards are reproducible and distinct, and hit
 *   the same hot keys, as real replicas do;
 * - events that act on shared state (Redis keys, the feature store's batches, the Redis server)
 *   fire from shard 0 only; those that act on a process's own replicas or source fire in every shard;
 *   `warm:` (it fills the shared Redis) runs in shard 0 only.
 * Pure.
 */

/** Events whose effect is on state every shard shares: fired once, by shard 0. */
const SHARED_EVENT_KINDS: ReadonlySet<string> = new Set(['expire-hot', 'batch-publish', 'batch-rollback', 'redis-pause']);

/** `--shard 2/4` -> { index: 2, count: 4 }: 0-based index below the count. */
export function parseShard(text: string): ResultShard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match === null ? NaN : Number(match[1]);
  const count = match === null ? NaN : Number(match[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1) {
    throw badInput(`--shard ${text}: expected i/N, the 0-based shard index and the shard count (e.g. 0/4)`);
  }
  if (index >= count) throw badInput(`--shard ${text}: index ${index} is not below the count ${count} (shards are 0..${count - 1})`);
  return { index, count };
}

/** Shard i's part of `total` when split as evenly as whole numbers allow. */
export function shareOf(total: number, shard: ResultShard): number {
  return Math.floor(total / shard.count) + (shard.index < total % shard.count ? 1 : 0);
}

/** The seed of shard i's random streams. Shard 0 of 1 is the unsharded run: the scenario's own seed. */
export function shardStreamSeed(seed: number, shard: ResultShard): number {
  return shard.count === 1 ? seed : deriveSeed(seed, `shard ${shard.index}/${shard.count}`);
}

/** The scenario shard i runs. Bad input (exit 2) where the scenario cannot be split so. */
export function shardScenario(scenario: Scenario, shard: ResultShard, where = `--shard ${shard.index}/${shard.count}`): Scenario {
  if (shard.count === 1) return scenario;
  const distribution = scenario.keys.distribution;
  if (distribution.kind === 'trace' && !distribution.loop) {
    throw badInput(`${where}: keys.distribution is a trace with loop: false, which cannot be split by arrival (set loop: true, or run it unsharded)`);
  }
  const load = scenario.load;
  let sharded: Scenario['load'];
  if (load.mode === 'open') {
    sharded = { ...load, rate: load.rate / shard.count };
  } else if (load.mode === 'http') {
    if (load.connections < shard.count) {
      throw badInput(`${where}: load.connections ${load.connections} cannot be split over ${shard.count} shards (each needs at least one connection)`);
    }
    sharded = { ...load, connections: shareOf(load.connections, shard), ...(load.rate === undefined ? {} : { rate: load.rate / shard.count }) };
  } else {
    if (load.concurrency < shard.count) {
      throw badInput(`${where}: load.concurrency ${load.concurrency} cannot be split over ${shard.count} shards (each needs at least one virtual user)`);
    }
    sharded = { ...load, concurrency: shareOf(load.concurrency, shard) };
  }
  if (load.requests !== undefined) {
    const requests = shareOf(load.requests, shard);
    if (requests < 1) throw badInput(`${where}: load.requests ${load.requests} leaves shard ${shard.index} nothing to send`);
    sharded = { ...sharded, requests };
  }
  const warmup = typeof scenario.warmup === 'number' ? scenario.warmup : { requests: shareOf(scenario.warmup.requests, shard) };
  const events = shard.index === 0 ? scenario.events : scenario.events.filter((event) => !SHARED_EVENT_KINDS.has(event.kind));
  const result: Scenario = { ...scenario, load: sharded, warmup, events };
  // Warming fills the Redis every shard shares: once, by shard 0, before the start barrier.
  if (shard.index !== 0) delete result.warm;
  return result;
}
