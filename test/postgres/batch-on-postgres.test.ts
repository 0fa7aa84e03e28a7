import { beforeAll, describe, expect, it } from 'vitest';
import { SnapshotChain } from '../../src/batch/snapshot-chain.js';
import { buildWorkload } from '../../src/load/build-workload.js';
import { runVariant } from '../../src/load/run-variant.js';
import { planSourceLoad, runSourceLoad } from '../../src/load/source-load.js';
import { parseScenario } from '../../src/scenario/validate.js';
import { useTestDatabase } from '../helpers/postgres.js';
import { usePrivateRedis } from '../helpers/redis.js';

/**
 * Batch publications with PostgreSQL as the feature store: the batch job's snapshot is a real
 * transaction, and freshness against batch truth counts exactly what it counts on the simulated
 * store (both serve the same snapshot content).
 */
const redis = usePrivateRedis();
const db = useTestDatabase('batch_on_pg');

function scenario(overrides: { events: unknown[]; local?: Record<string, unknown>; load?: Record<string, unknown>; warmup?: unknown; replicas?: number }) {
  return parseScenario({
    name: 'batch-on-pg',
    seed: 21,
    duration: '3s',
    warmup: overrides.warmup ?? '300ms',
    keys: { entities: 2000, distribution: { kind: 'zipf', exponent: 1.0 } },
    featureSets: [{ name: 'scores', version: 'v1', payload: { floats: 8, ints: 2, strings: 1 }, ttl: { hard: '10m' } }],
    cascade: {
      replicas: overrides.replicas ?? 2,
      local: { maxEntries: 2000, ttl: '2s', ...overrides.local },
      redis: { keyPrefix: 'fcb-batchpg' },
      source: { kind: 'postgres', url: db.url, concurrency: 4 },
    },
    load: overrides.load ?? { mode: 'open', rate: 800, arrivals: 'constant' },
    events: overrides.events,
  });
}

const run = (s: ReturnType<typeof scenario>) =>
  runVariant({ label: '', assignments: {}, scenario: s, hash: '' }, { scenarioDir: process.cwd(), toolVersion: 'test', env: { REDIS_URL: redis.url } });

const versions = async () => (await db.query<{ version: string }>('SELECT DISTINCT version FROM fcbench_features ORDER BY 1')).rows.map((r) => r.version);

beforeAll(async () => {
  await runSourceLoad(planSourceLoad(scenario({ events: [] }), process.cwd(), { env: {} }), { env: {} });
});

describe('batch publications on a PostgreSQL feature store', () => {
  it('ttl-only: outdated serves bounded by a replay of the seeded stream; the run deletes the version it wrote', async () => {
    const s = scenario({
      events: [{ at: '0s', kind: 'batch-publish', featureSet: 'scores', version: 'v2', changed: 0.4, commitDuration: '0s', invalidation: 'ttl-only' }],
      local: { enabled: false },
      load: { mode: 'closed', concurrency: 1, requests: 3000 },
      warmup: { requests: 1500 },
      replicas: 1,
    });
    const r = await run(s);
    const keys = buildWorkload(s, process.cwd()).keys;
    const chain = new SnapshotChain(s.seed, 'scores', 'v1', [{ version: 'v2', changed: 0.4 }]);
    const warmed = new Set<string>();
    for (let i = 0; i < 1500; i++) warmed.add(keys.next()!);
    let expected = 0;
    for (let i = 0; i < 3000; i++) {
      const entity = keys.next()!;
      if (warmed.has(entity) && chain.changedIn(entity, 'v2')) expected++;
    }
    expect(expected).toBeGreaterThan(100);
    // Unlike the simulated store (exact, test/batch/consistency.test.ts), PostgreSQL commits only
    // once the snapshot's rows are written: a cached changed entity served before that commit is
    // not outdated yet. So the count is the replay's, less the requests served during the write.
    const outdated = r.freshness.byReason.outdated;
    expect(outdated).toBeLessThanOrEqual(expected);
    const beforeCommit = r.requests.total * (r.freshness.publications![0]!.committedAt! / r.durationMs);
    expect(outdated).toBeGreaterThanOrEqual(expected - 2 * beforeCommit - 5);
    expect(r.freshness.publications![0]!.committedAt).not.toBeNull();
    expect(r.env.source?.kind).toBe('postgres');
    expect(await versions()).toEqual(['v1']);
  });

  it('pre-commit + batch-rollback: the transaction is rolled back, its values were served as uncommitted, nothing of it is left', async () => {
    const r = await run(
      scenario({
        events: [
          { at: '500ms', kind: 'batch-publish', featureSet: 'scores', version: 'v2', changed: 0.3, invalidation: 'overwrite', publication: 'pre-commit', commitDuration: '1s' },
          { at: '1s', kind: 'batch-rollback', featureSet: 'scores', version: 'v2' },
        ],
      }),
    );
    const [p] = r.freshness.publications!;
    expect(p!.committedAt).toBeNull();
    expect(p!.rolledBackAt).not.toBeNull();
    expect(p!.uncommittedServed).toBeGreaterThan(0);
    expect(r.freshness.byReason.uncommitted).toBe(p!.uncommittedServed);
    expect(r.tiers.source.errors).toBe(0);
    expect(await versions()).toEqual(['v1']);
  });
});
