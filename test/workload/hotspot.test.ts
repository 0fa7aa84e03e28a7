import { describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { HotspotSampler } from '../../src/workload/hotspot.js';
import { createRng } from '../../src/workload/rng.js';

describe('HotspotSampler', () => {
  it('sends hotShare of requests to the first hotFraction of keys, uniform within groups', () => {
    const sampler = new HotspotSampler(1000, 0.1, 0.9);
    expect(sampler.hotCount).toBe(100);
    const rng = createRng(11);
    const samples = 200_000;
    const counts = new Array<number>(1000).fill(0);
    for (let i = 0; i < samples; i++) counts[sampler.next(rng)]! += 1;
    const hot = counts.slice(0, 100).reduce((a, b) => a + b, 0);
    const sigma = Math.sqrt(samples * 0.9 * 0.1);
    expect(Math.abs(hot - samples * 0.9)).toBeLessThan(4.5 * sigma);
    // Uniform within each group: chi-square of the hot keys (df 99, p = 0.001 critical 148.2).
    const perHot = hot / 100;
    const chiHot = counts.slice(0, 100).reduce((s, c) => s + (c - perHot) ** 2 / perHot, 0);
    expect(chiHot).toBeLessThan(148.2);
    expect(Math.min(...counts.slice(100))).toBeGreaterThan(0);
    expect(Math.max(...counts.slice(100))).toBeLessThan(Math.min(...counts.slice(0, 100)));
  });

  it('serves only hot keys when every key is hot or hotShare is 1', () => {
    const rng = createRng(1);
    const allHot = new HotspotSampler(50, 1, 0.2);
    const onlyHot = new HotspotSampler(50, 0.2, 1);
    for (let i = 0; i < 10_000; i++) {
      expect(allHot.next(rng)).toBeLessThan(50);
      expect(onlyHot.next(rng)).toBeLessThan(10);
    }
  });

  it('keeps at least one hot key and validates its options', () => {
    expect(new HotspotSampler(10, 0.001, 0.5).hotCount).toBe(1);
    expect(() => new HotspotSampler(10, 0, 0.5)).toThrow(FcbenchError);
    expect(() => new HotspotSampler(10, 0.5, 1.5)).toThrow(/hotShare/);
    expect(() => new HotspotSampler(0, 0.5, 0.5)).toThrow(/entities/);
  });
});
