import { Decoder, Encoder } from '@msgpack/msgpack';
import type pg from 'pg';
import type { FeatureValues } from '../workload/types.js';

/**
 * The feature store's layout, one place for its SQL:
 *
 *     <table>           (feature_set text, version text, entity text, payload bytea)  PK (feature_set, version, entity)
 *     <table>_snapshots (feature_set text, version text, entities bigint, fingerprint text, origin text, committed_at timestamptz)
 *
 * One row per (feature set, snapshot version, entity): a new snapshot is new rows, never an
 * update, so readers of the committed version are never blocked by a batch write and a snapshot
 * that is rolled back leaves nothing behind. The primary key serves the point reads (all three
 * columns, most selective last) and `INSERT ... SELECT` of a whole version.
 *
 * Why `bytea` holding MessagePack, not `jsonb`:
 * - exact: float64 features come back bit for bit (jsonb stores numbers as `numeric` text and
 *   cannot hold -0, NaN or Infinity);
 * - cheaper to load and to read: the server does not parse or re-serialise JSON, rows are ~40%
 *   smaller (a 60-feature payload is ~0.8 KB instead of ~1.3 KB), so more stay under the 2 KB
 *   TOAST threshold, and loads send payloads as binary parameters (no hex, no JSON text);
 * - the price: features cannot be queried in SQL (`payload->>'f0'`), which fcbench never does;
 *   a feature store's online table is a key -> blob lookup, and that is what is measured.
 *
 * A `<table>_snapshots` row is written in the same transaction as its version's rows, so it exists
 * exactly when that version is complete and committed: `source load` skips a version that has
 * one, and a run refuses to start on a version without one. Its `origin` says who wrote it:
 * `load` (`fcbench source load`, kept) or `run:<id>` (a run's batch job, deleted by that run when
 * it ends, like its Redis keys; one left by a killed run is deleted by the next run that writes it).
 */

/** A feature table name and its companion snapshots table, both quoted for SQL. */
export interface FeatureTable {
  /** As configured (`fcbench_features`, `myschema.features`), for messages. */
  readonly name: string;
  /** `"fcbench_features"` / `"myschema"."features"`. */
  readonly sql: string;
  readonly snapshotsSql: string;
}

function quoteIdent(part: string): string {
  return `"${part.replace(/"/g, '""')}"`;
}

/** The quoted names for a (schema-validated) table name. */
export function featureTable(name: string): FeatureTable {
  const parts = name.split('.');
  const last = parts.pop()!;
  const prefix = parts.map((p) => `${quoteIdent(p)}.`).join('');
  return { name, sql: `${prefix}${quoteIdent(last)}`, snapshotsSql: `${prefix}${quoteIdent(`${last}_snapshots`)}` };
}

/** Creates both tables (and the schema of a `schema.table` name) when missing. Idempotent. */
export async function ensureFeatureTable(client: pg.ClientBase, table: FeatureTable): Promise<void> {
  const schema = table.name.includes('.') ? table.name.split('.')[0]! : null;
  // Concurrent loaders may race on CREATE ... IF NOT EXISTS (a unique violation on pg_type): one lock serialises them.
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`fcbench:${table.name}`]);
  if (schema !== null) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${table.sql} (
       feature_set text NOT NULL,
       version     text NOT NULL,
       entity      text NOT NULL,
       payload     bytea NOT NULL,
       PRIMARY KEY (feature_set, version, entity)
     )`,
  );
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${table.snapshotsSql} (
       feature_set  text NOT NULL,
       version      text NOT NULL,
       entities     bigint NOT NULL,
       fingerprint  text NOT NULL,
       origin       text NOT NULL DEFAULT 'load',
       committed_at timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (feature_set, version)
     )`,
  );
}

/** What a `<table>_snapshots` row says about one version. */
export interface SnapshotMarker {
  entities: number;
  /** What generated the rows (payload shape, and for later versions the chain): a different one means other bytes. */
  fingerprint: string;
  /** `load`, or `run:<id>` for a version a run's batch job wrote. */
  origin: string;
  committedAt: Date;
}

/** The committed marker of (set, version), or null (none yet, or the tables do not exist). */
export async function readSnapshotMarker(client: pg.ClientBase | pg.Pool, table: FeatureTable, featureSet: string, version: string): Promise<SnapshotMarker | null> {
  const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [table.snapshotsSql]);
  if (exists.rows[0]?.t == null) return null;
  const result = await client.query<{ entities: string; fingerprint: string; origin: string; committed_at: Date }>(
    `SELECT entities, fingerprint, origin, committed_at FROM ${table.snapshotsSql} WHERE feature_set = $1 AND version = $2`,
    [featureSet, version],
  );
  const row = result.rows[0];
  return row === undefined ? null : { entities: Number(row.entities), fingerprint: row.fingerprint, origin: row.origin, committedAt: row.committed_at };
}

/** Records (set, version) as complete, inside the caller's transaction. */
export async function writeSnapshotMarker(
  client: pg.ClientBase,
  table: FeatureTable,
  featureSet: string,
  version: string,
  entities: number,
  fingerprint: string,
  origin = 'load',
): Promise<void> {
  await client.query(
    `INSERT INTO ${table.snapshotsSql} (feature_set, version, entities, fingerprint, origin) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (feature_set, version) DO UPDATE SET entities = EXCLUDED.entities, fingerprint = EXCLUDED.fingerprint, origin = EXCLUDED.origin, committed_at = now()`,
    [featureSet, version, entities, fingerprint, origin],
  );
}

/** Deletes a version's rows and its marker (a run's own snapshot, or one a killed run left). Returns rows deleted. */
export async function deleteSnapshot(client: pg.ClientBase | pg.Pool, table: FeatureTable, featureSet: string, version: string): Promise<number> {
  const rows = await client.query(`DELETE FROM ${table.sql} WHERE feature_set = $1 AND version = $2`, [featureSet, version]);
  await client.query(`DELETE FROM ${table.snapshotsSql} WHERE feature_set = $1 AND version = $2`, [featureSet, version]);
  return rows.rowCount ?? 0;
}

/** The origin a run's batch job writes its snapshots under. */
export function runOrigin(runId: string): string {
  return `run:${runId}`;
}

/**
 * Payload <-> column bytes. MessagePack with float64 kept as float64 (no float32 narrowing): what
 * goes in comes out identical. One encoder per process is enough (encoding is synchronous).
 */
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

export function encodePayload(values: FeatureValues): Buffer {
  const bytes = encoder.encode(values);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodePayload(bytes: Uint8Array): FeatureValues {
  const value = decoder.decode(bytes);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('payload column does not hold a MessagePack map');
  return value as FeatureValues;
}
