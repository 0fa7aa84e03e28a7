import type pg from 'pg';
import type { CopyStreamQuery } from 'pg-copy-streams';
import { lazyModule } from '../lazy-module.js';

// pg-copy-streams loads pg itself, so it too waits for the first COPY.
const copyStreams = lazyModule<typeof import('pg-copy-streams')>('pg-copy-streams');
const copyFrom = (sql: string): CopyStreamQuery => copyStreams().from(sql);

/**
 * Bulk row writes of one (feature set, version) with `COPY ... FROM STDIN (FORMAT binary)`, inside
 * the caller's transaction.
 *
 * Why COPY (and the pg-copy-streams package): on the same machine and table it loads about twice
 * the rows/s of multi-row `INSERT ... VALUES` (the baseline `npm run bench -- pgload` measures
 * in the same run), because the server inserts tuples in multi-row heap batches and parses no SQL
 * per row. Binary format, because the payload column is bytea: raw bytes go on the wire as they
 * are, where text COPY would need hex escaping on both sides. COPY cannot skip conflicting rows,
 * so callers copy only into a version that has no rows yet (no snapshots row: see
 * feature-table.ts), or into a staging table they merge with `ON CONFLICT DO NOTHING`.
 *
 * Rows are produced lazily and written in chunks of `chunkRows`, each one Buffer; the stream's
 * backpressure keeps memory at a few chunks however many rows there are, and Node builds the
 * next chunk while the server inserts the last one.
 */

/** Rows per chunk written to the COPY stream (and per progress report). @default 1000 */
export const DEFAULT_CHUNK_ROWS = 1000;

/** `PGCOPY\n\377\r\n\0`, then flags and header-extension length (both 0). */
const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
const TRAILER = Buffer.from([0xff, 0xff]);
const FIELDS = 4;

export interface CopyRow {
  entity: string;
  payload: Buffer;
}

export interface CopyRowsOptions {
  /** Rows per chunk. @default 1000 */
  chunkRows?: number | undefined;
  /** After each chunk is handed to the connection, with its row count. */
  onChunk?: ((rows: number) => void) | undefined;
}

/** Copies `rows` into `targetSql` (a quoted table name); returns the rows the server took. */
export async function copyRows(client: pg.ClientBase, targetSql: string, featureSet: string, version: string, rows: Iterable<CopyRow>, options: CopyRowsOptions = {}): Promise<number> {
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const stream = client.query(copyFrom(`COPY ${targetSql} (feature_set, version, entity, payload) FROM STDIN (FORMAT binary)`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  done.catch(() => undefined);
  const setBytes = Buffer.from(featureSet, 'utf8');
  const versionBytes = Buffer.from(version, 'utf8');
  try {
    stream.write(HEADER);
    let pending: CopyRow[] = [];
    for (const row of rows) {
      pending.push(row);
      if (pending.length < chunkRows) continue;
      await write(stream, done, encodeTuples(pending, setBytes, versionBytes));
      options.onChunk?.(pending.length);
      pending = [];
    }
    if (pending.length > 0) {
      await write(stream, done, encodeTuples(pending, setBytes, versionBytes));
      options.onChunk?.(pending.length);
    }
    stream.end(TRAILER);
  } catch (error) {
    // Producing failed (or the server refused mid-way): CopyFail ends the COPY, the caller rolls back.
    stream.destroy(error as Error);
    await done.catch(() => undefined);
    throw error;
  }
  await done;
  return stream.rowCount;
}

/** Writes one chunk; waits for `drain` when the socket is full, failing at once if the COPY did. */
async function write(stream: CopyStreamQuery, done: Promise<void>, chunk: Buffer): Promise<void> {
  if (stream.write(chunk)) return;
  await Promise.race([new Promise<void>((resolve) => stream.once('drain', resolve)), done.then(() => undefined)]);
}

/** One buffer of binary COPY tuples: field count, then (length, bytes) per field. */
function encodeTuples(rows: readonly CopyRow[], setBytes: Buffer, versionBytes: Buffer): Buffer {
  let size = 0;
  const entities = rows.map((row) => Buffer.from(row.entity, 'utf8'));
  for (let i = 0; i < rows.length; i++) size += 2 + 4 * FIELDS + setBytes.length + versionBytes.length + entities[i]!.length + rows[i]!.payload.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    at = out.writeInt16BE(FIELDS, at);
    for (const field of [setBytes, versionBytes, entities[i]!, rows[i]!.payload]) {
      at = out.writeInt32BE(field.length, at);
      at += field.copy(out, at);
    }
  }
  return out;
}
