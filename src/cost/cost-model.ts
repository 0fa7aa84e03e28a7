import { badInput } from '../errors.js';
import type { CostProjection, ResultDocument } from '../results/result-types.js';

/**
 * Cost per 1,000 inferences (USD) and its projection to production traffic. Pure arithmetic on
 * the run's measurements and the scenario's prices; every formula is written out below.
 *
 * Per 1k inferences (one inference = one request):
 *
 *     source  = (sourceCalls / requests) * 1000 * sourcePerMillionReads / 1e6
 *     redis   = redisNodePerHour / (3600 * achievedRps) * 1000        (one node, apportioned by throughput)
 *     compute = computePerVcpuHour * vcpus / (3600 * achievedRps) * 1000
 *     per1kInferences        = source + redis + compute
 *     noCachePer1kInferences = 1000 * sourcePerMillionReads / 1e6 + compute   (every request reads the source)
 *
 * Projection to `productionRps` (when given):
 *
 *     originQps        = productionRps * sourceCalls / requests
 *     redisMemoryBytes = redisKeys * redisBytesPerKey
 *     redisNodes       = max(1, ceil(redisMemoryBytes / (0.75 * redisNodeMemory)))
 *     computePerHour   = computePerVcpuHour * vcpus * productionRps / achievedRps   (CPU scales with traffic)
 *     costPerHour      = originQps * 3600 * sourcePerMillionReads / 1e6 + redisNodes * redisNodePerHour + computePerHour
 *     noCachePerHour   = productionRps * 3600 * sourcePerMillionReads / 1e6 + computePerHour
 *
 * Worked example: 600,000 requests in 300 s (achievedRps 2,000), 30,000 source calls, 0.5 vCPU,
 * prices 0.25 $/M reads, 0.226 $/node-hour, 0.04 $/vCPU-hour:
 * source = 0.05 * 1000 * 0.25 / 1e6 = 0.0000125; redis = 0.226 / 7,200,000 * 1000 = 0.0000313889;
 * compute = 0.02 / 7,200,000 * 1000 = 0.0000027778; per1kInferences = 0.0000466667;
 * noCachePer1kInferences = 0.00025 + 0.0000027778 = 0.0002527778.
 * At productionRps 5,000 with 100,000 keys of 2,000 B and 6 GiB nodes: originQps 250,
 * 200 MB -> 1 node, computePerHour = 0.04 * 0.5 * 2.5 = 0.05, costPerHour = 0.225 + 0.226 + 0.05
 * = 0.501, noCachePerHour = 4.5 + 0.05 = 4.55.
 */

/** Redis is sized to use at most this share of a node's memory (fragmentation, replication buffers, headroom). */
export const REDIS_MEMORY_HEADROOM = 0.75;

/** What the run measured. */
export interface CostInput {
  /** Requests in the measured phase. */
  requests: number;
  /** Source (feature-store) reads the run made: `tiers.source.calls`. */
  sourceCalls: number;
  /** Completed requests per second over the measured phase. */
  achievedRps: number;
  /** Bytes Redis used per key (`redis.bytesPerKey`). */
  redisBytesPerKey: number;
  /**
   * Distinct keys the run held in Redis (`redis.keys`): the run's key population, used as-is for the
   * projection. If production serves more distinct entities, scale this before calling.
   */
  redisKeys: number;
  /** vCPUs the serving process used: process CPU seconds / measured seconds. */
  vcpus: number;
}

/** Prices (USD) from the scenario's `cost` section. */
export interface CostPrices {
  /** USD per million source reads. */
  sourcePerMillionReads: number;
  /** USD per Redis node-hour. */
  redisNodePerHour: number;
  /** Memory of one Redis node, bytes. */
  redisNodeMemory: number;
  /** USD per vCPU-hour of serving compute. */
  computePerVcpuHour: number;
  /** Production requests per second to project to; no projection when absent. */
  productionRps?: number;
}

export type CostResult = ResultDocument['cost'];

function check(name: string, value: number | undefined, positive: boolean): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw badInput(`cost: ${name} must be a ${positive ? 'positive' : 'non-negative'} number, got ${String(value)}`);
  }
}

/**
 * Applies the formulas above. With no requests or no throughput the per-request shares are
 * undefined; they are reported as 0 (nothing was served, so nothing is apportioned).
 * Throws `bad-input` for negative or non-finite figures and a non-positive node memory.
 */
export function computeCost(input: CostInput, prices: CostPrices): CostResult {
  for (const [name, value] of Object.entries(input)) check(name, value as number, false);
  check('sourcePerMillionReads', prices.sourcePerMillionReads, false);
  check('redisNodePerHour', prices.redisNodePerHour, false);
  check('computePerVcpuHour', prices.computePerVcpuHour, false);
  check('redisNodeMemory', prices.redisNodeMemory, true);
  check('productionRps', prices.productionRps, false);

  const sourceCallsPerRequest = input.requests > 0 ? input.sourceCalls / input.requests : 0;
  const requestHoursPer1k = input.achievedRps > 0 ? 1000 / (3600 * input.achievedRps) : 0;
  const sourceReadPrice = prices.sourcePerMillionReads / 1e6;

  const source = sourceCallsPerRequest * 1000 * sourceReadPrice;
  const redis = prices.redisNodePerHour * requestHoursPer1k;
  const compute = prices.computePerVcpuHour * input.vcpus * requestHoursPer1k;

  return {
    per1kInferences: source + redis + compute,
    breakdown: { source, redis, compute },
    noCachePer1kInferences: 1000 * sourceReadPrice + compute,
    projection: prices.productionRps === undefined ? null : project(input, prices, prices.productionRps, sourceCallsPerRequest),
  };
}

function project(input: CostInput, prices: CostPrices, productionRps: number, sourceCallsPerRequest: number): CostProjection {
  const originQps = productionRps * sourceCallsPerRequest;
  const redisMemoryBytes = input.redisKeys * input.redisBytesPerKey;
  const redisNodes = Math.max(1, Math.ceil(redisMemoryBytes / (REDIS_MEMORY_HEADROOM * prices.redisNodeMemory)));
  const trafficScale = input.achievedRps > 0 ? productionRps / input.achievedRps : 0;
  const computePerHour = prices.computePerVcpuHour * input.vcpus * trafficScale;
  const readsPerHourPrice = 3600 * (prices.sourcePerMillionReads / 1e6);
  return {
    productionRps,
    originQps,
    redisMemoryBytes,
    redisNodes,
    costPerHour: originQps * readsPerHourPrice + redisNodes * prices.redisNodePerHour + computePerHour,
    noCachePerHour: productionRps * readsPerHourPrice + computePerHour,
  };
}
