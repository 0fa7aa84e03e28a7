import type { Comparison, MetricComparison } from '../comparison-types.js';
import { formatValue } from '../format-value.js';
import type { MetricUnit } from '../metric-catalog.js';
import { variantTitle, VERDICT_WORDS } from './verdict-words.js';

/**
 * github-action-benchmark's custom tools: `tool: customSmallerIsBetter` and `tool:
 * customBiggerIsBetter` each read a JSON array of `{ name, unit, value, range?, extra? }`. One step
 * takes one tool, so the candidate's gated metrics are split by direction into two arrays. The
 * action keeps its own history; fcbench's verdict goes into `extra`.
 */
export interface BenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

const UNIT_NAMES: Readonly<Record<MetricUnit, string>> = { ms: 'ms', ratio: 'ratio', count: 'count', rps: 'req/s', usd: 'USD', bytes: 'bytes', number: '' };

function entry(comparison: Comparison, title: string, m: MetricComparison): BenchmarkEntry {
  const samples = m.samples.candidate;
  const spread = samples.length > 1 ? (Math.max(...samples) - Math.min(...samples)) / 2 : null;
  return {
    name: `${title} ${m.metric}`,
    unit: UNIT_NAMES[m.unit],
    value: m.candidate!,
    ...(spread === null ? {} : { range: `± ${Number(spread.toPrecision(3))}` }),
    extra: `baseline ${formatValue(m.unit, m.baseline)}; fcbench ${VERDICT_WORDS[m.verdict]}: ${m.why}${comparison.mode === 'history' ? ' (history)' : ''}`,
  };
}

export function benchmarkArrays(comparison: Comparison): { customSmallerIsBetter: BenchmarkEntry[]; customBiggerIsBetter: BenchmarkEntry[] } {
  const smaller: BenchmarkEntry[] = [];
  const bigger: BenchmarkEntry[] = [];
  for (const variant of comparison.variants) {
    const title = variantTitle(comparison, variant);
    for (const m of variant.metrics) {
      if (m.candidate === null || m.worse === null) continue;
      (m.worse === 'increase' ? smaller : bigger).push(entry(comparison, title, m));
    }
  }
  return { customSmallerIsBetter: smaller, customBiggerIsBetter: bigger };
}
