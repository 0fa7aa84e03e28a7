import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/results/result-types.js';
import { createKeyChooser } from '../../src/workload/key-chooser.js';
import { createRng } from '../../src/workload/rng.js';
import { usePrivateRedis } from '../helpers/redis.js';
import { useBuiltCli } from './cli-helpers.js';

const cli = useBuiltCli();
const redis = usePrivateRedis();

async function runJson(yaml: string, extra: string[] = []): Promise<ResultDocument> {
  const dir = mkdtempSync(join(tmpdir(), 'fcb-model-'));
  const file = join(dir, 'scenario.yaml');
  writeFileSync(file, yaml);
  const out = await cli.run(['run', file, '--json', '--no-report', '--out', join(dir, 'results'), ...extra], { env: { REDIS_URL: redis.url } });
  if (out.code !== 0) throw new Error(`exit ${out.code}: ${out.stderr}`);
  return JSON.parse(out.stdout) as ResultDocument;
}

/** Exact LRU of `capacity` entries over a key stream: the fraction of requests that hit. */
function lruHitRatio(keys: string[], capacity: number): number {
  const lru = new Map<string, true>();
  let hits = 0;
  for (const key of keys) {
    if (lru.delete(key)) hits++;
    lru.set(key, true);
    if (lru.size > capacity) lru.delete(lru.keys().next().value!);
  }
  return hits / keys.length;
}

describe('fcbench run against models of what it measures', () => {
  it('the local hit ratio of a Zipf run matches an exact LRU simulation of the same key stream', async () => {
    const seed = 11;
    const requests = 20_000;
    const result = await runJson(`name: lru-model
seed: ${seed}
warmup: 0s
keys: { entities: 20000, distribution: { kind: zipf, exponent: 1.0, scramble: true } }
featureSets: [{ name: f, ttl: { hard: 1h } }]
cascade: { replicas: 1, local: { maxEntries: 500, ttl: 10m }, source: { kind: simulated, latency: { fixed: 0ms } } }
load: { mode: closed, concurrency: 1, requests: ${requests} }
`);
    const chooser = createKeyChooser({ kind: 'zipf', exponent: 1, scramble: true }, 20_000, seed, { rng: createRng(seed).fork('keys') });
    const stream = Array.from({ length: requests }, () => chooser.next()!);
    const model = lruHitRatio(stream, 500);
    expect(result.requests.total).toBe(requests);
    expect(model).toBeGreaterThan(0.3);
    expect(Math.abs(result.tiers.local.hitRatio - model)).toBeLessThan(0.01);
  });

  it('an injected fixed source latency appears as the source tier p50', async () => {
    const result = await runJson(`name: source-latency
warmup: 0s
keys: { entities: 1000000, distribution: { kind: uniform } }
cascade: { local: { enabled: false }, source: { kind: simulated, latency: { fixed: 20ms } } }
load: { mode: closed, concurrency: 8, requests: 200 }
`);
    expect(result.latency.byTier.source.count).toBeGreaterThan(150);
    expect(result.latency.byTier.source.p50).toBeGreaterThanOrEqual(20);
    expect(result.latency.byTier.source.p50).toBeLessThan(40);
    expect(result.latency.components.sourceFetch.p50).toBeGreaterThanOrEqual(20);
  });

  // 2 s measured: the event at 1 s leaves a second for a 50 ms fetch and its waiters, 20x what it takes.
  const stampede = (strategy: string, replicas: number) => `name: stampede-${strategy}
seed: 3
duration: 2s
warmup: 1s
keys: { entities: 1000, distribution: { kind: zipf, exponent: 1.3, scramble: false } }
cascade: { replicas: ${replicas}, source: { kind: simulated, latency: { fixed: 50ms } } }
stampede: { strategy: ${strategy} }
load: { mode: open, rate: 1000, arrivals: constant }
events: [{ at: 1s, kind: expire-hot, top: 1 }]
`;
  const eventExpiry = (r: ResultDocument) => {
    const expiries = r.stampede.expiries.filter((e) => e.cause === 'event');
    expect(expiries).toHaveLength(1);
    expect(r.events.map((e) => e.kind)).toEqual(['expire-hot']);
    return expiries[0]!;
  };

  it('expire-hot without protection sends every concurrent miss of the hot key to the source', async () => {
    const expiry = eventExpiry(await runJson(stampede('none', 1)));
    // The hottest key takes ~30% of 1000 req/s: ~15 requests arrive during one 50 ms fetch.
    expect(expiry.maxOriginCallsPerKey).toBeGreaterThan(3);
  });

  it('expire-hot with single-flight in one replica costs exactly one source fetch', async () => {
    const expiry = eventExpiry(await runJson(stampede('single-flight', 1)));
    expect(expiry.maxOriginCallsPerKey).toBe(1);
    expect(expiry.waiting).toBeGreaterThan(3);
  });

  it('expire-hot with redis-lock across 4 replicas costs exactly one source fetch', async () => {
    const result = await runJson(stampede('redis-lock', 4));
    const expiry = eventExpiry(result);
    expect(expiry.maxOriginCallsPerKey).toBe(1);
    expect(result.stampede.strategy).toBe('redis-lock');
  });
});
