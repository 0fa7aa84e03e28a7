import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { buildPageData } from '../../src/report/page-data.js';
import { spectrumOf } from '../../src/report/spectrum.js';
import { makeResult } from './fixture.js';

function encoded(values: number[]): string {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  for (const v of values) h.recordValue(v);
  return hdr.encodeIntoCompressedBase64(h);
}

describe('spectrumOf', () => {
  it('places percentiles on the nines axis with values from the histogram', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => i + 1); // 1..10,000 µs
    const points = spectrumOf({ hdr: encoded(values), count: values.length });
    const at = (p: number) => points.find((point) => point.percentile === p);
    expect(at(90)?.nines).toBeCloseTo(1, 9);
    expect(at(99)?.nines).toBeCloseTo(2, 9);
    // 3 significant digits: within 0.1% of the exact quantile (ms).
    expect(at(50)?.valueMs).toBeCloseTo(5, 2);
    expect(Math.abs((at(99)?.valueMs ?? 0) - 9.9) / 9.9).toBeLessThan(0.001);
    const last = points.at(-1);
    expect(last?.percentile).toBe(100);
    expect(last?.valueMs).toBeCloseTo(10, 1);
    expect(last?.nines).toBeCloseTo(4, 9); // log10(10,000): where the last sample sits
    for (let i = 1; i < points.length; i++) {
      expect(points[i]!.nines).toBeGreaterThanOrEqual(points[i - 1]!.nines);
      expect(points[i]!.valueMs).toBeGreaterThanOrEqual(points[i - 1]!.valueMs);
    }
  });

  it('is empty for an empty histogram', () => {
    expect(spectrumOf({ hdr: '', count: 0 })).toEqual([]);
  });
});

describe('buildPageData', () => {
  it('carries one curve per non-empty tier and the timeline in seconds', () => {
    const result = makeResult({ requests: 2_000 });
    const data = buildPageData([result]);
    const r = data.results[0]!;
    expect(r.spectra.map((c) => c.label)).toEqual(['end to end', 'served by local', 'served by Redis', 'served by source']);
    expect(r.timeline.t).toHaveLength(60);
    expect(r.events.map((e) => e.atS)).toEqual([30, 45, 50]);
    expect(r.events[2]?.durationS).toBe(3);
    expect(data.compare).toBeNull();
  });

  it('overlays the end-to-end curves of every result when comparing', () => {
    const a = makeResult({ requests: 1_000 });
    const b = makeResult({ requests: 1_000, seed: 9, variant: 'b' });
    const data = buildPageData([a, b]);
    expect(data.compare?.map((c) => c.label)).toEqual([data.results[0]?.label, 'b']);
    expect(data.compare?.[1]?.points).toEqual(data.results[1]?.spectra[0]?.points);
  });

  it('survives a corrupt histogram by dropping that curve', () => {
    const result = makeResult({ requests: 1_000 });
    result.latency.byTier.redis.hdr = 'not-a-histogram';
    const labels = buildPageData([result]).results[0]!.spectra.map((c) => c.label);
    expect(labels).not.toContain('served by Redis');
    expect(labels).toContain('end to end');
  });
});
