import type { Comparison } from '../comparison-types.js';
import { variantTitle } from './verdict-words.js';

/**
 * Bencher Metric Format, for `bencher run --adapter json --file <it>`: `{ benchmark: { measure:
 * { value, lower_value?, upper_value? } } }`. One benchmark per variant (`scenario [variant]`), one
 * measure per metric, named by its dotted path (Bencher creates a measure it does not know yet;
 * slugs are at most 64 characters, so longer paths are cut). Values are the candidate's, in the
 * result's units (ms, ratios, req/s, USD); with several candidate results, lower and upper are
 * their smallest and largest. Bencher keeps the history and applies its own thresholds.
 */
export type BencherMetricFormat = Record<string, Record<string, { value: number; lower_value?: number; upper_value?: number }>>;

export function bencherMetrics(comparison: Comparison): BencherMetricFormat {
  const out: BencherMetricFormat = {};
  for (const variant of comparison.variants) {
    const measures: BencherMetricFormat[string] = {};
    for (const m of variant.metrics) {
      if (m.candidate === null) continue;
      const samples = m.samples.candidate;
      measures[m.metric.slice(0, 64)] =
        samples.length > 1 ? { value: m.candidate, lower_value: Math.min(...samples), upper_value: Math.max(...samples) } : { value: m.candidate };
    }
    out[variantTitle(comparison, variant)] = measures;
  }
  return out;
}

export function renderBmf(comparison: Comparison): string {
  return `${JSON.stringify(bencherMetrics(comparison), null, 2)}\n`;
}
