import type { Redis } from 'ioredis';
import type { Cascade } from '../cascade/cascade.js';
import type { Clock } from '../cascade/clock.js';
import type { Trace } from '../cascade/trace.js';
import { createCodec } from '../codec/create-codec.js';
import type { LocalInvalidationResult, PublicationResult, ResultEvent } from '../results/result-types.js';
import type { Scenario } from '../scenario/schema.js';
import type { FeatureValues } from '../workload/types.js';
import { createBatchJob, type BeginSnapshot, type BatchJob } from './batch-job.js';
import { batchSteps, type BatchPublishEvent, type BatchRollbackEvent } from './batch-steps.js';
import { createCacheUpdater, pointerKey } from './cache-updater.js';
import { FreshnessOracle } from './freshness-oracle.js';
import { SnapshotLedger } from './ledger.js';
import { createLocalBus, type BusReplica, type LocalBus } from './local-bus.js';
import { createSnapshotContent, type SnapshotContent } from './snapshot-content.js';
import { watchVersionPointers, type PointerWatch } from './version-pointer.js';

/** Whether the run needs the batch machinery at all (otherwise it costs nothing). */
export function needsBatchRuntime(scenario: Scenario): boolean {
  return scenario.cascade.local.invalidation !== 'ttl' || scenario.events.some((e) => e.kind === 'batch-publish');
}

export interface BatchRuntime {
  /** Judges a finished request against batch truth (marks outdated / uncommitted). */
  judge(trace: Trace, entity: string, featureSet: string, nowUs: number, replica: number): void;
  startMeasuring(originUs: number): void;
  publish(event: BatchPublishEvent, record: ResultEvent): Promise<void>;
  rollback(event: BatchRollbackEvent, record: ResultEvent): void;
  /** Stops pointer reads and the bus (call once the measured phase is over). */
  stop(): Promise<void>;
  results(): { publications: PublicationResult[]; localInvalidation: LocalInvalidationResult };
}

export async function createBatchRuntime(deps: {
  scenario: Scenario;
  content: SnapshotContent;
  replicas: readonly Cascade[];
  replicaClients: readonly Redis[];
  redis: Redis;
  connect: (extra: { protocol?: 2 | 3; name?: string }) => Promise<Redis>;
  beginSnapshot: BeginSnapshot;
  runPrefix: string;
  clock: Clock;
}): Promise<BatchRuntime> {
  const { scenario, clock } = deps;
  const publishes = scenario.events.filter((e): e is BatchPublishEvent => e.kind === 'batch-publish');
  const batched = new Set(publishes.map((e) => e.featureSet));
  const ledger = new SnapshotLedger(deps.content, scenario.featureSets, batched);
  const oracle = new FreshnessOracle(ledger);
  const baseVersions = new Map(scenario.featureSets.map((s) => [s.name, s.version]));
  // The key version each replica reads now, so a pubsub switch and a pointer read never clear a
  // local tier twice for one version.
  const keyVersions = deps.replicas.map(() => new Map(baseVersions));
  const busReplicas: BusReplica[] = deps.replicas.map((replica, id) => ({
    evictLocal: (key) => replica.evictLocal(key),
    flushLocal: () => replica.invalidateLocal(),
    setKeyVersion(featureSet, version) {
      if (keyVersions[id]!.get(featureSet) === version) return;
      keyVersions[id]!.set(featureSet, version);
      replica.setKeyVersion(featureSet, version);
    },
  }));
  const versionedSets = [...new Set(publishes.filter((e) => e.invalidation === 'versioned-keys').map((e) => e.featureSet))];
  let pointers: PointerWatch | null = null;
  const bus: LocalBus = await createLocalBus({
    mode: scenario.cascade.local.enabled ? scenario.cascade.local.invalidation : 'ttl',
    replicas: busReplicas,
    replicaClients: deps.replicaClients,
    publisher: deps.redis,
    connect: deps.connect,
    channel: `${deps.runPrefix}:invalidate`,
    clock,
    trackingPrefix: `${deps.runPrefix}:`,
    pointerPrefix: `${deps.runPrefix}:current:`,
    onPointer: (id) => void pointers?.readNow(id),
  });
  if (versionedSets.length > 0) {
    pointers = watchVersionPointers({
      replicas: busReplicas,
      clients: deps.replicaClients,
      featureSets: versionedSets,
      current: (id, set) => keyVersions[id]!.get(set) ?? '',
      runPrefix: deps.runPrefix,
      refreshMs: scenario.cascade.redis.pointerRefresh,
      clock,
    });
    // The pointer starts at the base version, so the first reads find nothing to change.
    for (const set of versionedSets) await deps.redis.set(pointerKey(deps.runPrefix, set), baseVersions.get(set)!);
  }
  const stopAll = new AbortController();
  const resolvedCascade = deps.replicas[0]!.options;
  const job: BatchJob = createBatchJob({
    ledger,
    oracle,
    content: deps.content,
    updater: createCacheUpdater({ redis: deps.redis, codec: createCodec(resolvedCascade.codec), bus, runPrefix: deps.runPrefix, nowUs: () => clock.nowUs() }),
    beginSnapshot: deps.beginSnapshot,
    sets: new Map(resolvedCascade.featureSets.map((s) => [s.name, { name: s.name, ttl: s.ttl }])),
    keyVersions: new Map(baseVersions),
    entities: scenario.keys.entities,
    runPrefix: deps.runPrefix,
    clock,
    signal: stopAll.signal,
  });
  let stopped = false;
  return {
    judge: (trace, entity, featureSet, nowUs, replica) => oracle.judge(trace, entity, featureSet, nowUs, replica),
    startMeasuring: (originUs) => oracle.start(originUs),
    publish: (event, record) => job.publish(event, record),
    rollback: (event, record) => job.rollback(event, record),
    async stop() {
      if (stopped) return;
      stopped = true;
      stopAll.abort();
      await pointers?.stop();
    },
    results() {
      return {
        publications: oracle.results(),
        localInvalidation: { mode: bus.mode, pointerReads: pointers?.reads ?? 0, replicas: bus.results() },
      };
    },
    // The bus's subscriber connections are closed with the provisioned Redis clients.
  };
}
