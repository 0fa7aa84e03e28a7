import { evaluateThresholds } from '../compare/thresholds.js';
import { computeCost } from '../cost/cost-model.js';
import type { MetricsSummary } from '../metrics/recorder.js';
import type { ProvisionedRedis } from '../redis/provision.js';
import { redactSecrets } from '../redact.js';
import { capacityResult } from '../capacity/capacity-result.js';
import type { CapacityHistograms } from '../capacity/capacity-tracker.js';
import { machineInfo } from '../results/environment.js';
import {
  RESULT_SCHEMA_VERSION,
  type LocalInvalidationResult,
  type PublicationResult,
  type ResultDocument,
  type CapacityResult,
  type ColdStartResult,
  type ColdStartSeries,
  type ResultEvent,
  type SimulationResult,
  type SourceEnv,
} from '../results/result-types.js';
import type { ScenarioVariant } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import type { PhaseOutcome } from './issuer.js';

export interface ResultInputs {
  variant: ScenarioVariant;
  toolVersion: string;
  startedAt: Date;
  partial: boolean;
  summary: MetricsSummary;
  /** null when the run was stopped before the measured phase. */
  measured: PhaseOutcome | null;
  warmup: { requests: number; durationMs: number };
  /** Process CPU seconds over the measured phase (for the compute part of the cost). */
  cpuSeconds: number;
  /** Feature-store reads over the measured phase, background refreshes included (they cost too). */
  source: { calls: number; errors: number };
  events: ResultEvent[];
  /** `provisioned` is null for a simulation (no Redis: `env.redis` is left out). */
  redis: Omit<ResultDocument['redis'], 'cleanup'> & {
    provisioned: Pick<ProvisionedRedis, 'url' | 'provisioned' | 'serverVersion' | 'serverMode' | 'clientVersion'> | null;
    cleanup: ResultDocument['redis']['cleanup'] | null;
  };
  /** `fcbench simulate`: `load.mode` and `serving.mode` say simulated, and this is `simulation`. @default null */
  simulation?: SimulationResult | null;
  replicaPids: readonly number[];
  /** The miss-ratio curves' histograms (`metrics.mrc`); null when off. @default null */
  capacity?: CapacityHistograms | null;
  /** The PostgreSQL source's address and versions; null for the simulated source. @default null */
  sourceEnv?: SourceEnv | null;
  /** Batch publications and local-tier invalidation, when the scenario has batch events. */
  batch?: { publications: PublicationResult[]; localInvalidation: LocalInvalidationResult } | null;
  /** The run's start and each deploy (see metrics/cold-starts.ts). @default absent */
  coldStarts?: ColdStartResult[];
  coldStartSeries?: ColdStartSeries;
}

/** The result document from what the run measured: pure, so it is tested with numbers. */
export function assembleResult(input: ResultInputs): ResultDocument {
  const { variant, summary } = input;
  const scenario = variant.scenario;
  const load = scenario.load;
  const achievedRps = summary.throughput.achievedRps;
  const seconds = summary.durationMs / 1000;
  const requests = summary.requests.total;
  const tiers: ResultDocument['tiers'] = {
    ...summary.tiers,
    local: { ...summary.tiers.local, enabled: scenario.cascade.local.enabled },
    source: {
      calls: input.source.calls,
      errors: input.source.errors,
      callsPer1k: requests > 0 ? (input.source.calls / requests) * 1000 : 0,
    },
  };
  const doc: ResultDocument = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'fcbench', version: input.toolVersion },
    scenario: {
      name: scenario.name,
      ...(scenario.description === undefined ? {} : { description: scenario.description }),
      hash: variant.hash,
      variant: variant.label,
      assignments: variant.assignments,
      resolved: scenario,
    },
    seed: scenario.seed,
    startedAt: input.startedAt.toISOString(),
    durationMs: summary.durationMs,
    partial: input.partial,
    load: {
      mode: input.simulation == null ? load.mode : 'simulated',
      model: load.mode === 'http' ? 'closed' : load.mode,
      dropped: summary.load.dropped,
      scheduleLagP99: summary.load.scheduleLagP99,
      ...(load.mode === 'open' ? { rate: load.rate, arrivals: load.arrivals } : load.mode === 'closed' ? { concurrency: load.concurrency } : {}),
      warmup: input.warmup,
    },
    serving: {
      mode: input.simulation == null ? 'in-process' : 'simulated',
      routing: scenario.cascade.routing,
      replicas: summary.serving.replicas.map((r) => ({ ...r, pid: input.replicaPids[r.id] ?? process.pid })),
    },
    env: {
      ...machineInfo(),
      ...(input.redis.provisioned === null ? {} : { redis: redisEnv(input.redis.provisioned) }),
      ...(input.sourceEnv == null ? {} : { source: input.sourceEnv }),
    },
    requests: summary.requests,
    throughput: { offeredRps: load.mode === 'open' ? load.rate : achievedRps, achievedRps },
    latency: summary.latency,
    tiers,
    stampede: { strategy: scenario.stampede.strategy, ...summary.stampede },
    freshness: input.batch ? { ...summary.freshness, ...input.batch } : summary.freshness,
    // Under cascade.layout feast the codec is not what Redis holds: each feature is a feast.types.Value.
    payload: { ...summary.payload, ...(scenario.cascade.layout === 'feast' ? { format: 'feast-value-proto', compression: 'none' } : { format: scenario.codec.format, compression: scenario.codec.compression }) },
    redis: redisSection(input.redis),
    cost: computeCost(
      {
        requests,
        sourceCalls: input.source.calls,
        achievedRps,
        // Not measured when Redis was gone at the end: the projection then sizes Redis from nothing.
        redisBytesPerKey: input.redis.bytesPerKey ?? 0,
        redisKeys: input.redis.keys ?? 0,
        vcpus: seconds > 0 ? input.cpuSeconds / seconds : 0,
      },
      scenario.cost,
    ),
    timeline: summary.timeline,
    events: input.events,
    ...(input.coldStarts === undefined ? {} : { coldStarts: input.coldStarts }),
    ...(input.coldStartSeries === undefined ? {} : { coldStartSeries: input.coldStartSeries }),
    thresholds: [],
  };
  if (input.simulation != null) doc.simulation = input.simulation;
  if (input.capacity != null) doc.capacity = capacityOf(input.capacity, doc, scenario, input.cpuSeconds);
  doc.thresholds = evaluateThresholds(doc, scenario.thresholds);
  // Last step, over the whole document: a password in any URL of the resolved scenario (the file,
  // ${REDIS_URL}, --set, a matrix value) must not reach the file, the report or --json. The hash was taken
  // from the unredacted scenario and stays as it is (a sha256 gives nothing away).
  return redactSecrets(doc);
}

/** The curves read with the run's own sizes and prices (see capacity-result.ts). */
function capacityOf(histograms: CapacityHistograms, doc: ResultDocument, scenario: Scenario, cpuSeconds: number): CapacityResult {
  const valueBytes = doc.payload.encodedBytes;
  const seconds = doc.durationMs / 1000;
  return capacityResult({
    histograms,
    valueBytes,
    redisBytesPerKey: doc.redis.bytesPerKey ?? valueBytes,
    localEntries: scenario.cascade.local.maxEntries,
    redisKeys: doc.redis.keys,
    cost: {
      input: {
        requests: doc.requests.total,
        sourceCalls: doc.tiers.source.calls,
        achievedRps: doc.throughput.achievedRps,
        redisBytesPerKey: doc.redis.bytesPerKey ?? 0,
        redisKeys: doc.redis.keys ?? 0,
        vcpus: seconds > 0 ? cpuSeconds / seconds : 0,
      },
      prices: scenario.cost,
      redisLookups: doc.tiers.redis.lookups,
    },
  });
}

function redisEnv(provisioned: Pick<ProvisionedRedis, 'url' | 'provisioned' | 'serverVersion' | 'serverMode' | 'clientVersion'>): NonNullable<ResultDocument['env']['redis']> {
  return {
    version: provisioned.serverVersion,
    mode: provisioned.serverMode,
    url: provisioned.url,
    provisioned: provisioned.provisioned,
    client: provisioned.clientVersion,
  };
}

function redisSection({ provisioned: _provisioned, cleanup, ...section }: ResultInputs['redis']): ResultDocument['redis'] {
  return { ...section, ...(cleanup === null ? {} : { cleanup }) };
}
