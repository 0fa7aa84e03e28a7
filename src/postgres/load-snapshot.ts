import type pg from 'pg';
import { badInput } from '../errors.js';
import type { FeatureValues } from '../workload/types.js';
import { deleteSnapshot, encodePayload, ensureFeatureTable, readSnapshotMarker, writeSnapshotMarker, type FeatureTable } from './feature-table.js';
import { copyRows, type CopyRow } from './copy-rows.js';
import { createRowBatchSink } from './write-rows.js';

/**
 * `fcbench source load`'s job for one (feature set, version): every entity's row, in batches,
 * inside ONE transaction that also writes the version's snapshots row. Readers therefore see the
 * whole version or none of it, and a load killed halfway leaves nothing to clean up.
 *
 * Idempotent: a version whose snapshots row covers the entities is skipped without writing; one
 * with fewer entities (the scenario grew) gets the missing rows, the others being left as they are
 * by `ON CONFLICT DO NOTHING`; one generated from another payload shape is refused (exit 2), since
 * rewriting it would change what earlier results were measured against.
 */

export interface SnapshotLoadSpec {
  featureSet: string;
  version: string;
  /** Every entity id of the scenario, each once. */
  entities: () => Iterable<string>;
  /** How many `entities()` yields. */
  entityCount: number;
  /** An entity's values at this version (already resolved through the snapshot chain). */
  values: (entity: string) => FeatureValues;
  /** See `SnapshotContent.fingerprint`. */
  fingerprint: string;
}

export interface LoadProgress {
  featureSet: string;
  version: string;
  rowsDone: number;
  rowsTotal: number;
}

export interface LoadOutcome {
  featureSet: string;
  version: string;
  /** `skipped`: already complete, nothing written; `loaded`: all rows written now; `extended`: rows added to a smaller snapshot. */
  status: 'loaded' | 'extended' | 'skipped';
  /** Rows this load inserted (0 when skipped). */
  rowsInserted: number;
  rowsTotal: number;
}

export interface LoadSnapshotOptions {
  /** Rows per COPY chunk or INSERT statement (and per progress report). @default 1000 (COPY), 2000 (INSERT) */
  batchSize?: number | undefined;
  /** After each batch the server has taken. */
  onProgress?: ((progress: LoadProgress) => void) | undefined;
}

/** Loads one version through `client` (a connection of its own: it holds a transaction throughout). */
export async function loadSnapshot(client: pg.ClientBase, table: FeatureTable, spec: SnapshotLoadSpec, options: LoadSnapshotOptions = {}): Promise<LoadOutcome> {
  const { featureSet, version, entityCount: rowsTotal } = spec;
  await client.query('BEGIN');
  try {
    await ensureFeatureTable(client, table);
    // Two loaders of one version wait for each other instead of doubling the work.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`fcbench:${table.name}:${featureSet}:${version}`]);
    let marker = await readSnapshotMarker(client, table, featureSet, version);
    // A run's batch job wrote this version and was killed before deleting it: not a loaded snapshot.
    if (marker !== null && marker.origin !== 'load') {
      await deleteSnapshot(client, table, featureSet, version);
      marker = null;
    }
    if (marker !== null && marker.fingerprint !== spec.fingerprint) {
      throw badInput(
        `${table.name} already holds ${featureSet} ${version} generated from another definition (${marker.fingerprint}; this scenario: ` +
          `${spec.fingerprint}); load another --version, or delete that version's rows and its ${table.name}_snapshots row`,
      );
    }
    if (marker !== null && marker.entities >= rowsTotal) {
      await client.query('ROLLBACK');
      options.onProgress?.({ featureSet, version, rowsDone: rowsTotal, rowsTotal });
      return { featureSet, version, status: 'skipped', rowsInserted: 0, rowsTotal };
    }
    let rowsDone = 0;
    const onRows = (rows: number) => {
      rowsDone += rows;
      options.onProgress?.({ featureSet, version, rowsDone, rowsTotal });
    };
    // A version without a marker has no rows (both are written in one transaction): COPY, the
    // fastest path. One being extended has some: INSERT ... ON CONFLICT DO NOTHING keeps them.
    const rowsInserted =
      marker === null
        ? await copyRows(client, table.sql, featureSet, version, encodedRows(spec), { chunkRows: options.batchSize, onChunk: onRows })
        : await insertRows(client, table, spec, options.batchSize, onRows);
    await writeSnapshotMarker(client, table, featureSet, version, Math.max(rowsTotal, marker?.entities ?? 0), spec.fingerprint);
    await client.query('COMMIT');
    return { featureSet, version, status: marker === null ? 'loaded' : 'extended', rowsInserted, rowsTotal };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function* encodedRows(spec: SnapshotLoadSpec): Iterable<CopyRow> {
  for (const entity of spec.entities()) yield { entity, payload: encodePayload(spec.values(entity)) };
}

async function insertRows(client: pg.ClientBase, table: FeatureTable, spec: SnapshotLoadSpec, batchSize: number | undefined, onBatch: (rows: number) => void): Promise<number> {
  const sink = createRowBatchSink(client, table, spec.featureSet, spec.version, { batchSize, onBatch });
  for (const entity of spec.entities()) {
    sink.add(entity, encodePayload(spec.values(entity)));
    if (sink.full) await sink.flushIfFull();
  }
  return sink.finish();
}
