import { createSnapshotContent } from '../batch/snapshot-content.js';
import { FcbenchError } from '../errors.js';
import { connectPostgres, resolvePostgresUrl, checkPostgresUrl, type PostgresConnection, type PostgresTarget } from '../postgres/connect.js';
import { createDatabaseIfMissing } from '../postgres/create-database.js';
import { featureTable } from '../postgres/feature-table.js';
import { loadSnapshot, type LoadOutcome, type LoadProgress, type SnapshotLoadSpec } from '../postgres/load-snapshot.js';
import type { Scenario } from '../scenario/schema.js';
import { createPayloadGenerator } from '../workload/payload.js';
import { scenarioEntities } from './scenario-entities.js';

/**
 * `fcbench source load`: fill the PostgreSQL feature store with what a scenario's runs will read.
 * Two steps, so every input problem shows before anything is written: `planSourceLoad` (no I/O
 * but reading a trace file) says which versions go to which table, `runSourceLoad` writes them.
 */

/** Where one scenario's rows go. */
export interface LoadTarget extends PostgresTarget {
  table: string;
  connectTimeoutMs: number;
}

export interface SourceLoadPlan {
  target: LoadTarget;
  snapshots: SnapshotLoadSpec[];
  /** Set when the scenario's source is not postgres (its table defaults are used). */
  note: string | null;
}

export interface PlanOverrides {
  /** `--version`: load this version of every feature set instead of each one's base version. */
  version?: string | undefined;
  /** `--url`: instead of `cascade.source.url`. */
  url?: string | undefined;
  /** `--allow-remote`. */
  allowRemote?: boolean | undefined;
  env: Record<string, string | undefined>;
}

/** The loads for one scenario (variant). Bad input (a remote URL without permission) throws here. */
export function planSourceLoad(scenario: Scenario, scenarioDir: string, overrides: PlanOverrides): SourceLoadPlan {
  const source = scenario.cascade.source;
  const postgres = source.kind === 'postgres' ? source : null;
  const target: LoadTarget = {
    url: overrides.url ?? postgres?.url ?? 'auto',
    allowRemote: (overrides.allowRemote ?? false) || (postgres?.allowRemote ?? false),
    field: overrides.url === undefined ? 'cascade.source.url' : '--url',
    table: postgres?.table ?? 'fcbench_features',
    connectTimeoutMs: postgres?.connectTimeout ?? 2000,
  };
  checkPostgresUrl(resolvePostgresUrl(target.url, overrides.env), target);
  const sets = scenario.featureSets.map((set) => ({ ...set, version: overrides.version ?? set.version }));
  const generators = new Map(sets.map((set) => [set.name, createPayloadGenerator(set.payload)]));
  const content = createSnapshotContent(scenario.seed, sets, (entity, set, version) => generators.get(set)!(entity, set, version));
  const entities = scenarioEntities(scenario, scenarioDir);
  return {
    target,
    note: postgres === null ? `cascade.source.kind is ${source.kind}: loading the default postgres table (runs read it with cascade.source.kind: postgres)` : null,
    snapshots: sets.map((set) => ({
      featureSet: set.name,
      version: set.version,
      entities: entities.ids,
      entityCount: entities.count,
      values: (entity: string) => content.valuesAt(entity, set.name, set.version),
      fingerprint: content.fingerprint(set.name, set.version),
    })),
  };
}

export interface RunLoadOptions {
  env: Record<string, string | undefined>;
  batchSize?: number | undefined;
  onConnected?: ((info: { url: string; serverVersion: string; createdDatabase: boolean }) => void) | undefined;
  onProgress?: ((progress: LoadProgress) => void) | undefined;
  onOutcome?: ((outcome: LoadOutcome, info: { table: string; url: string }) => void) | undefined;
}

/** Connects (creating the database when missing), loads each snapshot in its own transaction. */
export async function runSourceLoad(plan: SourceLoadPlan, options: RunLoadOptions): Promise<LoadOutcome[]> {
  const { db, createdDatabase } = await connectCreating(plan.target, options.env);
  options.onConnected?.({ url: db.url, serverVersion: db.serverVersion, createdDatabase });
  const table = featureTable(plan.target.table);
  const outcomes: LoadOutcome[] = [];
  try {
    const client = await db.pool.connect();
    try {
      for (const snapshot of plan.snapshots) {
        const outcome = await loadSnapshot(client, table, snapshot, { batchSize: options.batchSize, onProgress: options.onProgress });
        outcomes.push(outcome);
        options.onOutcome?.(outcome, { table: table.name, url: db.url });
      }
    } finally {
      client.release();
    }
  } finally {
    await db.close();
  }
  return outcomes;
}

async function connectCreating(target: LoadTarget, env: Record<string, string | undefined>): Promise<{ db: PostgresConnection; createdDatabase: boolean }> {
  // No statement timeout: one load statement may run long on a big table; the transaction is ours alone.
  const settings = { max: 1, statementTimeoutMs: 0, connectTimeoutMs: target.connectTimeoutMs };
  try {
    return { db: await connectPostgres(target, settings, env), createdDatabase: false };
  } catch (error) {
    const code = (error instanceof FcbenchError ? (error.cause as { code?: string } | undefined) : undefined)?.code;
    if (code !== '3D000') throw error;
    const created = await createDatabaseIfMissing(resolvePostgresUrl(target.url, env), target.connectTimeoutMs);
    return { db: await connectPostgres(target, settings, env), createdDatabase: created };
  }
}
