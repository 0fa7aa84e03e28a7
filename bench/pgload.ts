/**
 * `npm run bench -- pgload`: how fast `fcbench source load` fills PostgreSQL, against a plain
 * node-postgres multi-row `INSERT ... VALUES ($1,$2,$3,$4), (...)` loop writing the same rows
 * (same payload generator and MessagePack encoding, same transaction per version) in the same run.
 * Goal: at least 50,000 rows/s for the small payload (50 floats, 8 ints, 2 strings).
 *
 * Runs in a database of its own on FCBENCH_PG_URL's server (else 127.0.0.1:5432), dropped at the
 * end. Rounds alternate baseline and ours, each into an empty table, so a drift in the machine's
 * load shows in both.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureFeatureTable, encodePayload, featureTable, type FeatureTable } from '../src/postgres/feature-table.js';
import { loadSnapshot } from '../src/postgres/load-snapshot.js';
import { payloadSchema } from '../src/scenario/schema-workload.js';
import { createPayloadGenerator } from '../src/workload/payload.js';
import type { BenchSection } from './types.js';

const ROWS = Number(process.env['FCBENCH_PGLOAD_ROWS'] ?? 100_000);
const ROUNDS = 3;
/** The baseline's rows per statement: 4 parameters a row, well under the 65,535-parameter cap. */
const BASELINE_BATCH = 1000;
const GOAL_ROWS_PER_SEC = 50_000;
const PAYLOAD = payloadSchema.parse({ floats: 50, ints: 8, strings: 2 });

function serverUrl(): string {
  return process.env['FCBENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

function databaseUrl(server: string, name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const generate = createPayloadGenerator(PAYLOAD);
function* entities(): Iterable<string> {
  for (let i = 0; i < ROWS; i++) yield String(i);
}

/** The plain loop a user would write: build a VALUES list, await it, repeat. */
async function baseline(client: pg.Client, table: FeatureTable, version: string): Promise<void> {
  await client.query('BEGIN');
  let values: unknown[] = [];
  let placeholders: string[] = [];
  const flush = async () => {
    if (placeholders.length === 0) return;
    await client.query(`INSERT INTO ${table.sql} (feature_set, version, entity, payload) VALUES ${placeholders.join(',')}`, values);
    values = [];
    placeholders = [];
  };
  for (const entity of entities()) {
    const n = values.length;
    placeholders.push(`($${n + 1},$${n + 2},$${n + 3},$${n + 4})`);
    values.push('bench', version, entity, encodePayload(generate(entity, 'bench', version)));
    if (placeholders.length === BASELINE_BATCH) await flush();
  }
  await flush();
  await client.query('COMMIT');
}

async function ours(client: pg.Client, table: FeatureTable, version: string): Promise<void> {
  await loadSnapshot(client, table, {
    featureSet: 'bench',
    version,
    entities,
    entityCount: ROWS,
    values: (entity) => generate(entity, 'bench', version),
    fingerprint: 'bench',
  });
}

export async function runBench(): Promise<BenchSection> {
  const server = serverUrl();
  const name = `fcbench_bench_${randomBytes(3).toString('hex')}`;
  await withClient(server, (c) => c.query(`CREATE DATABASE "${name}"`));
  const table = featureTable('fcbench_features');
  const rates: Record<'baseline' | 'ours', number[]> = { baseline: [], ours: [] };
  try {
    await withClient(databaseUrl(server, name), async (client) => {
      await client.query('BEGIN');
      await ensureFeatureTable(client, table);
      await client.query('COMMIT');
      for (let round = 0; round < ROUNDS; round++) {
        for (const [label, load] of [
          ['baseline', baseline],
          ['ours', ours],
        ] as const) {
          await client.query(`TRUNCATE ${table.sql}, ${table.snapshotsSql}`);
          const startedMs = performance.now();
          await load(client, table, `r${round}`);
          rates[label].push((ROWS * 1000) / (performance.now() - startedMs));
          const count = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table.sql}`);
          if (Number(count.rows[0]!.n) !== ROWS) throw new Error(`${label} wrote ${count.rows[0]!.n} rows, expected ${ROWS}`);
        }
      }
    });
  } finally {
    await withClient(server, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(rates.baseline);
  const mine = median(rates.ours);
  return {
    title: `source load: ${ROWS.toLocaleString('en-US')} small-payload rows into PostgreSQL (median of ${ROUNDS} rounds)`,
    rows: [
      { method: `plain pg multi-row INSERT VALUES loop (${BASELINE_BATCH} rows/statement)`, 'rows/s': Math.round(base), ratio: 1 },
      { method: 'fcbench source load (COPY binary, rows generated lazily in 1,000-row chunks)', 'rows/s': Math.round(mine), ratio: mine / base },
    ],
    notes: [
      `goal: >= ${GOAL_ROWS_PER_SEC.toLocaleString('en-US')} rows/s: ${mine >= GOAL_ROWS_PER_SEC ? 'met' : 'NOT met'} (${Math.round(mine).toLocaleString('en-US')} rows/s)`,
      `every round: baseline ${rates.baseline.map((r) => Math.round(r)).join(', ')}; ours ${rates.ours.map((r) => Math.round(r)).join(', ')} rows/s`,
      'both generate and MessagePack-encode each row inside the timed loop, in one transaction per version',
    ],
  };
}
