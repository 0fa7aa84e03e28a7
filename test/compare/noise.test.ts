import { describe, expect, it } from 'vitest';
import { bootstrapMedianDifference, median } from '../../src/compare/bootstrap.js';
import { compareResults } from '../../src/compare/compare-results.js';
import { seededNormal, synthetic } from './synthetic.js';

const METRIC = 'cost.per1kInferences'; // open loop default: tolerance +25%, minimum effect +10%

/** `n` trials whose metric is 100 x (1 + shift) with `noise` relative standard deviation. */
function trials(n: number, shift: number, noise: number, seed: number, side: string) {
  const z = seededNormal(seed);
  return Array.from({ length: n }, (_, i) => synthetic({ [METRIC]: 100 * (1 + shift) * (1 + noise * z()) }, {}, `${side}-${i}.json`));
}

function verdictOf(shift: number, seed: number, n = 5, noise = 0.1) {
  const comparison = compareResults(trials(n, 0, noise, seed, 'base'), trials(n, shift, noise, seed + 1000, 'cand'), { metrics: [METRIC] });
  return comparison.variants[0]!.metrics.find((m) => m.metric === METRIC)!;
}

describe('median and the bootstrap interval', () => {
  it('median: odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('is deterministic: the same inputs give the same interval', () => {
    const a = bootstrapMedianDifference([1, 2, 3, 4], [2, 3, 4, 5], { label: 'm' });
    expect(bootstrapMedianDifference([1, 2, 3, 4], [2, 3, 4, 5], { label: 'm' })).toEqual(a);
    expect(a.estimate).toBe(1);
    expect(a.low).toBeLessThanOrEqual(a.estimate);
    expect(a.high).toBeGreaterThanOrEqual(a.estimate);
  });

  it('with 3 a side the interval excludes 0 exactly when the ranges do not overlap', () => {
    expect(bootstrapMedianDifference([10, 11, 12], [13, 14, 15]).low).toBeGreaterThan(0);
    expect(bootstrapMedianDifference([10, 11, 14], [13, 14, 15]).low).toBeLessThanOrEqual(0);
  });
});

/**
 * Rates over 100 seeded repetitions, not one lucky draw: medians of a few noisy trials are noisy
 * themselves. Measured with this method (README): 5 trials a side catch a 30% shift ~84% of the
 * time and 10 a side ~99%; a 2% shift is flagged ~4% of the time either way.
 */
describe('the noise method on synthetic trials (10 a side, 10% noise)', () => {
  const seeds = Array.from({ length: 100 }, (_, i) => i + 1);
  const regressions = (shift: number) => seeds.map((seed) => verdictOf(shift, seed, 10)).filter((v) => v.verdict === 'regressed').length;

  it('a 2% shift passes (at most 5 of 100 repetitions flag it)', () => {
    expect(regressions(0.02)).toBeLessThanOrEqual(5);
    expect(verdictOf(0.02, 1, 10).method).toBe('bootstrap');
  });

  it('a 30% shift fails (at least 95 of 100 repetitions), and says the bootstrap decided', () => {
    expect(regressions(0.3)).toBeGreaterThanOrEqual(95);
    const v = verdictOf(0.3, 1, 10);
    expect(v.why).toMatch(/^bootstrap: 95% CI of the median difference \[.+\] \(10 vs 10 results\) is clearly worse/);
    expect(v.interval![0]).toBeGreaterThan(0);
  });

  it('no shift at all is almost never flagged', () => {
    expect(regressions(0)).toBeLessThanOrEqual(3);
  });

  it('a clear shift smaller than the minimum effect passes', () => {
    // 5% shift with 0.5% noise: statistically clear, but below the +10% minimum effect.
    const v = verdictOf(0.05, 7, 5, 0.005);
    expect(v.interval![0]).toBeGreaterThan(0);
    expect(v.verdict).toBe('ok');
    expect(v.why).toMatch(/clearly worse, but .* is within the minimum effect \+10%/);
  });

  it('with 2 trials a side the tolerance decides and says there were too few for the statistic', () => {
    const v = verdictOf(0.3, 3, 2, 0.01);
    expect(v.method).toBe('tolerance');
    expect(v.verdict).toBe('regressed');
    expect(v.why).toContain('2 vs 2 results: too few for the statistic');
  });
});
