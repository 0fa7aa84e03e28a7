import { describe, it, expect } from 'vitest';
import { computeCost, type CostInput, type CostPrices } from '../../src/cost/cost-model.js';
import { FcbenchError } from '../../src/errors.js';

const GIB = 1024 ** 3;
const input: CostInput = { requests: 600_000, sourceCalls: 30_000, achievedRps: 2000, redisBytesPerKey: 2000, redisKeys: 100_000, vcpus: 0.5 };
const prices: CostPrices = { sourcePerMillionReads: 0.25, redisNodePerHour: 0.226, redisNodeMemory: 6 * GIB, computePerVcpuHour: 0.04 };

describe('cost model', () => {
  it('computes the worked example of the TSDoc', () => {
    const cost = computeCost(input, prices);
    expect(cost.breakdown.source).toBeCloseTo(0.0000125, 15);
    expect(cost.breakdown.redis).toBeCloseTo(0.226 / 7200, 15);
    expect(cost.breakdown.compute).toBeCloseTo(0.02 / 7200, 15);
    expect(cost.per1kInferences).toBeCloseTo(0.0000125 + 0.226 / 7200 + 0.02 / 7200, 15);
    expect(cost.noCachePer1kInferences).toBeCloseTo(0.00025 + 0.02 / 7200, 15);
    expect(cost.projection).toBeNull();
  });

  it('per1kInferences is exactly the sum of its breakdown', () => {
    const { per1kInferences, breakdown } = computeCost({ ...input, sourceCalls: 12_345, vcpus: 1.37 }, prices);
    expect(per1kInferences).toBe(breakdown.source + breakdown.redis + breakdown.compute);
  });

  it('projects to production traffic', () => {
    const cost = computeCost(input, { ...prices, productionRps: 5000 });
    expect(cost.projection).not.toBeNull();
    const p = cost.projection!;
    expect(p.productionRps).toBe(5000);
    expect(p.originQps).toBe(250);
    expect(p.redisMemoryBytes).toBe(200_000_000);
    expect(p.redisNodes).toBe(1);
    expect(p.costPerHour).toBeCloseTo(0.225 + 0.226 + 0.05, 12);
    expect(p.noCachePerHour).toBeCloseTo(4.5 + 0.05, 12);
  });

  it('adds Redis nodes when the key population needs more than 75% of a node', () => {
    const node = 1_000_000;
    const at = (bytes: number): number =>
      computeCost({ ...input, redisKeys: bytes, redisBytesPerKey: 1 }, { ...prices, redisNodeMemory: node, productionRps: 1 }).projection!.redisNodes;
    expect(at(0)).toBe(1);
    expect(at(750_000)).toBe(1);
    expect(at(750_001)).toBe(2);
    expect(at(3_000_000)).toBe(4);
  });

  it('reports per-request shares as 0 when nothing was served', () => {
    const cost = computeCost({ ...input, requests: 0, sourceCalls: 0, achievedRps: 0 }, { ...prices, productionRps: 100 });
    expect(cost.breakdown).toEqual({ source: 0, redis: 0, compute: 0 });
    expect(cost.per1kInferences).toBe(0);
    expect(cost.noCachePer1kInferences).toBeCloseTo(0.00025, 15);
    expect(cost.projection?.originQps).toBe(0);
  });

  it.each([
    ['requests', { ...input, requests: -1 }, prices],
    ['vcpus', { ...input, vcpus: Number.NaN }, prices],
    ['redisNodeMemory', input, { ...prices, redisNodeMemory: 0 }],
    ['sourcePerMillionReads', input, { ...prices, sourcePerMillionReads: Number.POSITIVE_INFINITY }],
    ['productionRps', input, { ...prices, productionRps: -5 }],
  ])('rejects a bad %s with bad-input', (name, badInputs, badPrices) => {
    try {
      computeCost(badInputs, badPrices);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FcbenchError);
      expect((error as FcbenchError).code).toBe('bad-input');
      expect((error as FcbenchError).message).toContain(name);
    }
  });

  it('does not mutate its arguments', () => {
    const i = structuredClone(input);
    const p = structuredClone({ ...prices, productionRps: 10 });
    computeCost(i, p);
    expect(i).toEqual(input);
    expect(p).toEqual({ ...prices, productionRps: 10 });
  });
});
