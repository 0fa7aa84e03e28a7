import { describe, it, expect } from 'vitest';
import { createHistogram } from '../../src/metrics/histogram.js';
import { percentileSpectrum, spectrumPercentiles } from '../../src/metrics/percentile-spectrum.js';

describe('percentile spectrum', () => {
  it('uses the nines grid as far as the sample count supports, then the max', () => {
    expect(spectrumPercentiles(0)).toEqual([]);
    expect(spectrumPercentiles(1)).toEqual([0, 50, 75, 100]);
    expect(spectrumPercentiles(10)).toEqual([0, 50, 75, 90, 100]);
    expect(spectrumPercentiles(1000)).toEqual([0, 50, 75, 90, 95, 99, 99.5, 99.9, 100]);
    expect(spectrumPercentiles(2000)).toEqual([0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 100]);
  });

  it('samples the stored histogram in ms', () => {
    const h = createHistogram();
    for (let v = 1; v <= 1000; v++) h.record(v * 1000); // 1 ms .. 1000 ms
    const points = percentileSpectrum(h.encode());
    h.destroy();
    expect(points.map((p) => p.percentile)).toEqual([0, 50, 75, 90, 95, 99, 99.5, 99.9, 100]);
    const at = (p: number): number => points.find((x) => x.percentile === p)?.valueMs ?? NaN;
    expect(at(0)).toBeCloseTo(1, 2);
    expect(Math.abs(at(50) - 500) / 500).toBeLessThan(0.001);
    expect(Math.abs(at(99) - 990) / 990).toBeLessThan(0.001);
    expect(Math.abs(at(100) - 1000) / 1000).toBeLessThan(0.001);
    for (let i = 1; i < points.length; i++) expect(points[i]!.valueMs).toBeGreaterThanOrEqual(points[i - 1]!.valueMs);
  });

  it('returns [] for an empty histogram', () => {
    expect(percentileSpectrum('')).toEqual([]);
  });
});
