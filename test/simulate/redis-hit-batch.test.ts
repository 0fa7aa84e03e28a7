import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/results/result-types.js';
import { loadScenario } from '../../src/scenario/load.js';
import { defaultLatencies, type SimLatencies } from '../../src/simulate/latency-models.js';
import { simulateVariant } from '../../src/simulate/simulate-variant.js';

/** GETs anywhere up to 2 ms, decodes up to 300 µs: counted hits end in a wide spread, overlapping fills and misses of their keys. */
function spreadLatencies(): SimLatencies {
  const upTo = (us: number) => (rng: { next(): number }) => 1 + (us - 1) * rng.next();
  return { ...defaultLatencies(), redisGet: upTo(2000), redisSet: upTo(100), decode: upTo(300), origin: 'test' };
}

/**
 * Counting plain Redis hits in batches (the default) must give the result that recording each one
 * as a trace gives, bit for bit. The digests pin the shipped cases; these add fast sources, spread
 * latencies, events, failures and every stampede strategy, and the batch's one corner: a request
 * issued after a counted hit that opens an episode on its key before the hit ends, so the tracker
 * must still see the hit, in its place (`PendingHits`). The one-key case below reaches it (eight
 * times), and its result differs if the hit is left out.
 */
const CASES: { name: string; file: string; sets: string[]; latencies?: () => SimLatencies }[] = [
  { name: 'quickstart with its expire-hot event', file: 'scenarios/quickstart.yaml', sets: ['duration=12s'] },
  {
    name: 'quickstart, a source as fast as Redis, failures and events',
    file: 'scenarios/quickstart.yaml',
    sets: [
      'duration=12s',
      'cascade.local={maxEntries: 2000, ttl: 200ms}',
      'cascade.source={kind: simulated, latency: {min: 0ms, max: 200us}, concurrency: 64}',
      'featureSets.0.ttl={hard: 300ms, jitter: 0.1}',
      'events=[{at: 2s, kind: expire-hot, top: 50}, {at: 4s, kind: redis-pause, for: 300ms}, {at: 6s, kind: source-errors, rate: 0.5, for: 1s}, {at: 9s, kind: flush-local}]',
    ],
    latencies: spreadLatencies,
  },
  {
    name: 'stampede strategies with a fast source',
    file: 'scenarios/stampede.yaml',
    sets: ['duration=4s', 'warmup=1s', 'cascade.source={kind: simulated, latency: {min: 0ms, max: 300us}, concurrency: 64}'],
    latencies: spreadLatencies,
  },
  {
    // One key, every request to Redis, a 20 ms TTL: a hit that read the value just before it
    // expired spends 1.2 ms decoding while a request after it misses, fetches in no time and opens
    // an episode, so the tracker must see the hit after that request.
    name: 'a hit still decoding when a later miss has refilled its key',
    file: 'scenarios/stampede.yaml',
    sets: [
      'duration=4s',
      'warmup=1s',
      'keys={entities: 1, distribution: {kind: uniform}}',
      'featureSets.0.ttl={hard: 20ms, jitter: 0.2}',
      'cascade.source={kind: simulated, latency: {fixed: 0ms}, concurrency: 64}',
      'stampede={strategy: none}',
      'events=[]',
      'load={mode: open, rate: 900, arrivals: poisson}',
    ],
    latencies: () => ({ ...defaultLatencies(), redisGet: (rng) => (rng.next() < 0.3 ? 1000 : 1), redisSet: () => 1, decode: () => 1200, origin: 'test' }),
  },
  { name: 'ttl-policies, every policy', file: 'scenarios/ttl-policies.yaml', sets: ['duration=70s', 'warmup=0s', 'load.rate=500'] },
];

/** The result without what depends on the machine or the wall clock. */
function deterministicPart(r: ResultDocument): unknown {
  const { tool: _tool, startedAt: _startedAt, env: _env, simulation, serving, ...rest } = r as ResultDocument & Record<string, unknown>;
  const { requestsPerSecond: _rps, wallMs: _wall, cpuMs: _cpu, requestsPerCpuSecond: _rpc, ...sim } = simulation!;
  return { ...rest, simulation: sim, serving: { ...serving, replicas: serving.replicas.map(({ pid: _pid, ...replica }) => replica) } };
}

describe('simulate: counted Redis hits give the traced result', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const loaded = await loadScenario(c.file, { sets: c.sets, env: {} });
      for (const variant of loaded.variants) {
        const options = { scenarioDir: loaded.dir, toolVersion: 'test', latencies: c.latencies?.() };
        const counted = simulateVariant(variant, options);
        const traced = simulateVariant(variant, { ...options, countRedisHits: false });
        expect(traced.tiers.redis.hits).toBeGreaterThan(0);
        expect(deterministicPart(counted)).toEqual(deterministicPart(traced));
      }
    });
  }
});
