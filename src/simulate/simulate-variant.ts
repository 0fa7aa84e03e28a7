import { performance } from 'node:perf_hooks';
import { assembleResult } from '../load/assemble-result.js';
import { buildWorkload } from '../load/build-workload.js';
import { createFeatureSetIndexPicker } from '../load/feature-set-picker.js';
import { measuredBound, warmupBound } from '../load/phase.js';
import { DEFAULT_RECORDER_OPTIONS, type MetricsSnapshot } from '../metrics/recorder.js';
import type { ResultDocument } from '../results/result-types.js';
import type { ScenarioVariant } from '../scenario/load.js';
import { createIndexChooser } from '../workload/key-chooser.js';
import { buildSimContext, indexRouter } from './build-sim.js';
import { SimEngine } from './engine.js';
import { defaultLatencies, type SimLatencies } from './latency-models.js';
import { SimCascade } from './sim-cascade.js';
import { SimRecorder } from './sim-recorder.js';
import { scheduleSimEvents } from './sim-events.js';

export interface SimulateOptions {
  /** Folder of the scenario file (trace files are relative to it). */
  scenarioDir: string;
  toolVersion: string;
  /** Redis and codec latencies (`--latency-from`). @default defaultLatencies() */
  latencies?: SimLatencies | undefined;
  /** Called between the phases with the recorder's figures. */
  onProgress?: ((phase: 'warmup' | 'measure', snapshot: MetricsSnapshot) => void) | undefined;
  /**
   * Count plain Redis hits in batches (`RedisHitBatch`) rather than record each as a trace: the
   * same result, faster. Off only to test that it is the same. @default true
   */
  countRedisHits?: boolean | undefined;
}

/** Redis' fixed cost per key with a TTL: object header 16 B, dict entry 24 B, expires-dict entry 24 B. */
export const REDIS_KEY_OVERHEAD_BYTES = 64;

/** jemalloc's size class of an allocation of `n` bytes (8, 16, 32, 48 ... then 4 classes per doubling). */
export function jemallocClass(n: number): number {
  if (n <= 8) return 8;
  if (n <= 128) return Math.ceil(n / 16) * 16;
  const step = 2 ** (Math.ceil(Math.log2(n)) - 3);
  return Math.ceil(n / step) * step;
}

/** What MEMORY USAGE would say of a string key: value and key as sds (3 B header) in their size classes, plus the fixed cost. */
export function redisBytesPerKey(valueBytes: number, keyBytes: number): number {
  return jemallocClass(Math.round(valueBytes) + 3) + jemallocClass(keyBytes + 3) + REDIS_KEY_OVERHEAD_BYTES;
}

/**
 * One variant on virtual time, no Redis. Reads as its steps: build the workload (the run's own
 * streams) -> build the simulated cascade -> warm up -> reset the recorder -> measured phase with
 * events -> summarise -> the result document, through the run's own assembleResult.
 */
export function simulateVariant(variant: ScenarioVariant, options: SimulateOptions): ResultDocument {
  const scenario = variant.scenario;
  const startedAt = new Date();
  const wallStartMs = performance.now();
  const cpuBefore = process.cpuUsage();
  const latencies = options.latencies ?? defaultLatencies();
  const keyPrefix = `${scenario.cascade.redis.keyPrefix}:sim`;
  const workload = buildWorkload(scenario, options.scenarioDir);
  const chooser = createIndexChooser(workload.distribution, scenario.keys.entities, scenario.seed, {
    rng: workload.root.fork('keys'),
    ...(workload.trace ? { trace: workload.trace } : {}),
  });
  const ctx = buildSimContext(scenario, workload, chooser, latencies, keyPrefix);
  const recorder = new SimRecorder(ctx.sets.length * ctx.entities);
  const batch = recorder.localHitBatch(scenario.cascade.replicas, latencies.localHitUs);
  const redisHits = options.countRedisHits === false ? null : recorder.redisHitBatch(scenario.cascade.replicas, ctx.local.enabled);
  const engine = new SimEngine({
    ctx,
    cascade: new SimCascade(ctx),
    chooser,
    pickSet: createFeatureSetIndexPicker(scenario.featureSets, workload.root.fork('feature-sets')),
    route: indexRouter(scenario, workload, chooser),
    allSets: scenario.request.featureSets === 'all',
    load: scenario.load,
    nextGapUs: workload.nextGapUs,
    recorder,
    batch,
    redisHits,
    timelineBucketMs: DEFAULT_RECORDER_OPTIONS.timelineBucketMs,
  });
  try {
    // Warmup fills the tiers; what it recorded is dropped when the measured phase starts.
    recorder.start(0);
    engine.startRecording(0);
    const warm = engine.run(warmupBound(scenario), 0);
    engine.drain(warm.endUs);
    options.onProgress?.('warmup', recorder.snapshot());

    const measureStartUs = warm.endUs;
    recorder.start(measureStartUs);
    engine.startRecording(measureStartUs);
    const sourceCallsBefore = ctx.source.calls;
    const sourceErrorsBefore = ctx.source.errors;
    const events = scheduleSimEvents(scenario.events, measureStartUs, { ctx, chooser, recorder, episodeKeys: engine.episodeKeys });
    const measured = warm.exhausted ? { issued: 0, dropped: 0, startUs: measureStartUs, endUs: measureStartUs, exhausted: true } : engine.run(measuredBound(scenario), measureStartUs);
    engine.drain(measured.endUs);
    const summary = recorder.finish(measured.endUs);
    options.onProgress?.('measure', recorder.snapshot());
    const wallMs = performance.now() - wallStartMs;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;

    const endMs = measured.endUs / 1000;
    const keys = ctx.sets.reduce((sum, set) => sum + set.redis.liveKeys(endMs), 0);
    const bytesPerKey = keys === 0 ? null : meanStoredBytes(ctx.sets);
    const warnings = [...events.warnings, 'redis.bytesPerKey and redis.usedMemoryAfter are estimates (mean encoded value and key in jemalloc size classes + 64 B per key), not MEMORY USAGE'];
    return assembleResult({
      variant,
      toolVersion: options.toolVersion,
      startedAt,
      partial: false,
      summary,
      measured: { issued: measured.issued, dropped: measured.dropped, startUs: measured.startUs, endUs: measured.endUs, abandoned: 0 },
      warmup: { requests: warm.issued, durationMs: (warm.endUs - warm.startUs) / 1000 },
      cpuSeconds: engine.cpuBusyUs / 1e6,
      source: { calls: ctx.source.calls - sourceCallsBefore, errors: ctx.source.errors - sourceErrorsBefore },
      events: events.fired,
      redis: {
        usedMemoryBefore: 0,
        usedMemoryAfter: bytesPerKey === null ? 0 : Math.round(keys * bytesPerKey),
        keys,
        bytesPerKey,
        keyPrefix,
        keptKeys: false,
        provisioned: null,
        cleanup: null,
      },
      replicaPids: ctx.replicas.map(() => process.pid),
      simulation: {
        requestsPerSecond: engine.simulated / (wallMs / 1000),
        virtualDurationMs: measured.endUs / 1000,
        wallMs,
        cpuMs,
        requestsPerCpuSecond: engine.simulated / (cpuMs / 1000),
        latencyFrom: latencies.origin,
        warnings,
      },
    });
  } finally {
    recorder.close();
    batch.destroy();
  }
}

/** {@link redisBytesPerKey} of the mean value with a typical key (prefix and a 6-character id), averaged over the sets. */
function meanStoredBytes(sets: readonly { encodedBytes: number; keyPrefix: string }[]): number {
  const perSet = sets.map((set) => redisBytesPerKey(set.encodedBytes, set.keyPrefix.length + 6));
  return perSet.reduce((a, b) => a + b, 0) / perSet.length;
}
