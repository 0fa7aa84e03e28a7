import { describe, expect, it } from 'vitest';
import { createSnapshotContent } from '../../src/batch/snapshot-content.js';
import { systemClock } from '../../src/cascade/clock.js';
import { CascadeError } from '../../src/cascade/cascade-error.js';
import { createPostgresSource } from '../../src/cascade/postgres-source.js';
import { FcbenchError } from '../../src/errors.js';
import { planSourceLoad, runSourceLoad } from '../../src/load/source-load.js';
import { connectPostgres } from '../../src/postgres/connect.js';
import { decodePayload, featureTable } from '../../src/postgres/feature-table.js';
import { parseScenario } from '../../src/scenario/validate.js';
import { createPayloadGenerator } from '../../src/workload/payload.js';
import { createRng } from '../../src/workload/rng.js';
import { useTestDatabase } from '../helpers/postgres.js';

/**
 * The PostgreSQL feature store against a real server, in a database of this file's own:
 * `source load` is idempotent and exact, a batch snapshot is invisible until its commit, and the
 * source's reads fail the way a store fails (missing row, statement timeout).
 */
const db = useTestDatabase('feature_store');

function scenario(overrides: { entities?: number; floats?: number; table?: string } = {}) {
  return parseScenario({
    name: 'pg-store',
    seed: 5,
    keys: { entities: overrides.entities ?? 500, distribution: { kind: 'uniform' } },
    featureSets: [
      { name: 'scores', version: 'v1', payload: { floats: overrides.floats ?? 6, ints: 2, strings: 1 } },
      { name: 'profile', version: 'p1', payload: { floats: 2, ints: 1, strings: 2 } },
    ],
    cascade: { source: { kind: 'postgres', url: db.url, table: overrides.table ?? 'features' } },
  });
}

const plan = (s: ReturnType<typeof scenario>, version?: string) => planSourceLoad(s, process.cwd(), { env: {}, version });
const load = (s: ReturnType<typeof scenario>, version?: string, batchSize?: number) => runSourceLoad(plan(s, version), { env: {}, batchSize });

/** A digest of every row of the table, in key order: equal digests mean byte-identical contents. */
async function tableDigest(table: string): Promise<{ rows: number; digest: string }> {
  const result = await db.query<{ rows: string; digest: string }>(
    `SELECT count(*) AS rows, md5(string_agg(feature_set || version || entity || encode(payload, 'hex'), ',' ORDER BY feature_set, version, entity)) AS digest FROM ${table}`,
  );
  return { rows: Number(result.rows[0]!.rows), digest: result.rows[0]!.digest };
}

/** What the store holds, with the later snapshots a run's batch job would write (v9 is one `source load` fills). */
function contentOf(s: ReturnType<typeof scenario>) {
  const generators = new Map(s.featureSets.map((set) => [set.name, createPayloadGenerator(set.payload)]));
  const later = { scores: [{ version: 'v2', changed: 0.3 }, { version: 'v3', changed: 0.1 }, { version: 'v9', changed: 0.1 }] };
  return createSnapshotContent(s.seed, s.featureSets, (entity, set, version) => generators.get(set)!(entity, set, version), later);
}

describe('fcbench source load', () => {
  it('loads every entity of every feature set, exactly the scenario payloads, in batches', async () => {
    const s = scenario();
    const outcomes = await load(s, undefined, 128);
    expect(outcomes.map((o) => [o.featureSet, o.version, o.status, o.rowsInserted])).toEqual([
      ['scores', 'v1', 'loaded', 500],
      ['profile', 'p1', 'loaded', 500],
    ]);
    const content = contentOf(s);
    const rows = await db.query<{ entity: string; payload: Buffer }>("SELECT entity, payload FROM features WHERE feature_set = 'scores' AND version = 'v1'");
    expect(rows.rowCount).toBe(500);
    for (const row of rows.rows.slice(0, 50)) expect(decodePayload(row.payload)).toEqual(content.valuesAt(row.entity, 'scores', 'v1'));
    const marker = await db.query("SELECT entities, origin FROM features_snapshots WHERE feature_set = 'scores' AND version = 'v1'");
    expect(marker.rows).toEqual([{ entities: '500', origin: 'load' }]);
  });

  it('is idempotent: a rerun writes nothing and leaves the table byte-identical', async () => {
    const before = await tableDigest('features');
    const outcomes = await load(scenario());
    expect(outcomes.map((o) => [o.status, o.rowsInserted])).toEqual([
      ['skipped', 0],
      ['skipped', 0],
    ]);
    expect(await tableDigest('features')).toEqual(before);
  });

  it('a scenario with more entities adds only the missing rows; the old ones stay as they were', async () => {
    const before = await db.query<{ payload: Buffer }>("SELECT payload FROM features WHERE feature_set = 'scores' AND version = 'v1' AND entity = $1", ['0']);
    const outcomes = await load(scenario({ entities: 650 }));
    expect(outcomes.map((o) => [o.status, o.rowsInserted])).toEqual([
      ['extended', 150],
      ['extended', 150],
    ]);
    const after = await db.query<{ payload: Buffer }>("SELECT payload FROM features WHERE feature_set = 'scores' AND version = 'v1' AND entity = $1", ['0']);
    expect(after.rows[0]!.payload.equals(before.rows[0]!.payload)).toBe(true);
    expect((await tableDigest('features')).rows).toBe(1300);
  });

  it('--version loads another snapshot beside the first', async () => {
    const outcomes = await load(scenario({ entities: 650 }), 'v9');
    expect(outcomes.map((o) => [o.featureSet, o.version, o.status])).toEqual([
      ['scores', 'v9', 'loaded'],
      ['profile', 'v9', 'loaded'],
    ]);
  });

  it('refuses to rewrite a version generated from another payload shape (bad input, nothing written)', async () => {
    const before = await tableDigest('features');
    const failure = await load(scenario({ entities: 650, floats: 7 })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FcbenchError);
    expect((failure as FcbenchError).code).toBe("bad-input");
    expect((failure as Error).message).toMatch(/already holds scores v1 generated from another definition/);
    expect(await tableDigest('features')).toEqual(before);
  });
});

describe('the postgres source', () => {
  const sourceFor = async (s: ReturnType<typeof scenario>, statementTimeoutMs = 2000) => {
    const conn = await connectPostgres({ url: db.url }, { max: 4, statementTimeoutMs }, {});
    const content = contentOf(s);
    const entities = { entityCount: 650, *entities() { for (let i = 0; i < 650; i++) yield String(i); } };
    return createPostgresSource(
      { table: 'features', concurrency: 4, statementTimeoutMs, versions: { scores: 'v1', profile: 'p1' }, runId: 'testrun1' },
      { db: conn, clock: systemClock, rng: createRng(1), snapshots: { ...content, ...entities } },
    );
  };

  it('serves the loaded values and counts its calls', async () => {
    const s = scenario({ entities: 650 });
    const source = await sourceFor(s);
    try {
      const record = await source.fetch('42', 'scores');
      expect(record.values).toEqual(contentOf(s).valuesAt('42', 'scores', 'v1'));
      expect(record.version).toBe('v1');
      await Promise.all(['1', '2', '3', '4', '5'].map((e) => source.fetch(e, 'profile')));
      expect(source.stats()).toMatchObject({ calls: 6, errors: 0, timeouts: 0 });
    } finally {
      await source.close();
    }
  });

  it('a missing row is a source error naming the key and the fix', async () => {
    const source = await sourceFor(scenario({ entities: 650 }));
    try {
      const failure = await source.fetch('99999', 'scores').catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(CascadeError);
      expect((failure as CascadeError).kind).toBe('source-error');
      expect((failure as Error).message).toMatch(/no row for scores\/v1\/99999 .*fcbench source load/);
      expect(source.stats().errors).toBe(1);
    } finally {
      await source.close();
    }
  });

  it('a read blocked past statementTimeout is a source timeout, not a hang', async () => {
    const source = await sourceFor(scenario({ entities: 650 }), 300);
    const locker = await db.client();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE features IN ACCESS EXCLUSIVE MODE');
      const failure = await source.fetch('1', 'scores').catch((e: unknown) => e);
      expect((failure as CascadeError).kind).toBe('source-timeout');
      expect(source.stats().timeouts).toBe(1);
    } finally {
      await locker.query('ROLLBACK');
      await source.close();
    }
  });

  it('a batch snapshot is invisible until its commit, copies unchanged rows, and a rollback leaves nothing', async () => {
    const s = scenario({ entities: 650 });
    const source = await sourceFor(s);
    try {
      const open = await source.beginSnapshot('scores', 'v2', 'v1');
      expect(open.rowsChanged + open.rowsCopied).toBe(650);
      // Written but not committed: another session sees none of it.
      expect((await db.query("SELECT count(*)::int AS n FROM features WHERE version = 'v2'")).rows[0]).toEqual({ n: 0 });
      await open.commit();
      expect((await db.query("SELECT count(*)::int AS n FROM features WHERE version = 'v2'")).rows[0]).toEqual({ n: 650 });
      // An unchanged entity's v2 row is v1's, byte for byte.
      const same = await db.query<{ same: boolean }>(
        `SELECT bool_and(a.payload = b.payload) AS same FROM features a JOIN features b USING (feature_set, entity)
         WHERE a.version = 'v1' AND b.version = 'v2' AND a.feature_set = 'scores'
         GROUP BY (a.payload = b.payload) ORDER BY 1 DESC`,
      );
      expect(same.rows.map((r) => r.same)).toEqual([true, false]);
      const rolled = await source.beginSnapshot('scores', 'v3', 'v2');
      await rolled.rollback();
      expect((await db.query("SELECT count(*)::int AS n FROM features WHERE version = 'v3'")).rows[0]).toEqual({ n: 0 });
    } finally {
      await source.close();
    }
    // The run's own snapshot is deleted when the source closes, the loaded ones stay.
    const versions = await db.query("SELECT DISTINCT version FROM features WHERE feature_set = 'scores' ORDER BY 1");
    expect(versions.rows.map((r) => r.version)).toEqual(['v1', 'v9']);
  });

  it('a batch may not overwrite a loaded version', async () => {
    const source = await sourceFor(scenario({ entities: 650 }));
    try {
      const failure = await source.beginSnapshot('scores', 'v9', 'v1').catch((e: unknown) => e);
      expect((failure as FcbenchError).code).toBe("bad-input");
      expect((failure as Error).message).toMatch(/scores v9 was loaded by fcbench source load/);
    } finally {
      await source.close();
    }
  });
});

describe('featureTable', () => {
  it('quotes schema-qualified names', () => {
    expect(featureTable('myschema.features')).toEqual({ name: 'myschema.features', sql: '"myschema"."features"', snapshotsSql: '"myschema"."features_snapshots"' });
  });
});
