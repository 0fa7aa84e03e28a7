import { percentileSpectrum } from '../metrics/percentile-spectrum.js';
import type { LatencySummary } from '../results/result-types.js';

/** One point of a percentile spectrum, placed on the chart's "nines" axis. */
export interface SpectrumPoint {
  /** 0..100; 100 is the maximum. */
  percentile: number;
  /** -log10(1 - percentile/100): 1 = p90, 2 = p99, 3 = p99.9. The x coordinate of the chart. */
  nines: number;
  /** Latency at that percentile, ms. */
  valueMs: number;
}

/**
 * The spectrum of a stored histogram (decoded here in Node at render time, so the page carries a
 * few points per curve, not the histogram), with each percentile mapped onto the nines axis. The
 * maximum (percentile 100) has no finite nines; it is drawn where the last sample sits,
 * log10(count), i.e. the percentile one sample short of everything — never left of the point before.
 * Returns [] for an empty histogram; throws `bad-input` for text that is not an HDR histogram.
 */
export function spectrumOf(summary: Pick<LatencySummary, 'hdr' | 'count'>): SpectrumPoint[] {
  const points = percentileSpectrum(summary.hdr);
  const out: SpectrumPoint[] = [];
  let lastNines = 0;
  for (const p of points) {
    const nines = p.percentile >= 100 ? Math.max(Math.log10(Math.max(summary.count, 1)), lastNines) : -Math.log10(1 - p.percentile / 100);
    lastNines = nines;
    out.push({ percentile: p.percentile, nines, valueMs: p.valueMs });
  }
  return out;
}
