import type pg from 'pg';
import { badInput, environmentError } from '../errors.js';
import type { FeatureValues } from '../workload/types.js';
import { deleteSnapshot, encodePayload, readSnapshotMarker, writeSnapshotMarker, type FeatureTable } from './feature-table.js';
import { copyRows, type CopyRow } from './copy-rows.js';

/**
 * A batch job's snapshot write, as a real pipeline does it: one transaction that writes every
 * entity's row of the new version and is left open until the job commits or rolls back, so the
 * time between "written" and "committed" (and a rollback) is something a run can play.
 *
 * Entities whose content changes get their new payload; the others get the previous version's
 * row copied inside PostgreSQL (`INSERT ... SELECT`), which is how a snapshot job that only
 * recomputes what changed keeps a complete version per snapshot. Until COMMIT no other session
 * sees a row of it (MVCC), and readers read the committed current version anyway.
 */

export interface SnapshotWriteSpec {
  featureSet: string;
  version: string;
  /** The committed version unchanged entities are copied from. */
  fromVersion: string;
  entities: () => Iterable<string>;
  entityCount: number;
  /** Whether `entity`'s content at `version` differs from `fromVersion`'s. */
  differs: (entity: string) => boolean;
  /** `entity`'s values at `version` (asked only where `differs`). */
  values: (entity: string) => FeatureValues;
  fingerprint: string;
  /** Who writes it (`runOrigin(id)`): the run that deletes it when it ends. */
  origin: string;
}

/** A snapshot written but not committed. Exactly one of commit / rollback may be called. */
export interface OpenSnapshot {
  /** Rows written with a new payload. */
  readonly rowsChanged: number;
  /** Rows copied from `fromVersion`. */
  readonly rowsCopied: number;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * Writes the snapshot through `client` (a connection of its own, handed over: `release` is called
 * once the transaction ends, also when writing fails).
 */
export async function beginSnapshotTransaction(
  client: pg.ClientBase,
  release: () => Promise<void>,
  table: FeatureTable,
  spec: SnapshotWriteSpec,
  options: { batchSize?: number | undefined } = {},
): Promise<OpenSnapshot> {
  const { featureSet, version, fromVersion } = spec;
  let open = false;
  try {
    await client.query('BEGIN');
    open = true;
    const existing = await readSnapshotMarker(client, table, featureSet, version);
    if (existing !== null && existing.origin === 'load') {
      throw badInput(`${table.name}: ${featureSet} ${version} was loaded by fcbench source load; a batch-publish must write a new version`);
    }
    // A version another run wrote and never deleted (killed before its end): this run's to rewrite.
    if (existing !== null) await deleteSnapshot(client, table, featureSet, version);
    if ((await readSnapshotMarker(client, table, featureSet, fromVersion)) === null) {
      throw environmentError(`${table.name}: ${featureSet} ${fromVersion} is not loaded, so ${version} cannot copy its unchanged rows from it (run fcbench source load)`);
    }
    // The version has no rows yet (a leftover was deleted above): COPY the changed entities.
    const rowsChanged = await copyRows(client, table.sql, featureSet, version, changedRows(spec), { chunkRows: options.batchSize });
    // The rest: what fromVersion holds for entities not written above (ON CONFLICT skips those).
    const copied = await client.query(
      `INSERT INTO ${table.sql} (feature_set, version, entity, payload)
       SELECT feature_set, $2, entity, payload FROM ${table.sql} WHERE feature_set = $1 AND version = $3
       ON CONFLICT DO NOTHING`,
      [featureSet, version, fromVersion],
    );
    await writeSnapshotMarker(client, table, featureSet, version, spec.entityCount, spec.fingerprint, spec.origin);
    return openSnapshot(client, release, rowsChanged, copied.rowCount ?? 0);
  } catch (error) {
    if (open) await client.query('ROLLBACK').catch(() => undefined);
    await release();
    throw error;
  }
}

function openSnapshot(client: pg.ClientBase, release: () => Promise<void>, rowsChanged: number, rowsCopied: number): OpenSnapshot {
  let ended = false;
  const end = async (statement: 'COMMIT' | 'ROLLBACK') => {
    if (ended) throw new Error(`snapshot transaction already ended; ${statement} not sent`);
    ended = true;
    try {
      await client.query(statement);
    } finally {
      await release();
    }
  };
  return { rowsChanged, rowsCopied, commit: () => end('COMMIT'), rollback: () => end('ROLLBACK') };
}

function* changedRows(spec: SnapshotWriteSpec): Iterable<CopyRow> {
  for (const entity of spec.entities()) if (spec.differs(entity)) yield { entity, payload: encodePayload(spec.values(entity)) };
}
