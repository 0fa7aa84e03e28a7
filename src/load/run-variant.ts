import { randomBytes } from 'node:crypto';
import { createBatchRuntime, needsBatchRuntime, type BatchRuntime } from '../batch/batch-runtime.js';
import type { BeginSnapshot } from '../batch/batch-job.js';
import { batchSteps } from '../batch/batch-steps.js';
import { systemClock, type Clock } from '../cascade/clock.js';
import type { SimulatedSource } from '../cascade/simulated-source.js';
import { badInput } from '../errors.js';
import { createRecorder, type MetricsSnapshot } from '../metrics/recorder.js';
import { redactUrl, usedMemoryBytes } from '../redis/connect.js';
import { nodeStats, readNodes } from '../redis/node-stats.js';
import { dataNodes } from '../redis/client.js';
import { cleanupRunKeys, finishRunKeys, whenReady, type CleanupOutcome } from '../redis/end-state.js';
import { feastCleanup } from '../feast/cleanup.js';
import { feastMappingOf } from '../feast/scenario-mapping.js';
import { provisionRedis, urlBeforeProvisioning, type ProvisionedRedis } from '../redis/provision.js';
import type { ResultDocument } from '../results/result-types.js';
import type { ScenarioVariant } from '../scenario/load.js';
import { openCurveTracker, type CurveTracker } from '../capacity/curve-tracker.js';
import { assembleResult } from './assemble-result.js';
import { buildWorkload } from './build-workload.js';
import { buildSource, type BuiltSource } from './build-source.js';
import { cascadeOptionsOf } from './cascade-config.js';
import { runPhase, warmupBound, measuredBound } from './phase.js';
import { createRequestIssuer } from './request-issuer.js';
import { scheduleEvents, type EventTargets } from './events.js';
import { createReplicaFleet, deployTarget, replicaSlots, RETIRE_TIMEOUT_MS, type ReplicaFleet } from './replica-fleet.js';
import { ShareSeries } from '../metrics/share-series.js';
import { commandCalls, commandDelta } from '../metrics/redis-commands.js';
import { prepareImplementation } from './implementation.js';
import { coldStartsOf, coldStartSeriesOf, type ColdStartMark } from '../metrics/cold-starts.js';
import { runHttpVariant } from '../serve/run-http-variant.js';
import { prepareRunWarming, type RunWarming } from './run-warming.js';
import { runVariantInWorkers } from './worker-shards.js';
import { shardScenario, shardStreamSeed } from './shard.js';
import { endBarrier, startBarrier } from '../redis/shard-barrier.js';

export interface VariantRunOptions {
  /** `--redis URL`: overrides `cascade.redis.url`. */
  redisUrl?: string | undefined;
  env?: Record<string, string | undefined>;
  /** Ctrl-C: stop issuing, let in-flight requests finish, return a partial result. */
  signal?: AbortSignal | undefined;
  /** About once a second during warmup and the measured phase. */
  onProgress?: ((phase: 'warmup' | 'measure', snapshot: MetricsSnapshot) => void) | undefined;
  /** Keep the run's keys in Redis (also `cascade.redis.keepKeys`). */
  keepKeys?: boolean | undefined;
  /** Folder of the scenario file (trace files are relative to it). */
  scenarioDir: string;
  toolVersion: string;
  /** `--allow-remote`: load.mode http may target a non-loopback service. */
  allowRemote?: boolean | undefined;
  clock?: Clock;
  /** `--shard i/N`: run shard `index` of `count` of this variant (see shard.ts). */
  shard?: ShardRun | undefined;
  /** The caller started the redis-server behind `redisUrl` itself (load.workers with url auto): redis-pause may pause it. */
  redisOwned?: boolean | undefined;
}

/** One shard's part in a sharded run: which shard, the group every shard of the run names, how long barriers wait. */
export interface ShardRun {
  index: number;
  count: number;
  /** `--shard-group`: the same for every shard of one run, fresh for each run; keys live under `<keyPrefix>:<group>`. */
  group: string;
  timeoutMs: number;
}

/**
 * One variant, end to end. Reads as its steps: provision Redis -> build workload -> build source
 * and replicas -> warm up -> reset the recorder -> drive the measured phase with events ->
 * summarise -> measure Redis -> clean up. Writing and reporting are the caller's.
 */
export async function runVariant(variant: ScenarioVariant, options: VariantRunOptions): Promise<ResultDocument> {
  const load = variant.scenario.load;
  // HTTP serving mode (real replica processes or a team's service) has its own orchestrator.
  if (load.mode === 'http') {
    if (options.shard !== undefined && options.shard.count > 1) throw badInput('--shard: load.mode http cannot be sharded yet (run several fcbench processes against your service without --shard, or use load.mode open or closed)');
    return runHttpVariant(variant, options);
  }
  if ((load.workers ?? 1) > 1) return runVariantInWorkers(variant, options, load.workers!);
  return runVariantInProcess(variant, options);
}

/** One variant (or one shard of it) on this thread. */
export async function runVariantInProcess(variant: ScenarioVariant, options: VariantRunOptions): Promise<ResultDocument> {
  const shard = options.shard !== undefined && options.shard.count > 1 ? options.shard : null;
  // A shard runs its part of the load (rate/N, concurrency/N, requests split), its own seeded
  // streams, and only the events that act on its own replicas (shard.ts); the result records it.
  const scenario = shard === null ? variant.scenario : shardScenario(variant.scenario, shard);
  const clock = options.clock ?? systemClock;
  let startedAt = new Date();
  // A per-run suffix keeps concurrent runs on one Redis apart and makes cleanup exact. The shared
  // layout (cascade.redis.shared) uses the prefix as given, to read keys a warm job wrote, and
  // remembers the keys it writes so cleanup deletes those and nothing else.
  // The shards of one run share one prefix, named by their group, so they read each other's fills.
  const runId = randomBytes(4).toString('hex');
  const shared = scenario.cascade.redis.shared;
  const keyPrefix = shared ? scenario.cascade.redis.keyPrefix : `${scenario.cascade.redis.keyPrefix}:${shard === null ? runId : shard.group}`;
  const barrierKey = shard === null ? '' : shared ? `${keyPrefix}:fcbench-shards:${shard.group}` : `${keyPrefix}:fcbench-shards`;
  const redisUrl = options.redisUrl ?? scenario.cascade.redis.url;
  const env = options.env ?? process.env;
  const cluster = scenario.cascade.redis.cluster;
  // load.workers hands its workers '' for a cluster: they connect to the seeds.
  if (cluster !== undefined && options.redisUrl !== undefined && options.redisUrl !== '') {
    throw badInput(`--redis ${redactUrl(options.redisUrl)}: the scenario sets cascade.redis.cluster, which names the Redis; drop --redis, or override the seeds with --set 'cascade.redis.cluster=[redis://host:port]'`);
  }
  if (shard !== null && cluster === undefined && urlBeforeProvisioning(redisUrl, env) === null) {
    throw badInput(`--shard ${shard.index}/${shard.count}: every shard must use the same Redis; give it with --redis URL or REDIS_URL (cascade.redis.url: auto would start a private redis-server for this shard alone)`);
  }
  const keepKeys = options.keepKeys === true || scenario.cascade.redis.keepKeys;
  const written: Set<string> | undefined = shared ? new Set() : undefined;
  const onRedisWrite = written === undefined ? undefined : (key: string) => void written.add(key);
  const feastMapping = feastMappingOf(scenario, keyPrefix);
  const feast = feastMapping === null ? undefined : feastCleanup(feastMapping);

  const redis = await provisionRedis({
    url: redisUrl,
    cluster,
    env,
    allowRemote: scenario.cascade.redis.allowRemote,
    connectTimeoutMs: scenario.cascade.redis.connectTimeout,
    commandTimeoutMs: scenario.cascade.redis.commandTimeout,
    autoPipelining: scenario.cascade.redis.autoPipelining,
  });
  let fleet: ReplicaFleet | null = null;
  // Once, whichever comes first: before measuring Redis (no refresh still writing) or on failure.
  const closeReplicas = () => fleet?.close() ?? Promise.resolve();
  // A Redis that died mid-run is given this long to come back before the end-of-run questions are skipped.
  const endWaitMs = scenario.cascade.redis.connectTimeout;
  let cleanup: CleanupOutcome | null = null;
  let built: BuiltSource | null = null;
  let warming: RunWarming | null = null;
  let capacity: CurveTracker | null = null;
  try {
    if (redis.privateServer === null && options.redisOwned !== true && scenario.events.some((e) => e.kind === 'redis-pause')) {
      throw badInput(
        'events: redis-pause pauses every client of the server, so fcbench only does it to a redis-server it started itself (cascade.redis.url: auto with REDIS_URL unset)',
      );
    }
    const workload = buildWorkload(scenario, options.scenarioDir, shard === null ? {} : { streamSeed: shardStreamSeed(scenario.seed, shard) });
    // The feature store, simulated or PostgreSQL; both serve what every snapshot version holds
    // (batch publications change a seeded fraction of entities). A postgres source is checked
    // here, before any Redis key is written.
    built = await buildSource(scenario, {
      clock,
      rng: workload.root.fork('source'),
      payload: workload.payload,
      env: options.env ?? process.env,
      scenarioDir: options.scenarioDir,
      runId,
      laterSnapshots: batchSteps(scenario.events),
    });
    const { source, content } = built;
    // warm: opened (header and schema checked) before any key is written, on a connection of its own.
    warming = scenario.warm === undefined
      ? null
      : await prepareRunWarming(scenario.warm, { scenario, scenarioDir: options.scenarioDir, keyPrefix, client: await redis.connect({ name: 'fcbench-warm' }), source, clock, onWrite: onRedisWrite });
    // cascade.implementation: fcbench's own cascade, a built-in adapter or a plugin module (loaded and checked here).
    const implementation = await prepareImplementation(variant, {
      cascadeOptions: cascadeOptionsOf(scenario, keyPrefix),
      source,
      clock,
      rngFor: (id) => workload.root.fork(`replica-${id}`),
      onRedisWrite,
      scenarioDir: options.scenarioDir,
      sharded: shard !== null,
      redisEndpoint: { url: redis.connectUrl, connectTimeoutMs: scenario.cascade.redis.connectTimeout, commandTimeoutMs: scenario.cascade.redis.commandTimeout },
    });
    let batch: BatchRuntime | null = null;
    // Replicas, and the deploys that replace them; ids are global, so a deploy's replicas count apart.
    fleet = createReplicaFleet({
      build: async (id) => {
        const client = await redis.connect();
        try {
          return { client, cascade: await implementation.cascadeFor(id, client) };
        } catch (error) {
          await client.quit().catch(() => undefined);
          throw error;
        }
      },
      routerFor: workload.routerFor,
      hottest: workload.hottest,
      featureSets: scenario.featureSets.map((s) => s.name),
      clock,
      retireTimeoutMs: RETIRE_TIMEOUT_MS,
      hooks: { attach: (next) => batch?.attach(next) ?? Promise.resolve(), detach: (previous) => batch?.detach(previous) ?? Promise.resolve() },
    });
    const first = await fleet.launch(scenario.cascade.replicas);
    batch = needsBatchRuntime(scenario)
      ? await createBatchRuntime({
          scenario,
          content,
          replicas: first.replicas,
          replicaClients: first.clients,
          redis: redis.client,
          connect: (extra) => redis.connect(extra),
          beginSnapshot: beginSnapshotOf(built),
          runPrefix: keyPrefix,
          clock,
        })
      : null;
    const recorder = createRecorder();
    // Miss-ratio curves from this run's stream: one stack per replica's local tier, one for Redis.
    // The curves follow each get's tier, which only fcbench's own cascade reports for certain.
    capacity = scenario.metrics.mrc && implementation.own
      ? openCurveTracker({
          replicas: replicaSlots(scenario.cascade.replicas, scenario.events),
          keySpace: workload.keySpace,
          localEnabled: scenario.cascade.local.enabled,
        })
      : null;
    const usedMemoryBefore = await usedMemoryBytes(redis.client);
    const nodesBefore = await readNodes(redis.client);
    // The served-from-cache share from traffic start (warmup included), for the cold-start metrics.
    const shares = new ShareSeries();

    const phaseAbort = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, phaseAbort.signal]) : phaseAbort.signal;
    const issue = createRequestIssuer({
      nextEntity: () => workload.keys.next(),
      nextFeatureSet: workload.nextFeatureSet,
      allSets: workload.allSets,
      router: fleet.route,
      replicas: fleet.byId,
      inFlight: fleet.inFlight,
      recorder,
      clock,
      onKeysExhausted: () => phaseAbort.abort(),
      judge: batch === null ? null : batch.judge,
      observe: capacity === null ? null : capacity.observe,
      onRecorded: (trace, endUs) => shares.record(trace, endUs),
    });
    const phase = (bound: ReturnType<typeof warmupBound>, name: 'warmup' | 'measure') =>
      runPhase({ load: scenario.load, bound, clock, signal, nextGapUs: workload.nextGapUs, recorder, issue, name, onProgress: options.onProgress });

    // warm: before the warmup phase (all of it, or progressive's blocking part).
    if (warming !== null) await warming.blocking(signal);
    // Shards start their traffic together (after shard 0's warming, if any), or fail with exit 3.
    if (shard !== null) {
      const startMs = await startBarrier(redis.client, { key: barrierKey, shard, timeoutMs: shard.timeoutMs, target: redis.url, signal, sleep: (ms) => clock.sleepMs(ms, signal) });
      // Every shard's result starts at the common start, so merge lines their timelines up.
      startedAt = new Date(startMs);
    }
    // Warmup fills the tiers; its requests are counted apart and the recorder is reset after it.
    const warmupStartUs = clock.nowUs();
    recorder.start(warmupStartUs);
    shares.start(warmupStartUs);
    const coldMarks: ColdStartMark[] = [{ cause: 'start', atUs: warmupStartUs, servingUs: warmupStartUs }];
    const warm = await phase(warmupBound(scenario), 'warmup');
    const warmup = { requests: warm.issued, durationMs: (clock.nowUs() - warmupStartUs) / 1000 };

    const cpuBefore = process.cpuUsage();
    const sourceBefore = source.stats();
    // Redis commands of the measured phase alone (warmup's are left out as its requests are).
    const commandsBefore = await commandCalls(dataNodes(redis.client)).catch(() => null);
    const measureStartUs = clock.nowUs();
    recorder.start(measureStartUs);
    capacity?.startCounting();
    batch?.startMeasuring(measureStartUs);
    warming?.startBackground(measureStartUs, signal);
    const events = scheduleEvents(scenario.events, {
      clock,
      startUs: measureStartUs,
      targets: eventTargets(fleet, source, redis, workload.hottest, scenario.featureSets.map((s) => s.name), (at, keys) =>
        recorder.markExpiry(at, keys, 'event'),
      clock, batch, (mark) => coldMarks.push(mark), measureStartUs),
    });
    const measured = signal.aborted ? null : await phase(measuredBound(scenario), 'measure');
    // A batch still writing when the phase ends never commits; pointer reads stop with the load.
    await batch?.stop();
    await events.stop();
    const endUs = clock.nowUs();
    const summary = recorder.finish(endUs);
    const shareSnapshot = shares.snapshot();
    const warmed = warming === null ? null : await warming.finish(summary.timeline.length);
    const cpu = process.cpuUsage(cpuBefore);
    const sourceAfter = source.stats();
    recorder.close();

    await closeReplicas();
    // After the replicas closed (no refresh still writing), before cleanup's own SCAN and DEL.
    const commands = commandsBefore === null ? null : await commandCalls(dataNodes(redis.client)).then((after) => commandDelta(commandsBefore, after), () => null);
    // The measurements are in memory now: nothing Redis does from here on may lose them.
    const shardCleanup = shard === null ? null : await shardEnd(redis, { key: barrierKey, shard, shared, signal: options.signal, clock, waitMs: endWaitMs });
    // Before cleanup, so each node's keys are the run's; a failover may have moved a master, and
    // this asks whichever nodes the client knows now.
    const nodesAfter = nodesBefore === null ? null : await readNodes(redis.client).catch(() => null);
    const finished = await finishRunKeys(redis.client, keyPrefix, { keep: keepKeys || shardCleanup !== null, waitMs: endWaitMs, written, feast });
    const redisAfter = finished.end;
    cleanup = keepKeys || shardCleanup === null ? finished.cleanup : shardCleanup;

    // Curves are an extra: a curve worker that died costs the result its capacity section, not the run.
    let capacityError: string | null = null;
    const capacityHistograms =
      capacity === null
        ? null
        : await capacity.histograms().catch((error: unknown) => {
            capacityError = `the miss-ratio curve worker failed (${error instanceof Error ? error.message : String(error)}): no curves; every other figure is whole`;
            return null;
          });
    const result = assembleResult({
      // A shard records the load it sent (its rate, its requests): merge adds them up.
      variant: shard === null ? variant : { ...variant, scenario },
      toolVersion: options.toolVersion,
      startedAt,
      partial: options.signal?.aborted === true,
      summary,
      measured,
      warmup,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      source: { calls: sourceAfter.calls - sourceBefore.calls, errors: sourceAfter.errors - sourceBefore.errors },
      events: events.fired,
      redis: {
        ...redisAfter,
        usedMemoryBefore,
        keyPrefix,
        keptKeys: keepKeys,
        cleanup,
        provisioned: redis,
        ...(nodesBefore === null ? {} : { nodes: nodeStats(nodesBefore, nodesAfter) }),
      },
      replicaPids: fleet.byId.map(() => process.pid),
      sourceEnv: built.kind === 'postgres' ? { kind: 'postgres', url: built.url, serverVersion: built.serverVersion, client: built.clientVersion, table: built.table } : null,
      batch: batch?.results() ?? null,
      capacity: capacityHistograms,
      coldStarts: coldStartsOf(shareSnapshot, coldMarks, endUs, measureStartUs),
      coldStartSeries: coldStartSeriesOf(shareSnapshot, endUs, measureStartUs),
    });
    if (shard !== null) result.shard = { index: shard.index, count: shard.count };
    if (commands !== null) result.redis.commands = commands;
    if (capacityError !== null) result.capacityError = capacityError;
    implementation.describe(result);
    if (warmed !== null) {
      result.warming = warmed.result;
      result.timeline.forEach((bucket, i) => (bucket.warmedKeys = warmed.perBucket[i] ?? 0));
    }
    return result;
  } finally {
    // Also on failure and Ctrl-C: no background refresh left running, no keys left behind.
    await capacity?.close();
    await closeReplicas();
    await warming?.finish(0).catch(() => undefined);
    await warming?.close();
    await built?.close();
    // A failing shard leaves the group's keys: the other shards may still be reading them.
    if (cleanup === null && shard === null) await cleanupRunKeys(redis.client, keyPrefix, { keep: keepKeys, waitMs: 0, written, feast });
    await redis.close();
  }
}

/**
 * Where the batch job writes a snapshot. The simulated store commits by moving its current
 * version, so readers see all of it at once; PostgreSQL writes the version's rows in a transaction
 * held open until the commit, and readers move to it once it is committed.
 */
/**
 * The end of a shard's run: it marks itself done, and the shared keys are deleted only once every
 * shard is: by shard 0 (the group's prefix), or in the shared layout by each shard (the keys it
 * wrote). Null when this shard cleans up as usual; otherwise the cleanup outcome it reports.
 */
async function shardEnd(
  redis: ProvisionedRedis,
  options: { key: string; shard: ShardRun; shared: boolean; signal: AbortSignal | undefined; clock: Clock; waitMs: number },
): Promise<CleanupOutcome | null> {
  const { shard } = options;
  const label = `shard ${shard.index}/${shard.count}`;
  if (!(await whenReady(redis.client, options.waitMs))) return { status: 'skipped', reason: `${label}: Redis not reachable at the end (connection ${redis.client.status})` };
  const cleansUp = options.shared || shard.index === 0;
  let allDone: boolean;
  try {
    allDone = await endBarrier(redis.client, {
      key: options.key,
      shard,
      timeoutMs: shard.timeoutMs,
      target: redis.url,
      waitForAll: cleansUp,
      signal: options.signal,
      sleep: (ms) => options.clock.sleepMs(ms, options.signal),
    });
    // The shared layout's barrier keys are left to expire (their TTL): a shard still polling them
    // must not see them vanish, and a group is used once anyway.
  } catch (error) {
    return { status: 'skipped', reason: `${label}: the end barrier failed (${(error as Error).message})` };
  }
  if (!cleansUp) return { status: 'skipped', reason: `${label}: shard 0 deletes the run's keys once every shard is done` };
  if (!allDone) return { status: 'skipped', reason: `${label}: not every shard had finished (or the run was interrupted), so the shared keys were left in place` };
  return null;
}

function beginSnapshotOf(built: BuiltSource): BeginSnapshot {
  if (built.kind === 'simulated') {
    const { source } = built;
    return (set, version) => ({ commit: () => source.setVersion(set, version), rollback: () => undefined });
  }
  const { source } = built;
  return async (set, version, fromVersion) => {
    const open = await source.beginSnapshot(set, version, fromVersion);
    return {
      async commit() {
        await open.commit();
        source.setVersion(set, version);
      },
      rollback: () => open.rollback(),
    };
  };
}

function eventTargets(
  fleet: ReplicaFleet,
  source: SimulatedSource,
  redis: ProvisionedRedis,
  hottest: (top: number) => string[],
  allSets: readonly string[],
  markExpiry: (atUs: number, keys: string[]) => void,
  clock: Clock,
  batch: BatchRuntime | null,
  markColdStart: (mark: ColdStartMark) => void,
  measureStartUs: number,
): EventTargets {
  return {
    async expireHot(top, featureSet, expiry) {
      const sets = featureSet === undefined ? allSets : [featureSet];
      const [first, ...others] = fleet.current().replicas;
      const expire = (entity: string, set: string) => (expiry === 'soft' ? first!.softExpireKeys(entity, set) : first!.deleteKeys(entity, set));
      const targets = hottest(top).flatMap((entity) => sets.map((set) => ({ entity, set })));
      // The episode opens before the first key is touched: a request that meets an expired key
      // while later ones are still being expired belongs to this event, not to an earlier one. A
      // request that still saw an old value is a hit, which an event episode does not count, and
      // one that started before this instant is not counted at all.
      markExpiry(clock.nowUs(), targets.map(({ entity, set }) => first!.keyFor(entity, set)));
      const keys = await Promise.all(targets.map(({ entity, set }) => expire(entity, set)));
      for (const replica of others) for (const key of keys) replica.evictLocal(key);
      return keys;
    },
    flushLocal: () => fleet.current().replicas.forEach((r) => r.invalidateLocal()),
    deploy: deployTarget(fleet, clock, measureStartUs, markColdStart),
    setSourceLatencyFactor: (factor) => source.setLatencyFactor(factor),
    setSourceErrorRate: (rate) => source.setErrorRate(rate),
    batchPublish(event, record) {
      if (batch === null) throw new Error('batch-publish without the batch runtime');
      return batch.publish(event, record);
    },
    batchRollback(event, record) {
      batch?.rollback(event, record);
    },
    async pauseRedis(ms) {
      await redis.client.call('CLIENT', 'PAUSE', String(Math.round(ms)), 'ALL');
    },
  };
}
