import { describe, expect, it } from 'vitest';
import { runVariant } from '../../src/load/run-variant.js';
import type { ColdStartSeries, ResultDocument } from '../../src/results/result-types.js';
import { parseScenario } from '../../src/scenario/validate.js';
import { usePrivateRedis } from '../helpers/redis.js';

/**
 * The deploy event through the real runner against a private redis-server: new replicas start
 * with empty local tiers, routing follows the new count, warmLocal preloads from Redis, and the
 * cold-start metrics see the dip and the recovery. Shares and counts only, never wall-clock.
 */
const redis = usePrivateRedis();

function scenario(events: unknown[], extra: { local?: Record<string, unknown>; duration?: string; entities?: number } = {}) {
  return parseScenario({
    name: 'deploy-test',
    seed: 5,
    duration: extra.duration ?? '4s',
    warmup: '1s',
    keys: { entities: extra.entities ?? 20000, distribution: { kind: 'zipf', exponent: 0.9 } },
    featureSets: [{ name: 'scores', payload: { floats: 8, ints: 2, strings: 1 }, ttl: { hard: '1h' } }],
    cascade: {
      replicas: 2,
      routing: 'random',
      local: { maxEntries: 5000, ttl: '1h', ...extra.local },
      redis: { keyPrefix: 'fcb-deploy' },
      source: { kind: 'simulated', latency: { fixed: '1ms' } },
    },
    load: { mode: 'open', rate: 2000, arrivals: 'constant' },
    events,
  });
}

const run = (s: ReturnType<typeof scenario>): Promise<ResultDocument> =>
  runVariant({ label: '', assignments: {}, scenario: s, hash: '' }, { scenarioDir: process.cwd(), toolVersion: 'test', env: { REDIS_URL: redis.url } });

/** Local-hit share of the last series window that ends before `atMs`, and of the first that starts after it. */
function localShareAround(series: ColdStartSeries, atMs: number): { before: number; after: number } {
  const position = (atMs - series.at) / series.windowMs;
  const share = (i: number) => series.local[i]! / series.requests[i]!;
  return { before: share(Math.floor(position) - 1), after: share(Math.ceil(position)) };
}

describe('deploy', () => {
  let cold: ResultDocument;
  let warm: ResultDocument;

  it('replaces every replica by a cold one: local hits collapse right after, routing spreads over the new count', async () => {
    cold = await run(scenario([{ at: '2s', kind: 'deploy', replicas: 3 }]));
    const [event] = cold.events;
    expect(event).toMatchObject({ kind: 'deploy', replicasBefore: 2, replicas: 3, firstReplicaId: 2, warmedKeys: 0 });
    // Before: a warm local tier. In the first 250 ms after: refilling from nothing (the hottest
    // keys come back within a few requests, so the share is low, not zero).
    const { before, after } = localShareAround(cold.coldStartSeries!, event!['switchedAt'] as number);
    expect(before).toBeGreaterThan(0.45);
    expect(after).toBeLessThan(before * 0.7);
    // The timeline's 1 s buckets show it too: the deploy's second has fewer local hits than the one before.
    const bucket = (t: number) => cold.timeline.find((b) => b.t === t)!;
    expect(bucket(2).localHits).toBeLessThan(bucket(1).localHits);
    expect(bucket(2).redisHits).toBeGreaterThan(bucket(1).redisHits);
    // Five replica ids: the first two served until the deploy, the three new ones after it, evenly.
    const replicas = cold.serving.replicas;
    expect(replicas.map((r) => r.id)).toEqual([0, 1, 2, 3, 4]);
    expect(replicas.reduce((t, r) => t + r.requests, 0)).toBe(cold.requests.total);
    const fresh = replicas.slice(2).map((r) => r.requests);
    const mean = fresh.reduce((a, b) => a + b, 0) / 3;
    for (const n of fresh) expect(Math.abs(n - mean) / mean).toBeLessThan(0.1);
    // The new replicas started empty: over their whole life they hit locally less than the warm old ones did.
    const ratio = (rs: typeof replicas) => rs.reduce((t, r) => t + r.localHits, 0) / rs.reduce((t, r) => t + r.requests, 0);
    expect(ratio(replicas.slice(2))).toBeLessThan(ratio(replicas.slice(0, 2)));
    // Measured requests only: the old pair served until the switch, the new trio after it (at a constant rate).
    const old = replicas.slice(0, 2).reduce((t, r) => t + r.requests, 0);
    const switchedShare = (event!['switchedAt'] as number) / cold.durationMs;
    expect(Math.abs(old / cold.requests.total - switchedShare)).toBeLessThan(0.05);
  });

  it('coldStarts: the start (at minus the warmup) and the deploy, with steady shares and labels', () => {
    const [start, deploy] = cold.coldStarts!;
    expect(start).toMatchObject({ cause: 'start', reason: null });
    expect(start!.at).toBeLessThan(-900);
    expect(start!.timeToSteadyMs).not.toBeNull();
    expect(start!.originCalls).toBeGreaterThan(0);
    expect(deploy).toMatchObject({ cause: 'deploy', reason: null });
    expect(deploy!.steadyShare!).toBeGreaterThan(0.5);
    expect(deploy!.local.timeToSteadyMs!).toBeGreaterThan(0);
    expect(deploy!.label).toMatch(/^served from cache \d+\.\d% steady, 90% of it after \d+\.\d\d s \(\d+ origin calls\); local /);
    expect(cold.coldStarts).toHaveLength(2);
  });

  it('with warmLocal the new replicas start warm: local steady sooner, fewer excess Redis reads, and a deploy at the very end has no steady value', async () => {
    // 5 s, the late deploy at 4.6 s: the preload may take over a second on a loaded machine, and the
    // warm deploy's span must still hold the windows a steady value needs; the late one's new
    // replicas get 400 ms to connect and serve (too short for a steady value, as asserted below).
    warm = await run(scenario([{ at: '2s', kind: 'deploy', replicas: 3, warmLocal: 2000 }, { at: '4600ms', kind: 'deploy' }], { duration: '5s' }));
    const [event, late] = warm.events;
    expect(event).toMatchObject({ kind: 'deploy', warmLocal: 2000, replicas: 3 });
    // Three replicas preloaded the top 2,000 entities each, of those Redis held.
    expect(event!['warmedKeys'] as number).toBeGreaterThan(3000);
    expect(event!['warmedKeys'] as number).toBeLessThanOrEqual(6000);
    expect(late).toMatchObject({ replicasBefore: 3, replicas: 3, firstReplicaId: 5 });
    const deploy = warm.coldStarts![1]!;
    const coldDeploy = cold.coldStarts![1]!;
    expect(deploy.warmLocal).toBe(2000);
    expect(deploy.local.timeToSteadyMs!).toBeLessThan(coldDeploy.local.timeToSteadyMs!);
    // Redis stayed warm, so what the preload saves is Redis reads: local misses beyond the steady rate.
    expect(deploy.local.excessMisses!).toBeLessThan(coldDeploy.local.excessMisses! / 2);
    const w = localShareAround(warm.coldStartSeries!, event!['switchedAt'] as number);
    const c = localShareAround(cold.coldStartSeries!, coldDeploy.servingAt);
    expect(w.after).toBeGreaterThan(c.after * 1.5);
    // No dip: the first window after the switch is as warm as the last one before it.
    expect(w.after).toBeGreaterThan(w.before * 0.9);
    // 400 ms before the end: fewer than 3 windows.
    const last = warm.coldStarts![2]!;
    expect(last).toMatchObject({ cause: 'deploy', timeToSteadyMs: null, steadyShare: null, reason: 'too-short' });
    expect(last.label).toContain('no steady value');
    expect(warm.serving.replicas.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it.each(['pubsub', 'tracking'])('%s: new replicas subscribe to the invalidation bus; expire-hot after a deploy reaches the new replicas', async (mode) => {
    const r = await run(
      scenario(
        [
          { at: '1s', kind: 'deploy', replicas: 3 },
          { at: '2s', kind: 'batch-publish', featureSet: 'scores', version: 'v2', changed: 0.3, invalidation: 'delete' },
          { at: '3s', kind: 'expire-hot', top: 5 },
        ],
        // 2,000 entities, as in the consistency tests: the publication's DELs are over in a few ms.
        { local: { invalidation: mode, ttl: '1h' }, entities: 2000 },
      ),
    );
    const replicas = r.freshness.localInvalidation!.replicas;
    expect(replicas.map((x) => x.id)).toEqual([0, 1, 2, 3, 4]);
    // The publication came after the deploy: only the new replicas heard it, and dropped what it changed.
    for (const x of replicas.slice(2)) expect(x.received > 0 && x.dropped > 0).toBe(true);
    // pubsub carries only the updater's messages; tracking also pushes peers' fills (BCAST), before the deploy too.
    if (mode === 'pubsub') for (const x of replicas.slice(0, 2)) expect(x.received).toBe(0);
    // Heard at once (tens of ms on a loaded machine); unheard, the 1 h local TTL would keep it open to the end, 2 s later.
    expect(r.freshness.publications![0]!.windowByTier.local).toBeLessThan(200);
    const expiry = r.stampede.expiries.find((e) => e.cause === 'event');
    expect(r.events.find((e) => e.kind === 'expire-hot')!['keys']).toBe(5);
    expect(expiry).toBeDefined();
  });
});
