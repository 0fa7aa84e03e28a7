import { createSnapshotContent, type SnapshotContent } from '../batch/snapshot-content.js';
import type { SnapshotStep } from '../batch/snapshot-chain.js';
import type { Clock } from '../cascade/clock.js';
import { createPostgresSource, type PostgresSource } from '../cascade/postgres-source.js';
import { createSimulatedSource, type SimulatedSource } from '../cascade/simulated-source.js';
import { badInput, environmentError } from '../errors.js';
import { connectPostgres, PG_CLIENT_VERSION, type PostgresConnection } from '../postgres/connect.js';
import { featureTable, readSnapshotMarker } from '../postgres/feature-table.js';
import type { PostgresSourceConfig, Scenario } from '../scenario/schema.js';
import type { FeatureValues, Rng } from '../workload/types.js';
import { latencyOf, sourceOptionsOf } from './cascade-config.js';
import { scenarioEntities } from './scenario-entities.js';

/**
 * The run's feature store, by `cascade.source.kind`. Both kinds serve the same snapshot model
 * (`batch/snapshot-content.ts`), so a run's values do not depend on which one is behind the
 * caches. A postgres source is connected and checked here, before the caller writes any Redis key:
 * unreachable -> exit 3; a version never loaded -> exit 3 naming `fcbench source load`.
 */

export interface SourceBuildDeps {
  clock: Clock;
  /** The source's own stream (latency and error draws). */
  rng: Rng;
  /** The raw payload generator (`workload.payload`). */
  payload: (entity: string, featureSet: string, version: string) => FeatureValues;
  env: Record<string, string | undefined>;
  /** Folder of the scenario file (a trace's entities are read from it). */
  scenarioDir: string;
  /** The run's id (its key prefix suffix): snapshots its batch job writes to PostgreSQL carry it. */
  runId: string;
  /** Later snapshot versions per feature set, in order (batch-publish events). @default {} */
  laterSnapshots?: Readonly<Record<string, readonly SnapshotStep[]>> | undefined;
}

interface Built<K extends string, S> {
  kind: K;
  source: S;
  /** What every (entity, set, version) holds: the same model the source serves. */
  content: SnapshotContent;
  /** Releases what the source holds (the PostgreSQL pool); safe to call more than once. */
  close(): Promise<void>;
}

export type BuiltSource = Built<'simulated', SimulatedSource> | (Built<'postgres', PostgresSource> & { url: string; serverVersion: string; clientVersion: string; table: string });

export async function buildSource(scenario: Scenario, deps: SourceBuildDeps): Promise<BuiltSource> {
  const content = createSnapshotContent(scenario.seed, scenario.featureSets, deps.payload, deps.laterSnapshots ?? {});
  const config = scenario.cascade.source;
  if (config.kind === 'simulated') {
    const source = createSimulatedSource(sourceOptionsOf(scenario), { clock: deps.clock, rng: deps.rng, payload: content.valuesAt });
    return { kind: 'simulated', source, content, close: async () => undefined };
  }
  const db = await connectPostgres(
    { url: config.url, allowRemote: config.allowRemote, field: 'cascade.source.url' },
    { max: config.concurrency, statementTimeoutMs: config.statementTimeout, connectTimeoutMs: config.connectTimeout },
    deps.env,
  );
  let closed: Promise<void> | null = null;
  try {
    const entities = scenarioEntities(scenario, deps.scenarioDir);
    await checkLoaded(db, config, scenario, content, entities.count);
    await checkBatchVersionsFree(db, config, deps.laterSnapshots ?? {});
    const source = createPostgresSource(
      {
        table: config.table,
        concurrency: config.concurrency,
        statementTimeoutMs: config.statementTimeout,
        addedLatency: config.addedLatency === undefined ? undefined : latencyOf(config.addedLatency),
        versions: Object.fromEntries(scenario.featureSets.map((set) => [set.name, set.version])),
        runId: deps.runId,
      },
      { db, clock: deps.clock, rng: deps.rng, snapshots: { ...content, entities: entities.ids, entityCount: entities.count } },
    );
    return { kind: 'postgres', source, content, url: db.url, serverVersion: db.serverVersion, clientVersion: PG_CLIENT_VERSION, table: config.table, close: () => (closed ??= source.close()) };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Every feature set's starting version must be a complete snapshot of this scenario's content. */
async function checkLoaded(db: PostgresConnection, config: PostgresSourceConfig, scenario: Scenario, content: SnapshotContent, entityCount: number): Promise<void> {
  const table = featureTable(config.table);
  for (const set of scenario.featureSets) {
    const marker = await readSnapshotMarker(db.pool, table, set.name, set.version).catch((error: unknown) => {
      throw environmentError(`PostgreSQL at ${db.url}: cannot read ${config.table}_snapshots: ${(error as Error).message}`, error);
    });
    const fix = 'fill it first: fcbench source load <scenario.yaml> (with the same --set flags)';
    if (marker === null) throw environmentError(`PostgreSQL at ${db.url}: ${config.table} has no committed snapshot ${set.version} of ${set.name}; ${fix}`);
    if (marker.fingerprint !== content.fingerprint(set.name, set.version)) {
      throw environmentError(`PostgreSQL at ${db.url}: ${config.table} holds ${set.name} ${set.version} from another payload definition (${marker.fingerprint}); load another version`);
    }
    if (marker.entities < entityCount) {
      throw environmentError(`PostgreSQL at ${db.url}: ${config.table} holds ${marker.entities} entities of ${set.name} ${set.version}, the scenario asks for ${entityCount}; ${fix}`);
    }
  }
}

/** A batch-publish writes a new version: one `source load` filled is not the run's to replace (exit 2, nothing written). */
async function checkBatchVersionsFree(db: PostgresConnection, config: PostgresSourceConfig, later: Readonly<Record<string, readonly SnapshotStep[]>>): Promise<void> {
  const table = featureTable(config.table);
  for (const [set, steps] of Object.entries(later)) {
    for (const step of steps) {
      const marker = await readSnapshotMarker(db.pool, table, set, step.version);
      if (marker?.origin === 'load') {
        throw badInput(
          `events: batch-publish ${set} ${step.version}: ${config.table} already holds that version from fcbench source load; publish a version that is not loaded`,
        );
      }
    }
  }
}
