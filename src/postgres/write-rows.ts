import type pg from 'pg';
import type { FeatureTable } from './feature-table.js';

/**
 * Batched row writes of one (feature set, version) inside the caller's transaction.
 *
 * Each batch is ONE statement with three parameters, whatever its size:
 *
 *     INSERT INTO t SELECT $1, $2, e, substring($4 FROM o FOR l)
 *     FROM unnest($3::text[], $5::int4[], $6::int4[]) AS u(e, o, l) ON CONFLICT DO NOTHING
 *
 * Why this shape rather than `VALUES ($1,$2,$3,$4), (...)`: the payloads travel as one binary
 * bytea parameter (node-postgres sends a Buffer in binary format), so there is no hex encoding
 * on either side and no 65,535-parameter cap on the batch size; the server plans one statement
 * per batch instead of parsing thousands of placeholders. COPY (copy-rows.ts) is faster still, but
 * cannot say ON CONFLICT DO NOTHING: this is the path for adding rows to a version that already
 * has some (`source load` of a scenario that grew).
 *
 * Batches are pipelined one deep: batch n+1's payloads are generated and encoded in Node while
 * the server inserts batch n, which is about a third more rows/s on two cores than strict turns.
 */

export interface RowBatchSink {
  /** Queues one row (no I/O). */
  add(entity: string, payload: Buffer): void;
  /** Whether a full batch is queued: call `flushIfFull` before adding more. */
  readonly full: boolean;
  /** When a batch is full: waits for the statement in flight, then sends this batch without waiting for it. */
  flushIfFull(): Promise<void>;
  /** Sends what is left and waits for everything; returns rows inserted (conflicts skipped are not counted). */
  finish(): Promise<number>;
}

export interface WriteRowsOptions {
  /** Rows per statement. @default 2000 */
  batchSize?: number | undefined;
  /** After each statement completes, with the rows it covered (inserted or already there). */
  onBatch?: ((rows: number) => void) | undefined;
}

/** Default rows per INSERT: past ~2,000 the rate stops improving and a batch's memory keeps growing. */
export const DEFAULT_BATCH_ROWS = 2000;

/** A sink that writes rows of (featureSet, version) to `table` through `client`, in batches. */
export function createRowBatchSink(client: pg.ClientBase, table: FeatureTable, featureSet: string, version: string, options: WriteRowsOptions = {}): RowBatchSink {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_ROWS;
  const text =
    `INSERT INTO ${table.sql} (feature_set, version, entity, payload) ` +
    'SELECT $1, $2, u.e, substring($4::bytea FROM u.o FOR u.l) FROM unnest($3::text[], $5::int4[], $6::int4[]) AS u(e, o, l) ' +
    'ON CONFLICT DO NOTHING';
  let entities: string[] = [];
  let payloads: Buffer[] = [];
  let inFlight: Promise<void> = Promise.resolve();
  let inserted = 0;
  let failure: unknown = null;

  const send = (): void => {
    if (entities.length === 0) return;
    const batchEntities = entities;
    const batchPayloads = payloads;
    entities = [];
    payloads = [];
    const offsets = new Array<number>(batchPayloads.length);
    const lengths = new Array<number>(batchPayloads.length);
    let at = 1; // SQL substring positions start at 1
    for (let i = 0; i < batchPayloads.length; i++) {
      offsets[i] = at;
      lengths[i] = batchPayloads[i]!.length;
      at += lengths[i]!;
    }
    const blob = Buffer.concat(batchPayloads);
    const previous = inFlight;
    inFlight = (async () => {
      await previous;
      const result = await client.query(text, [featureSet, version, batchEntities, blob, offsets, lengths]);
      inserted += result.rowCount ?? 0;
      options.onBatch?.(batchEntities.length);
    })();
    // Kept so the failure surfaces at the next await, not as an unhandled rejection.
    inFlight.catch((error: unknown) => (failure ??= error));
  };

  return {
    add(entity, payload) {
      entities.push(entity);
      payloads.push(payload);
    },
    get full() {
      return entities.length >= batchSize;
    },
    async flushIfFull() {
      if (entities.length < batchSize) return;
      // One statement in flight while the next batch is built: wait for the older one first.
      await inFlight.catch(() => undefined);
      if (failure !== null) throw failure;
      send();
    },
    async finish() {
      send();
      await inFlight.catch(() => undefined);
      if (failure !== null) throw failure;
      return inserted;
    },
  };
}
