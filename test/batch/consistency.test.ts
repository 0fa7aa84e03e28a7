import { describe, expect, it } from 'vitest';
import { buildWorkload } from '../../src/load/build-workload.js';
import { runVariant } from '../../src/load/run-variant.js';
import type { ResultDocument } from '../../src/results/result-types.js';
import { parseScenario } from '../../src/scenario/validate.js';
import { SnapshotChain } from '../../src/batch/snapshot-chain.js';
import { usePrivateRedis } from '../helpers/redis.js';

/**
 * Batch publications through the real runner against a private redis-server: staleness is
 * measured against batch truth, by content, and each invalidation behaves as its pattern promises.
 */
const redis = usePrivateRedis();

function scenario(overrides: { events: unknown[]; local?: Record<string, unknown>; load?: Record<string, unknown>; duration?: string; warmup?: unknown; warm?: unknown; redis?: Record<string, unknown> }) {
  return parseScenario({
    name: 'consistency-test',
    seed: 21,
    duration: overrides.duration ?? '3s',
    warmup: overrides.warmup ?? '500ms',
    keys: { entities: 2000, distribution: { kind: 'zipf', exponent: 1.0 } },
    featureSets: [{ name: 'scores', version: 'v1', payload: { floats: 8, ints: 2, strings: 1 }, ttl: { hard: '10m' } }],
    cascade: {
      replicas: 2,
      local: { maxEntries: 2000, ttl: '2s', ...overrides.local },
      redis: { keyPrefix: 'fcb-cons', ...overrides.redis },
      source: { kind: 'simulated', latency: { fixed: '1ms' } },
    },
    load: overrides.load ?? { mode: 'open', rate: 1000, arrivals: 'constant' },
    ...(overrides.warm === undefined ? {} : { warm: overrides.warm }),
    events: overrides.events,
  });
}

async function run(s: ReturnType<typeof scenario>): Promise<ResultDocument> {
  return runVariant({ label: '', assignments: {}, scenario: s, hash: '' }, { scenarioDir: process.cwd(), toolVersion: 'test', env: { REDIS_URL: redis.url } });
}

/**
 * The local-bus tests start with every entity in Redis. Otherwise a fill whose source read began
 * just before the commit can SET the old value after the UNLINK: delete's own race, which no bus
 * closes (tracking hears nothing: the UNLINK found no key and NOLOOP hides the filler's own SET;
 * pubsub drops the local copy, but Redis keeps the old value). Seen under load: that replica served
 * it until its local TTL, a window as long as ttl's.
 */
const ALL_IN_REDIS = { top: 2000 };

const publish = (extra: Record<string, unknown>) => ({ at: '1s', kind: 'batch-publish', featureSet: 'scores', version: 'v2', changed: 0.3, ...extra });

describe('batch publications against batch truth', () => {
  it('versioned-keys + post-commit: outdated serves only until the pointer switch, none after', async () => {
    const r = await run(scenario({ events: [publish({ invalidation: 'versioned-keys', publishLag: '300ms' })], redis: { pointerRefresh: '100ms' } }));
    const [p] = r.freshness.publications!;
    expect(p!.committedAt).not.toBeNull();
    expect(p!.appliedAt!).toBeGreaterThan(p!.committedAt!);
    // Between the commit and the switch the old keys are served: detected, by content.
    expect(p!.outdatedServed).toBeGreaterThan(0);
    expect(r.freshness.byReason.outdated).toBe(p!.outdatedServed);
    // After the switch and one pointer interval nothing outdated is served (a request in flight may finish just after).
    expect(p!.windowMs).toBeLessThanOrEqual(p!.appliedAt! - p!.committedAt! + 100 + 50);
    expect(r.freshness.localInvalidation!.pointerReads).toBeGreaterThan(0);
    expect(p!.redisCommands).toBe(1);
  });

  it('ttl-only with long TTLs keeps serving outdated values, exactly as a replay of the seeded stream predicts', async () => {
    // One replica, no local tier, one request at a time, the snapshot committed before the first
    // measured request: an outdated serve is exactly a measured request for a changed entity that
    // the warmup had cached.
    const s = scenario({
      events: [publish({ at: '0s', invalidation: 'ttl-only', changed: 0.4 })],
      local: { enabled: false },
      load: { mode: 'closed', concurrency: 1, requests: 3000 },
      warmup: { requests: 1500 },
    });
    const single = { ...s, cascade: { ...s.cascade, replicas: 1 } };
    const r = await run(single);
    const keys = buildWorkload(single, process.cwd()).keys;
    const chain = new SnapshotChain(single.seed, 'scores', 'v1', [{ version: 'v2', changed: 0.4 }]);
    const warmed = new Set<string>();
    for (let i = 0; i < 1500; i++) warmed.add(keys.next()!);
    let expected = 0;
    for (let i = 0; i < 3000; i++) {
      const entity = keys.next()!;
      if (warmed.has(entity) && chain.changedIn(entity, 'v2')) expected++;
    }
    expect(r.requests.total).toBe(3000);
    expect(expected).toBeGreaterThan(100);
    expect(r.freshness.byReason.outdated).toBe(expected);
    expect(r.freshness.publications![0]!.outdatedServed).toBe(expected);
    expect(r.freshness.publications![0]!.redisCommands).toBe(0);
  });

  it('pre-commit + batch-rollback: values from the abandoned snapshot are served and counted uncommitted', async () => {
    const r = await run(
      scenario({
        events: [
          publish({ invalidation: 'overwrite', publication: 'pre-commit', commitDuration: '1s' }),
          { at: '1500ms', kind: 'batch-rollback', featureSet: 'scores', version: 'v2' },
        ],
      }),
    );
    const [p] = r.freshness.publications!;
    expect(p!.committedAt).toBeNull();
    expect(p!.rolledBackAt).not.toBeNull();
    expect(p!.uncommittedServed).toBeGreaterThan(0);
    expect(r.freshness.byReason.uncommitted).toBe(p!.uncommittedServed);
    expect(r.events.find((e) => e.kind === 'batch-rollback')?.['applied']).toBe(true);
    expect(r.timeline.some((b) => (b.uncommitted ?? 0) > 0)).toBe(true);
  });

  it('the local tier: pubsub and tracking close the outdated window; ttl keeps it open until the local TTL', async () => {
    const windows: Record<string, number> = {};
    for (const mode of ['ttl', 'pubsub', 'tracking']) {
      const r = await run(scenario({ duration: '3s', warm: ALL_IN_REDIS, events: [publish({ invalidation: 'delete' })], local: { invalidation: mode } }));
      const [p] = r.freshness.publications!;
      windows[mode] = p!.windowByTier.local;
      if (mode !== 'ttl') {
        const replicas = r.freshness.localInvalidation!.replicas;
        expect(replicas.every((x) => x.received > 0 && x.dropped > 0)).toBe(true);
        expect(replicas.every((x) => x.latency.count > 0)).toBe(true);
      }
    }
    // Local TTL 2 s: entries filled just before the commit live on for most of it.
    expect(windows['ttl']).toBeGreaterThan(1000);
    // Invalidation closes the window in a message's time, far below what the TTL leaves open: a ratio,
    // since a loaded machine can delay a message by tens of milliseconds.
    expect(windows['pubsub']).toBeLessThan(windows['ttl']! / 10);
    expect(windows['tracking']).toBeLessThan(windows['ttl']! / 10);
  });

  it.each(['tracking', 'pubsub'])('%s survives its subscribers being killed: re-armed, the local tier emptied, later changes still heard', async (mode) => {
    const admin = await redis.client();
    const running = run(scenario({ duration: '3s', warm: ALL_IN_REDIS, events: [publish({ at: '1500ms', invalidation: 'delete' })], local: { invalidation: mode } }));
    // Mid-run, before the publication: every subscriber (the tracking redirect targets) and every
    // replica data connection is cut; ioredis reconnects both.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub', 'SKIPME', 'yes');
    const r = await running;
    const replicas = r.freshness.localInvalidation!.replicas;
    expect(replicas.every((x) => (x.reconnects ?? 0) >= 1)).toBe(true);
    expect(replicas.every((x) => x.latency.count > 0)).toBe(true);
    // Heard, not aged out: a tenth of the 2 s local TTL that would otherwise close the window.
    expect(r.freshness.publications![0]!.windowByTier.local).toBeLessThan(200);
  });
});
