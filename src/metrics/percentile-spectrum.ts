import { decodeHistogram } from './histogram.js';

/** One point of a percentile spectrum. */
export interface PercentilePoint {
  /** 0..100; 100 is the maximum. */
  percentile: number;
  /** Latency at that percentile, ms. */
  valueMs: number;
}

/**
 * The log "nines" grid: 0, 50, 75, then 90, 95, 99, 99.5, 99.9, 99.95, ... (a 1 and a 5 step per
 * decade of 1 - p), as long as at least one sample lies beyond the percentile, then 100 (the
 * maximum). Stopping there keeps the curve honest: p99.99 of 1,000 samples is just the max.
 */
export function spectrumPercentiles(count: number): number[] {
  if (count <= 0) return [];
  const grid = [0, 50, 75];
  for (let decade = 1; decade <= 15; decade++) {
    const tail = 10 ** -decade;
    for (const fraction of [tail, tail / 2]) {
      // fraction of samples above this percentile; need at least one sample there
      if (fraction * count < 1) return [...grid, 100];
      grid.push(roundPercentile(100 * (1 - fraction)));
    }
  }
  return [...grid, 100];
}

/** Removes float noise like 99.94999999999999 so the grid prints as written. */
function roundPercentile(p: number): number {
  return Math.round(p * 1e12) / 1e12;
}

/**
 * Percentile spectrum of a stored histogram (`LatencySummary.hdr`) on the nines grid of
 * `spectrumPercentiles`. Returns [] for '' or an empty histogram; throws `bad-input` for text that
 * is not an HDR histogram.
 */
export function percentileSpectrum(encoded: string): PercentilePoint[] {
  if (encoded === '') return [];
  const histogram = decodeHistogram(encoded);
  try {
    return spectrumPercentiles(histogram.count).map((percentile) => ({
      percentile,
      valueMs: (percentile === 100 ? histogram.maxUs : histogram.valueAtPercentileUs(percentile)) / 1000,
    }));
  } finally {
    histogram.destroy();
  }
}
