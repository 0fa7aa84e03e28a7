import { createHash } from 'node:crypto';
import type pg from 'pg';
import { badInput } from '../errors.js';
import type { PostgresConnection } from '../postgres/connect.js';
import { decodePayload, deleteSnapshot, featureTable, runOrigin } from '../postgres/feature-table.js';
import { beginSnapshotTransaction, type OpenSnapshot } from '../postgres/snapshot-transaction.js';
import type { FeatureValues, Rng } from '../workload/types.js';
import { CascadeError } from './cascade-error.js';
import type { Clock } from './clock.js';
import { createLatencySampler, type LatencySpec } from './latency-model.js';
import type { SimulatedSource, SourceStats } from './simulated-source.js';
import type { SourceRecord } from './source.js';

/**
 * The feature store as a real PostgreSQL table (layout: `postgres/feature-table.ts`): each fetch
 * takes a pooled connection and runs one prepared point read of the feature set's committed
 * version. What the source tier reports is this real latency: pool wait (`queueUs`) + query +
 * decoding the MessagePack column, plus `addedLatency` when configured.
 *
 * The runner's controls behave as on the simulated source, applied to what is real here:
 * - `setLatencyFactor(f)` (source-slowdown) makes each fetch take f times as long as it did,
 *   by waiting (f - 1) x its measured time after the answer, connection still held;
 * - `setErrorRate(r)` (source-errors) fails that fraction of fetches after their query;
 * - `setVersion` moves reads to a version the batch job committed (`beginSnapshot`).
 */

export interface PostgresSourceOptions {
  /** Feature table as configured (`fcbench_features`, `myschema.features`). */
  table: string;
  /** Connections in the pool (the configured `concurrency`), for `stats().maxConcurrent`. */
  concurrency: number;
  /** Server-side statement_timeout, ms (for messages; the pool enforces it). */
  statementTimeoutMs: number;
  /** Latency added to every read while its connection is held, ms, to model a remote store. @default none */
  addedLatency?: LatencySpec | undefined;
  /** Committed snapshot version of each feature set at the start: the source only serves these sets. */
  versions: Readonly<Record<string, string>>;
  /** The run's id: the snapshots its batch job writes carry it, and `close` deletes them. */
  runId: string;
}

/** What the snapshot writer needs to know about snapshot contents (a `SnapshotContent` fits). */
export interface SnapshotModel {
  entities(): Iterable<string>;
  entityCount: number;
  differs(entity: string, featureSet: string, version: string, fromVersion: string): boolean;
  valuesAt(entity: string, featureSet: string, version: string): FeatureValues;
  fingerprint(featureSet: string, version: string): string;
}

export interface PostgresSourceDeps {
  db: PostgresConnection;
  clock: Clock;
  /** Added-latency and error draws (fork it for the source alone). */
  rng: Rng;
  snapshots: SnapshotModel;
}

export interface PostgresSource extends SimulatedSource {
  /**
   * The batch job's write of `version` of `featureSet`: every entity's row in one transaction on a
   * connection of its own (readers keep their pool), changed entities with their new payload, the
   * rest copied from `fromVersion`. Resolves once everything is written; the transaction stays
   * open until `commit()` or `rollback()`. Reads move to it only when `setVersion` is called.
   */
  beginSnapshot(featureSet: string, version: string, fromVersion: string): Promise<OpenSnapshot>;
  /**
   * Deletes the snapshot versions this run's batch job wrote (like the run's Redis keys, they are
   * the run's own), then ends the pool and any open snapshot connection (rolling it back).
   */
  close(): Promise<void>;
}

/** Bytea columns arrive as hex text and pg-types turns them into a Buffer; nothing else is selected. */
const READ_SQL = (tableSql: string) => `SELECT payload FROM ${tableSql} WHERE feature_set = $1 AND version = $2 AND entity = $3`;

/** pg's own messages for a pool wait and a client-side query timeout past the budget. */
const TIMEOUT_MESSAGES = ['timeout exceeded when trying to connect', 'Query read timeout'];

export function createPostgresSource(options: PostgresSourceOptions, deps: PostgresSourceDeps): PostgresSource {
  /** Deletes (set, version) only while it is still this run's (another run may have replaced it since). */
  const deleteOwn = async (featureSet: string, version: string): Promise<void> => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const owner = await client.query(`SELECT 1 FROM ${table.snapshotsSql} WHERE feature_set = $1 AND version = $2 AND origin = $3 FOR UPDATE`, [
        featureSet,
        version,
        runOrigin(options.runId),
      ]);
      if (owner.rowCount !== 0) await deleteSnapshot(client, table, featureSet, version);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  const table = featureTable(options.table);
  const { db, clock, rng } = deps;
  const sample = options.addedLatency === undefined ? null : createLatencySampler(options.addedLatency);
  const versions = new Map(Object.entries(options.versions));
  // Named, so each pooled connection parses and plans the read once (pg prepares it on first use).
  const statementName = `fcbench_read_${createHash('sha1').update(table.sql).digest('hex').slice(0, 12)}`;
  const text = READ_SQL(table.sql);
  const stats: SourceStats = { calls: 0, errors: 0, timeouts: 0, maxConcurrent: 0, queued: 0, queueWaitUsTotal: 0, queueWaitUsMax: 0, inFlight: 0 };
  let latencyFactor = 1;
  let errorRate = 0;

  const versionOf = (featureSet: string): string => {
    const version = versions.get(featureSet);
    if (version === undefined) throw badInput(`postgres source: unknown feature set ${JSON.stringify(featureSet)} (known: ${[...versions.keys()].join(', ')})`);
    return version;
  };

  const failure = (error: unknown, what: string): CascadeError => {
    if (error instanceof CascadeError) return error;
    const e = error as { code?: string; message?: string };
    // 57014 query_canceled: statement_timeout fired (fcbench never cancels reads otherwise).
    if (e?.code === '57014' || TIMEOUT_MESSAGES.includes(e?.message ?? '')) {
      stats.timeouts++;
      return new CascadeError('source-timeout', `PostgreSQL did not answer ${what} within ${options.statementTimeoutMs} ms`, error);
    }
    stats.errors++;
    return new CascadeError('source-error', `PostgreSQL failed reading ${what}: ${(e?.message ?? String(error)).replace(/\s+/g, ' ')}`, error);
  };

  const fetch = async (entity: string, featureSet: string): Promise<SourceRecord> => {
    const version = versionOf(featureSet);
    const what = `${featureSet}/${version}/${entity}`;
    stats.calls++;
    const startUs = clock.nowUs();
    if (db.pool.idleCount === 0 && db.pool.totalCount >= options.concurrency) stats.queued++;
    let client: pg.PoolClient;
    try {
      client = await db.pool.connect();
    } catch (error) {
      throw failure(error, what);
    }
    const queueUs = clock.nowUs() - startUs;
    stats.queueWaitUsTotal += queueUs;
    if (queueUs > stats.queueWaitUsMax) stats.queueWaitUsMax = queueUs;
    stats.inFlight++;
    if (stats.inFlight > stats.maxConcurrent) stats.maxConcurrent = stats.inFlight;
    let broken = false;
    try {
      // Both draws on every call, so toggling the error rate does not shift the latency stream.
      const addedMs = sample === null ? 0 : sample(rng);
      const fails = rng.next() < errorRate;
      const serviceStartUs = clock.nowUs();
      const result = await client.query<{ payload: Buffer }>({ name: statementName, text, values: [featureSet, version, entity] });
      if (addedMs > 0) await clock.sleepMs(addedMs);
      if (latencyFactor !== 1) await clock.sleepMs(((latencyFactor - 1) * (clock.nowUs() - serviceStartUs)) / 1000);
      if (fails) throw new CascadeError('source-error', `feature store failed reading ${what} (source-errors event)`);
      const row = result.rows[0];
      if (row === undefined) throw new CascadeError('source-error', `no row for ${what} in ${table.name} (run fcbench source load for this scenario)`);
      return { values: decodePayload(row.payload), version, queueUs };
    } catch (error) {
      // A SQL error leaves the connection usable; anything else (socket, protocol) may not.
      broken = !(error instanceof CascadeError) && typeof (error as { code?: unknown })?.code !== 'string';
      if (error instanceof CascadeError && error.kind === 'source-error') stats.errors++;
      throw failure(error, what);
    } finally {
      stats.inFlight--;
      client.release(broken);
    }
  };

  const snapshotClients = new Set<pg.Client>();
  // Every version beginSnapshot started, committed or not: a commit in flight at close still lands.
  const written: { featureSet: string; version: string }[] = [];
  return {
    fetch,
    setLatencyFactor(factor) {
      if (!(Number.isFinite(factor) && factor > 0)) throw badInput(`source latency factor: must be > 0, got ${String(factor)}`);
      latencyFactor = factor;
    },
    setErrorRate(value) {
      if (value !== null && !(value >= 0 && value <= 1)) throw badInput(`source error rate: must be in [0, 1], got ${String(value)}`);
      errorRate = value ?? 0;
    },
    setVersion(featureSet, version) {
      versionOf(featureSet);
      versions.set(featureSet, version);
    },
    currentVersion: versionOf,
    stats: () => ({ ...stats }),
    async beginSnapshot(featureSet, version, fromVersion) {
      versionOf(featureSet);
      const { snapshots } = deps;
      const client = await db.newClient();
      snapshotClients.add(client);
      const release = async () => {
        snapshotClients.delete(client);
        await client.end().catch(() => undefined);
      };
      written.push({ featureSet, version });
      return beginSnapshotTransaction(client, release, table, {
        featureSet,
        version,
        fromVersion,
        entities: () => snapshots.entities(),
        entityCount: snapshots.entityCount,
        differs: (entity) => snapshots.differs(entity, featureSet, version, fromVersion),
        values: (entity) => snapshots.valuesAt(entity, featureSet, version),
        fingerprint: snapshots.fingerprint(featureSet, version),
        origin: runOrigin(options.runId),
      });
    },
    async close() {
      // An open snapshot never committed is rolled back by the server when its connection ends.
      await Promise.allSettled([...snapshotClients].map((c) => c.end()));
      // Best effort, like Redis cleanup: a store gone at the end leaves them for the next run to replace.
      for (const { featureSet, version } of written) await deleteOwn(featureSet, version).catch(() => undefined);
      await db.close();
    },
  };
}
