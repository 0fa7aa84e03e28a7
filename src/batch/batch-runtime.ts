import type { RedisClient } from '../redis/client.js';
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

/** Replicas that serve together (a deploy starts a new generation); ids are global over the run. */
export interface Generation {
  firstId: number;
  replicas: readonly Cascade[];
  clients: readonly RedisClient[];
}

/** One generation's invalidation path: its bus (subscribers) and pointer reads. */
interface Binding {
  bus: LocalBus;
  pointers: PointerWatch | null;
}

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
  /** A deploy's new replicas: subscribe them to invalidations before they preload or serve. */
  attach(generation: Generation): Promise<void>;
  /** The old replicas stopped serving: unsubscribe them (their counts stay in the results). */
  detach(generation: Generation): Promise<void>;
  /** Stops pointer reads and the bus (call once the measured phase is over). */
  stop(): Promise<void>;
  results(): { publications: PublicationResult[]; localInvalidation: LocalInvalidationResult };
}

export async function createBatchRuntime(deps: {
  scenario: Scenario;
  content: SnapshotContent;
  replicas: readonly Cascade[];
  replicaClients: readonly RedisClient[];
  redis: RedisClient;
  connect: (extra: { protocol?: 2 | 3; name?: string }) => Promise<RedisClient>;
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
  const versionedSets = [...new Set(publishes.filter((e) => e.invalidation === 'versioned-keys').map((e) => e.featureSet))];
  const mode = scenario.cascade.local.enabled ? scenario.cascade.local.invalidation : 'ttl';
  // The versions the latest generation's replicas read: a deploy's new replicas start where the
  // fleet is (as a starting replica would read the version pointer), not at the scenario's base.
  let fleetVersions = new Map(baseVersions);
  const bindings = new Map<number, Binding>();
  const retired: LocalInvalidationResult['replicas'] = [];
  let retiredPointerReads = 0;

  const bind = async (generation: Generation): Promise<Binding> => {
    // The key version each replica reads now, so a pubsub switch and a pointer read never clear a
    // local tier twice for one version.
    const keyVersions = generation.replicas.map(() => new Map(fleetVersions));
    const busReplicas: BusReplica[] = generation.replicas.map((replica, id) => ({
      evictLocal: (key) => replica.evictLocal(key),
      flushLocal: () => replica.invalidateLocal(),
      setKeyVersion(featureSet, version) {
        if (keyVersions[id]!.get(featureSet) === version) return;
        keyVersions[id]!.set(featureSet, version);
        replica.setKeyVersion(featureSet, version);
        fleetVersions.set(featureSet, version);
      },
    }));
    // A replica built after a switch starts on the fleet's version.
    generation.replicas.forEach((replica, id) => {
      for (const [set, version] of keyVersions[id]!) if (version !== baseVersions.get(set)) replica.setKeyVersion(set, version);
    });
    const binding: Binding = { pointers: null, bus: null as never };
    binding.bus = await createLocalBus({
      mode,
      replicas: busReplicas,
      replicaClients: generation.clients,
      publisher: deps.redis,
      connect: deps.connect,
      channel: `${deps.runPrefix}:invalidate`,
      clock,
      trackingPrefix: `${deps.runPrefix}:`,
      pointerPrefix: `${deps.runPrefix}:current:`,
      onPointer: (id) => void binding.pointers?.readNow(id),
      firstId: generation.firstId,
    });
    if (versionedSets.length > 0) {
      binding.pointers = watchVersionPointers({
        replicas: busReplicas,
        clients: generation.clients,
        featureSets: versionedSets,
        current: (id, set) => keyVersions[id]!.get(set) ?? '',
        runPrefix: deps.runPrefix,
        refreshMs: scenario.cascade.redis.pointerRefresh,
        clock,
      });
    }
    return binding;
  };

  const first = await bind({ firstId: 0, replicas: deps.replicas, clients: deps.replicaClients });
  bindings.set(0, first);
  // The pointer starts at the base version, so the first reads find nothing to change.
  for (const set of versionedSets) await deps.redis.set(pointerKey(deps.runPrefix, set), baseVersions.get(set)!);
  // The cache updater talks to every live generation: during a deploy's preload both serve or warm.
  const bus: LocalBus = {
    mode,
    applying: (atUs, keys) => bindings.forEach((b) => b.bus.applying(atUs, keys)),
    // One channel and one marker key for all: sent once, by any live generation's bus.
    announceKeys: (keys) => anyBus().announceKeys(keys),
    applied: () => anyBus().applied(),
    announceVersion: (set, version) => anyBus().announceVersion(set, version),
    results: () => [...retired, ...[...bindings.values()].flatMap((b) => b.bus.results())],
    close: async () => {
      for (const b of bindings.values()) await b.bus.close();
    },
  };
  const anyBus = (): LocalBus => bindings.values().next().value!.bus;
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
    hashTag: resolvedCascade.hashTagKeys,
    clock,
    signal: stopAll.signal,
  });
  let stopped = false;
  return {
    judge: (trace, entity, featureSet, nowUs, replica) => oracle.judge(trace, entity, featureSet, nowUs, replica),
    startMeasuring: (originUs) => oracle.start(originUs),
    publish: (event, record) => job.publish(event, record),
    rollback: (event, record) => job.rollback(event, record),
    async attach(generation) {
      if (bindings.has(generation.firstId)) return;
      const binding = await bind(generation);
      bindings.set(generation.firstId, binding);
      // A new replica reads the pointer before it serves, as one starting up would.
      if (binding.pointers !== null) await Promise.all(generation.replicas.map((_, id) => binding.pointers!.readNow(id)));
    },
    async detach(generation) {
      const binding = bindings.get(generation.firstId);
      if (binding === undefined || bindings.size === 1) return;
      bindings.delete(generation.firstId);
      await binding.pointers?.stop();
      retiredPointerReads += binding.pointers?.reads ?? 0;
      retired.push(...binding.bus.results());
      await binding.bus.close();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      stopAll.abort();
      for (const b of bindings.values()) await b.pointers?.stop();
    },
    results() {
      const pointerReads = retiredPointerReads + [...bindings.values()].reduce((t, b) => t + (b.pointers?.reads ?? 0), 0);
      return {
        publications: oracle.results(),
        localInvalidation: { mode: bus.mode, pointerReads, replicas: bus.results() },
      };
    },
    // The bus's subscriber connections are closed with the provisioned Redis clients.
  };
}
