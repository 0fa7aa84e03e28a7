import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultDocument } from '../../src/results/result-types.js';
import { loadScenario } from '../../src/scenario/load.js';
import { parseScenario } from '../../src/scenario/validate.js';
import { simulateVariant } from '../../src/simulate/simulate-variant.js';

const BASE = {
  name: 'sim-unit',
  seed: 11,
  duration: '10s',
  warmup: '2s',
  keys: { entities: 20_000, distribution: { kind: 'zipf', exponent: 1.0, scramble: true } },
  featureSets: [{ name: 'fs', version: 'v1', payload: { floats: 8, ints: 2, strings: 0 }, ttl: { hard: '5m', jitter: 0.1 } }],
  cascade: { replicas: 2, local: { maxEntries: 2000, ttl: '30s' }, source: { kind: 'simulated', latency: { p50: '5ms', p99: '20ms' }, concurrency: 64 } },
  load: { mode: 'open', rate: 2000, arrivals: 'poisson' },
};

function simulate(overrides: Record<string, unknown> = {}): ResultDocument {
  const scenario = parseScenario({ ...BASE, ...overrides });
  return simulateVariant({ label: '', assignments: {}, scenario, hash: 'h' }, { scenarioDir: process.cwd(), toolVersion: 'test' });
}

/** Everything a result counts (no wall-clock figure). */
function counts(r: ResultDocument) {
  return {
    requests: r.requests,
    tiers: r.tiers,
    replicas: r.serving.replicas.map((x) => [x.requests, x.localHits]),
    stampede: [r.stampede.maxOriginCallsPerExpiry, r.stampede.episodes],
    freshness: [r.freshness.staleServed, r.freshness.byReason],
    latency: [r.latency.endToEnd.count, r.latency.endToEnd.p99, r.latency.byTier.source.p50],
    timeline: r.timeline.map((b) => [b.localHits, b.redisHits, b.sourceCalls]),
    keys: r.redis.keys,
  };
}

describe('simulateVariant', () => {
  it('is deterministic: the same seed gives identical counts, another seed different ones', () => {
    const a = simulate();
    const b = simulate();
    expect(counts(b)).toEqual(counts(a));
    expect(a.load.mode).toBe('simulated');
    expect(a.load.model).toBe('open');
    expect(a.env.redis).toBeUndefined();
    expect(a.simulation!.virtualDurationMs).toBeGreaterThan(10_000);
    expect(a.requests.total).toBeGreaterThan(18_000);
    expect(counts(simulate({ seed: 12 })).tiers).not.toEqual(counts(a).tiers);
  });

  it('single-flight turns an expire-hot event into one origin call per key; none lets concurrent misses all fetch', () => {
    const events = [{ at: '4s', kind: 'expire-hot', top: 5 }];
    const heavy = { load: { mode: 'open', rate: 10_000, arrivals: 'constant' }, duration: '6s', events };
    const flight = simulate({ ...heavy, stampede: { strategy: 'single-flight' }, cascade: { ...BASE.cascade, replicas: 1 } });
    const none = simulate({ ...heavy, stampede: { strategy: 'none' }, cascade: { ...BASE.cascade, replicas: 1 } });
    const eventOf = (r: ResultDocument) => r.stampede.expiries.find((x) => x.cause === 'event')!;
    expect(eventOf(flight).keys).toBe(5);
    expect(eventOf(flight).maxOriginCallsPerKey).toBe(1);
    expect(eventOf(flight).waiting).toBeGreaterThan(0);
    expect(eventOf(none).maxOriginCallsPerKey).toBeGreaterThan(1);
    expect(flight.events).toEqual([{ at: 4000, kind: 'expire-hot', keys: 5, top: 5 }]);
  });

  it('redis-lock makes one origin call per expired key across replicas; swr serves the held value stale instead of waiting', () => {
    const events = [{ at: '4s', kind: 'expire-hot', top: 5 }];
    const heavy = { load: { mode: 'open', rate: 10_000, arrivals: 'constant' }, duration: '6s', events, cascade: { ...BASE.cascade, replicas: 4 } };
    const lock = simulate({ ...heavy, stampede: { strategy: 'redis-lock', lockTtl: '2s', wait: '200ms' } });
    const flight = simulate({ ...heavy, stampede: { strategy: 'single-flight' } });
    const eventOf = (r: ResultDocument) => r.stampede.expiries.find((x) => x.cause === 'event')!;
    expect(eventOf(lock).maxOriginCallsPerKey).toBe(1);
    // Four replicas, each with its own flight: up to four fetches of a hot key.
    expect(eventOf(flight).maxOriginCallsPerKey).toBeGreaterThan(1);
    // swr with a soft TTL: values past it are served stale while one refresh runs.
    const swr = simulate({ stampede: { strategy: 'swr' }, featureSets: [{ ...BASE.featureSets[0], ttl: { hard: '5m', soft: '5s' } }] });
    expect(swr.freshness.byReason.softExpired).toBeGreaterThan(0);
    expect(swr.requests.errors).toBe(0);
  });

  it('failure policies: a Redis pause is served held values under serve-stale, bypassed to the source under bypass, failed under fail-closed', () => {
    // A short local TTL: replicas hold values past it (within the hard TTL) for serve-stale to serve.
    // The pause (2 s) is longer than the client's command timeout (500 ms): lookups reaching Redis time out.
    const paused = (failurePolicy: string) =>
      simulate({ failurePolicy, cascade: { ...BASE.cascade, local: { maxEntries: 2000, ttl: '1s' } }, events: [{ at: '5s', kind: 'redis-pause', for: '2s' }] });
    const closed = paused('fail-closed');
    const bypass = paused('bypass');
    const stale = paused('serve-stale');
    expect(closed.requests.errors).toBeGreaterThan(0);
    expect(closed.requests.errorsByKind['redis-timeout']).toBeGreaterThan(0);
    expect(bypass.requests.errors).toBe(0);
    expect(bypass.requests.errorsByKind['redis-timeout']).toBeGreaterThan(0);
    expect(bypass.tiers.source.calls).toBeGreaterThan(closed.tiers.source.calls);
    expect(stale.freshness.byReason.outdated).toBeGreaterThan(0);
    expect(stale.requests.errors).toBeLessThan(closed.requests.errors);
    // The source failing: fail-closed fails the fetches.
    const outage = simulate({ failurePolicy: 'fail-closed', events: [{ at: '5s', kind: 'source-errors', rate: 1, for: '5s' }] });
    expect(outage.requests.errorsByKind['source-error']).toBeGreaterThan(0);
    expect(outage.tiers.source.errors).toBeGreaterThan(0);
    expect(outage.events.map((e) => e.kind)).toEqual(['source-errors']);
  });

  it('batch publications are left out with a warning; a closed loop is bounded by the shared CPU', () => {
    const r = simulate({ events: [{ at: '5s', kind: 'batch-publish', featureSet: 'fs', version: 'v2', changed: 0.5 }] });
    expect(r.events).toEqual([]);
    expect(r.simulation!.warnings.some((w) => w.includes('batch-publish') && w.includes('ignored'))).toBe(true);
    const closed = simulate({ load: { mode: 'closed', concurrency: 16, requests: 50_000 }, warmup: { requests: 5000 } });
    expect(closed.requests.total).toBe(50_000);
    expect(closed.load.model).toBe('closed');
    // Each request holds the CPU for at least a local hit (1 µs): 50k requests take at least 50 ms.
    expect(closed.durationMs).toBeGreaterThanOrEqual(50);
  });

  it('--sweep variants: one per value, and a larger local tier never lowers the local hit ratio', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcb-sim-'));
    const file = join(dir, 'scenario.yaml');
    writeFileSync(file, JSON.stringify({ ...BASE, duration: '10s' }));
    const loaded = await loadScenario(file, {
      env: {},
      sweeps: ['cascade.local.maxEntries=500,2000,8000', 'featureSets.0.ttl.hard=1m,5m'],
    });
    expect(loaded.variants.map((v) => v.label)).toEqual([
      'cascade.local.maxEntries=500,featureSets.0.ttl.hard=1m',
      'cascade.local.maxEntries=500,featureSets.0.ttl.hard=5m',
      'cascade.local.maxEntries=2000,featureSets.0.ttl.hard=1m',
      'cascade.local.maxEntries=2000,featureSets.0.ttl.hard=5m',
      'cascade.local.maxEntries=8000,featureSets.0.ttl.hard=1m',
      'cascade.local.maxEntries=8000,featureSets.0.ttl.hard=5m',
    ]);
    const ratios = loaded.variants
      .filter((v) => v.label.endsWith('5m'))
      .map((v) => simulateVariant(v, { scenarioDir: dir, toolVersion: 'test' }).tiers.local.hitRatio);
    expect(ratios[0]!).toBeLessThan(ratios[1]!);
    expect(ratios[1]!).toBeLessThan(ratios[2]!);
  });
});
