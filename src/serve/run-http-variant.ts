import { randomBytes } from 'node:crypto';
import { valueKey } from '../cascade/key-scheme.js';
import { systemClock, type Clock } from '../cascade/clock.js';
import { badInput } from '../errors.js';
import { assembleResult } from '../load/assemble-result.js';
import { buildWorkload } from '../load/build-workload.js';
import { scheduleEvents } from '../load/events.js';
import { replicaSlots } from '../load/replica-fleet.js';
import type { PhaseOutcome } from '../load/issuer.js';
import { measuredBound, warmupBound } from '../load/phase.js';
import { coldStartsOf, coldStartSeriesOf, type ColdStartMark } from '../metrics/cold-starts.js';
import { createRecorder, type MetricsSnapshot } from '../metrics/recorder.js';
import { ShareSeries } from '../metrics/share-series.js';
import { usedMemoryBytes } from '../redis/connect.js';
import { cleanupRunKeys, finishRunKeys, type CleanupOutcome, type RedisEndState } from '../redis/end-state.js';
import { provisionRedis, type ProvisionedRedis } from '../redis/provision.js';
import type { ResultDocument } from '../results/result-types.js';
import type { ScenarioVariant } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { createArrivals } from '../workload/arrivals.js';
import { createAutocannonDriver } from './autocannon-driver.js';
import { createHttpObserver } from './http-observer.js';
import type { VariantRunOptions } from '../load/run-variant.js';
import { httpEventTargets } from './http-event-targets.js';
import { httpResultParts, type HttpLoad } from './http-result.js';
import { builtinTarget, externalTarget } from './http-target.js';
import { createHttpDeploys, type HttpDeploys } from './http-deploy.js';
import { createOpenDriver, type HttpDriver } from './open-driver.js';
import { startReplicaSet, type ReplicaSet } from './replica-set.js';
import { createRequestPlan } from './request-plan.js';

/** The same options as an in-process run (`runVariant` hands them over as they are). */
export type HttpRunOptions = VariantRunOptions;

const PROGRESS_EVERY_MS = 1000;
/** Idle processes held for deploys (tens of MB each); a deploy needing more forks the rest at its event. */
const MAX_SPARE_PROCESSES = 16;
/** Events that missed a dead replica, listed in the result (a bound: one dead replica misses every later event). */
const MAX_UNREACHED = 50;

/**
 * `load.mode: http`, end to end: check the target (exit 2 before anything is sent) -> builtin:
 * provision Redis and start the replica processes -> drive warmup -> reset -> drive the measured
 * phase with events (a deploy forks a new generation and retires the old one, read before it stops)
 * -> read every replica's own figures -> stop the replicas -> measure and clean Redis -> one result
 * document, shaped like an in-process one, cold starts included.
 */
export async function runHttpVariant(variant: ScenarioVariant, options: HttpRunOptions): Promise<ResultDocument> {
  const scenario = variant.scenario;
  const load = scenario.load as HttpLoad;
  const clock = options.clock ?? systemClock;
  const startedAt = new Date();
  checkHttpScenario(scenario);
  // Before Redis, processes or sockets: a refused target never receives a byte.
  const external = load.target === 'builtin' ? null : externalTarget(load.target, load.allowRemote || options.allowRemote === true);
  const target = external ?? builtinTarget();
  const runId = randomBytes(4).toString('hex');
  // The shared layout (cascade.redis.shared) reads the prefix as given, e.g. what fcbench warm wrote.
  // The replicas' writes happen in their own processes and are not tracked, so such a run deletes
  // nothing: the promise is never to delete a key the run did not write.
  const shared = scenario.cascade.redis.shared;
  const keyPrefix = shared ? scenario.cascade.redis.keyPrefix : `${scenario.cascade.redis.keyPrefix}:${runId}`;
  const sharedCleanup = { status: 'skipped', reason: 'shared layout over HTTP: the replica processes do not report the keys they wrote, so none are deleted' } as const;
  const keepKeys = options.keepKeys === true || scenario.cascade.redis.keepKeys;

  let redis: ProvisionedRedis | null = null;
  let replicas: ReplicaSet | null = null;
  let driver: HttpDriver | null = null;
  let deploys: HttpDeploys | null = null;
  let cleanup: CleanupOutcome | null = null;
  try {
    if (external === null) {
      redis = await provisionRedis({
        url: options.redisUrl ?? scenario.cascade.redis.url,
        cluster: scenario.cascade.redis.cluster,
        env: options.env ?? process.env,
        allowRemote: scenario.cascade.redis.allowRemote,
        connectTimeoutMs: scenario.cascade.redis.connectTimeout,
        commandTimeoutMs: scenario.cascade.redis.commandTimeout,
        autoPipelining: scenario.cascade.redis.autoPipelining,
      });
      const connectUrl = redis.connectUrl;
      replicas = await startReplicaSet({
        count: scenario.cascade.replicas,
        // One idle process per replica the deploys will start (see README "Deploys and cold starts").
        spares: Math.min(MAX_SPARE_PROCESSES, replicaSlots(scenario.cascade.replicas, scenario.events) - scenario.cascade.replicas),
        config: (id) => ({ id, scenario, scenarioDir: options.scenarioDir, keyPrefix, runId, redisUrl: connectUrl }),
      });
    }
    const replicaCount = replicas?.replicas.length ?? 1;
    const workload = buildWorkload(scenario, options.scenarioDir);
    const plan = createRequestPlan(scenario, workload, external === null ? keyPrefix : '', replicaCount);
    const recorder = createRecorder();
    // The served-from-cache share from traffic start (warmup included), for the cold-start metrics.
    const shares = new ShareSeries();
    const observer = createHttpObserver(recorder, replicaCount, (trace, endUs) => shares.record(trace, endUs));
    const headers: Record<string, string> = { accept: load.accept === 'msgpack' ? 'application/msgpack' : 'application/json', ...lowerKeys(load.headers) };
    const driverOptions = {
      origins: external === null ? replicas!.replicas.map((r) => r.origin) : [external.origin],
      pathFor: target.pathFor,
      headers,
      connections: load.connections,
      pipelining: load.pipelining,
      timeoutMs: load.timeout,
      plan,
      observer,
      clock,
    };
    driver =
      load.driver === 'open'
        ? createOpenDriver({
            ...driverOptions,
            nextGapUs: bindGap(createArrivals(load.arrivals, load.rate!, workload.root.fork('arrivals'))),
            maxInFlight: load.maxInFlight,
            onDropped: (atUs) => recorder.recordDropped(atUs),
          })
        : createAutocannonDriver({ ...driverOptions, rate: load.rate });
    const activeDriver = driver;
    replicas?.onExit((replica) => activeDriver.replicaGone(replica.id));
    const usedMemoryBefore = redis === null ? 0 : await usedMemoryBytes(redis.client);
    const signal = options.signal ?? new AbortController().signal;

    const phase = async (name: 'warmup' | 'measure', bound: ReturnType<typeof warmupBound>): Promise<PhaseOutcome> => {
      if (bound.requests === 0 || bound.durationUs === 0 || signal.aborted) {
        const now = clock.nowUs();
        return { issued: 0, dropped: 0, startUs: now, endUs: now, abandoned: 0 };
      }
      const onProgress = options.onProgress;
      const timer = onProgress ? setInterval(() => onProgress(name, recorder.snapshot()), PROGRESS_EVERY_MS) : undefined;
      try {
        return await activeDriver.run(bound, signal);
      } finally {
        clearInterval(timer);
      }
    };

    const unreached: { event: string; replica: number; error: string }[] = [];
    const warmupStartUs = clock.nowUs();
    recorder.start(warmupStartUs);
    shares.start(warmupStartUs);
    const coldMarks: ColdStartMark[] = [{ cause: 'start', atUs: warmupStartUs, servingUs: warmupStartUs }];
    const warm = await phase('warmup', warmupBound(scenario));
    const warmup = { requests: warm.issued, durationMs: (clock.nowUs() - warmupStartUs) / 1000 };
    await replicas?.broadcast({ op: 'reset' });
    const measureStartUs = clock.nowUs();
    recorder.start(measureStartUs);
    observer.reset();
    deploys = replicas === null ? null : createHttpDeploys({ replicas, driver: activeDriver, plan, clock, measureStartUs, markColdStart: (mark) => coldMarks.push(mark) });
    const events =
      replicas === null
        ? scheduleEvents([], { clock, startUs: measureStartUs, targets: unreachableTargets() })
        : scheduleEvents(scenario.events, {
            clock,
            startUs: measureStartUs,
            targets: httpEventTargets({
              replicas,
              current: deploys!.current,
              deploy: deploys!.deploy,
              hottest: workload.hottest,
              allSets: scenario.featureSets.map((s) => s.name),
              markExpiry: (at, keys) => recorder.markExpiry(at, keys, 'event'),
              keyFor: (entity, set) => valueKey(keyPrefix, set, scenario.featureSets.find((s) => s.name === set)?.version ?? '', entity, scenario.cascade.redis.cluster !== undefined),
              nowUs: () => clock.nowUs(),
              pauseRedis: redis?.privateServer ? (ms) => redis!.client.call('CLIENT', 'PAUSE', String(Math.round(ms)), 'ALL').then(() => undefined) : null,
              onUnreached: (event, failures) => {
                for (const f of failures) if (unreached.length < MAX_UNREACHED) unreached.push({ event, replica: f.id, error: f.error });
              },
            }),
          });
    const measured = signal.aborted ? null : await phase('measure', measuredBound(scenario));
    await events.stop();
    const endUs = clock.nowUs();
    const summary = recorder.finish(endUs);
    const shareSnapshot = shares.snapshot();
    recorder.close();
    await driver.close();
    // A deploy's old generation is read and stopped once idle; the closed driver has nothing in flight.
    await deploys?.settle();
    // The replicas' own figures, read before they are stopped (retired ones: when they retired); a dead one answers null.
    const reports = replicas === null ? [] : await replicas.reports();
    await replicas?.stop();

    let redisEnd: RedisEndState = { usedMemoryAfter: null, keys: null, bytesPerKey: null, unavailableAtEnd: false };
    if (redis !== null) {
      const finished = await finishRunKeys(redis.client, keyPrefix, { keep: keepKeys || shared, waitMs: scenario.cascade.redis.connectTimeout });
      redisEnd = finished.end;
      cleanup = shared && !keepKeys ? sharedCleanup : finished.cleanup;
    }
    const parts = httpResultParts({ load, target, summary, reports, replicas: replicas?.replicas ?? null, observed: observer.info(), unreached, measureStartUs, retiredAt: deploys?.retiredAt() });
    const doc = assembleResult({
      variant,
      toolVersion: options.toolVersion,
      startedAt,
      partial: options.signal?.aborted === true,
      summary,
      measured,
      warmup,
      cpuSeconds: parts.cpuSeconds,
      source: parts.source,
      events: events.fired,
      redis: {
        ...redisEnd,
        usedMemoryBefore,
        keyPrefix: redis === null ? '' : keyPrefix,
        keptKeys: keepKeys,
        cleanup,
        provisioned: redis ?? { url: '', provisioned: 'url', serverVersion: 'n/a (external target)', serverMode: 'external', clientVersion: '' },
      },
      replicaPids: parts.pids,
      capacity: null,
      coldStarts: coldStartsOf(shareSnapshot, coldMarks, endUs, measureStartUs),
      coldStartSeries: coldStartSeriesOf(shareSnapshot, endUs, measureStartUs),
    });
    return parts.finish(doc);
  } finally {
    // Every exit path: no replica left running, no socket open, no keys left behind.
    await driver?.close();
    await deploys?.settle();
    await replicas?.stop();
    if (redis !== null) {
      if (cleanup === null && !shared) await cleanupRunKeys(redis.client, keyPrefix, { keep: keepKeys, waitMs: 0 });
      await redis.close();
    }
  }
}

/** What an HTTP run cannot do (yet), refused before anything starts (exit 2). */
function checkHttpScenario(scenario: Scenario): void {
  const batch = scenario.events.find((e) => e.kind === 'batch-publish' || e.kind === 'batch-rollback');
  if (batch !== undefined) throw badInput(`events: ${batch.kind} is not supported with load.mode http yet (run it in-process: load.mode open or closed)`);
  if (scenario.load.mode === 'http' && scenario.load.target !== 'builtin' && scenario.events.length > 0) {
    throw badInput(`events: an external load.target is not fcbench's to disturb; remove events[] or use target: builtin`);
  }
  if (scenario.load.mode === 'http' && scenario.load.driver === 'autocannon' && scenario.load.requests !== undefined && scenario.load.pipelining > 1) {
    throw badInput('load.requests with driver autocannon needs pipelining: 1');
  }
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function bindGap(arrivals: { nextGapUs(): number }): () => number {
  return () => arrivals.nextGapUs();
}

function unreachableTargets(): Parameters<typeof scheduleEvents>[1]['targets'] {
  const no = () => {
    throw new Error('no events with an external target');
  };
  return { expireHot: no, flushLocal: no, deploy: no, setSourceLatencyFactor: no, setSourceErrorRate: no, pauseRedis: no, batchPublish: no, batchRollback: no };
}
