import { computeCost, type CostInput, type CostPrices } from '../cost/cost-model.js';
import type { CapacityResult, CostBySizePoint } from '../results/result-types.js';
import type { CapacityHistograms } from './capacity-tracker.js';
import type { DistanceHistogram } from './distance-histogram.js';
import { curvePoints, sizesFor } from './miss-ratio-curve.js';

/**
 * `capacity` of a result, from the run's curves and measurements. Pure.
 *
 * Cost against Redis size: at Redis size R the source is read by the Redis lookups R misses,
 * `redis.lookups x missRatio_redis(R)`, and Redis holds R keys of `redis.bytesPerKey`; both go
 * through the cost model as the run's own figures do, projected to `cost.productionRps` (or the
 * achieved rate), where node count makes memory cost something. The cheapest R is the lowest
 * cost per hour. The local tier has no price in the cost model, so its size moves no cost term.
 */
export interface CapacityInputs {
  histograms: CapacityHistograms;
  /** Mean encoded bytes per value (`payload.encodedBytes`): a local entry's size. */
  valueBytes: number;
  /** `redis.bytesPerKey` when measured, else the value bytes. */
  redisBytesPerKey: number;
  /** `cascade.local.maxEntries` (per replica). */
  localEntries: number;
  /** Keys in Redis at the end (`redis.keys`), marked on the Redis curve when known. */
  redisKeys: number | null;
  cost: { input: CostInput; prices: CostPrices; redisLookups: number };
}

export function capacityResult(inputs: CapacityInputs): CapacityResult {
  const { histograms: h } = inputs;
  const local = h.local;
  const redisCurve = curvePoints(h.redis, inputs.redisBytesPerKey, { include: inputs.redisKeys === null ? [] : [inputs.redisKeys] });
  const costBySize = costAgainstRedisSize(h.redis, redisCurve.map((p) => p.entries), inputs);
  const cheapest = costBySize.reduce<CostBySizePoint | null>((best, p) => (best === null || p.costPerHour < best.costPerHour ? p : best), null);
  return {
    method: h.method,
    sampleRate: h.sampleRate,
    mrc: {
      local: local === null ? null : curvePoints(local, inputs.valueBytes, { include: [inputs.localEntries] }),
      redis: redisCurve,
    },
    sizeFor: {
      local: local === null ? null : sizesFor(local, inputs.valueBytes),
      redis: sizesFor(h.redis, inputs.redisBytesPerKey),
    },
    configured: {
      localEntries: inputs.localEntries,
      localHitRatio: local === null || local.total === 0 ? null : round6(local.hitsAt(inputs.localEntries) / local.total),
    },
    costBySize,
    cheapest,
  };
}

function costAgainstRedisSize(redis: DistanceHistogram, sizes: readonly number[], inputs: CapacityInputs): CostBySizePoint[] {
  const { input, prices, redisLookups } = inputs.cost;
  const productionRps = prices.productionRps ?? input.achievedRps;
  if (!(productionRps > 0) || input.requests === 0) return [];
  return sizes.map((entries) => {
    const sourceCalls = redisLookups * redis.missRatioAt(entries);
    const cost = computeCost({ ...input, sourceCalls, redisKeys: entries, redisBytesPerKey: inputs.redisBytesPerKey }, { ...prices, productionRps });
    const projection = cost.projection!;
    return {
      redisEntries: entries,
      redisBytes: Math.round(entries * inputs.redisBytesPerKey),
      redisNodes: projection.redisNodes,
      sourceCallsPer1k: round6((sourceCalls / input.requests) * 1000),
      per1kInferences: cost.per1kInferences,
      costPerHour: projection.costPerHour,
    };
  });
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
