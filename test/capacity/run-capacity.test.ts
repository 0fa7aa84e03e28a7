import { describe, expect, it } from 'vitest';
import { runVariant } from '../../src/load/run-variant.js';
import { parseScenario } from '../../src/scenario/validate.js';
import { usePrivateRedis } from '../helpers/redis.js';

/**
 * The miss-ratio curves of a real run against a private redis-server: read at the configured
 * size, the local curve gives the hit ratio the run measured (TTLs long enough that only size
 * evicts, so LRU stack distances are the whole story).
 */
const redis = usePrivateRedis();

function scenario(cascade: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return parseScenario({
    name: 'capacity-test',
    seed: 9,
    warmup: { requests: 1000 },
    keys: { entities: 5000, distribution: { kind: 'zipf', exponent: 0.9 } },
    featureSets: [{ name: 'scores', version: 'v1', payload: { floats: 4, ints: 1, strings: 1 }, ttl: { hard: '1h' } }],
    cascade: { redis: { keyPrefix: 'fcb-cap' }, source: { kind: 'simulated', latency: { fixed: '0ms' } }, ...cascade },
    load: { mode: 'closed', concurrency: 4, requests: 5000 },
    ...extra,
  });
}

const run = (s: ReturnType<typeof scenario>) =>
  runVariant({ label: '', assignments: {}, scenario: s, hash: '' }, { scenarioDir: process.cwd(), toolVersion: 'test', env: { REDIS_URL: redis.url } });

describe('capacity.mrc from a run', () => {
  it.each([
    ['one replica', { replicas: 1, local: { maxEntries: 400, ttl: '1h' } }],
    ['three replicas, random routing', { replicas: 3, routing: 'random', local: { maxEntries: 300, ttl: '1h' } }],
    ['three replicas, affinity', { replicas: 3, routing: 'affinity', local: { maxEntries: 300, ttl: '1h' } }],
  ])('%s: the local curve at the configured size is the measured local hit ratio', async (_label, cascade) => {
    const r = await run(scenario(cascade));
    const capacity = r.capacity!;
    expect(capacity.method).toBe('exact');
    expect(Math.abs(capacity.configured.localHitRatio! - r.tiers.local.hitRatio)).toBeLessThan(0.01);
    const atConfigured = capacity.mrc.local!.find((p) => p.entries === capacity.configured.localEntries)!;
    expect(atConfigured.missRatio).toBeCloseTo(1 - capacity.configured.localHitRatio!, 5);
    // Curves fall with size; bytes follow entries at the stored value size.
    for (const curve of [capacity.mrc.local!, capacity.mrc.redis]) {
      for (let i = 1; i < curve.length; i++) expect(curve[i]!.missRatio).toBeLessThanOrEqual(curve[i - 1]!.missRatio + 1e-9);
    }
    expect(atConfigured.bytes).toBe(Math.round(atConfigured.entries * r.payload.encodedBytes));
    const sizes = capacity.sizeFor.local!;
    expect(sizes.map((s) => s.hitRatio)).toEqual([0.5, 0.8, 0.9, 0.95, 0.99]);
    const half = sizes[0]!;
    if (half.entries !== null) expect(capacity.mrc.local!.every((p) => p.entries >= half.entries! || p.missRatio > 0.5 - 1e-9)).toBe(true);
  });

  it('the Redis curve is over the local misses, and the cheapest size is on the cost curve', async () => {
    const r = await run(scenario({ replicas: 1, local: { maxEntries: 200, ttl: '1h' } }, { cost: { productionRps: 5000 } }));
    const capacity = r.capacity!;
    // Redis keeps every key (1 h TTL, no eviction): at the run's key count its curve has only cold misses,
    // and those are the source calls the run made.
    const end = capacity.mrc.redis.at(-1)!;
    expect(end.missRatio).toBeCloseTo(r.tiers.source.calls / r.tiers.redis.lookups, 2);
    expect(capacity.costBySize.length).toBe(capacity.mrc.redis.length);
    expect(capacity.cheapest!.costPerHour).toBe(Math.min(...capacity.costBySize.map((p) => p.costPerHour)));
  });

  it('metrics.mrc: false records no curves', async () => {
    const r = await run(scenario({ replicas: 1, local: { maxEntries: 200 } }, { metrics: { mrc: false } }));
    expect(r.capacity).toBeUndefined();
  });
});
