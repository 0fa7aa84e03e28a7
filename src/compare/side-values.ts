import { mergeEncoded } from '../metrics/histogram.js';
import type { LatencySummary, ResultDocument } from '../results/result-types.js';
import { median } from './bootstrap.js';
import { latencyStatOf } from './metric-catalog.js';
import { resolveMetric } from './thresholds.js';

/**
 * The numbers one side (one variant's results: a single run, trials, or a history window) gives a
 * metric. Per result: the value at the dotted path, or null (a latency summary with no requests,
 * e.g. a tier that served nothing, counts as missing rather than 0 ms). The side's point value: a
 * latency percentile is read from the side's HDR histograms merged, which estimates the
 * percentile of all its requests instead of a median of per-trial percentiles; anything else is the
 * median over results.
 */
export interface SideValues {
  readonly count: number;
  /** Non-null per-result values, in result order. */
  samples(path: string): number[];
  point(path: string): number | null;
}

function summaryAt(doc: ResultDocument, summaryPath: string): LatencySummary | null {
  let node: unknown = doc;
  for (const segment of summaryPath.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return null;
    node = (node as Record<string, unknown>)[segment];
  }
  if (node === null || typeof node !== 'object') return null;
  const summary = node as Partial<LatencySummary>;
  return typeof summary.count === 'number' ? (summary as LatencySummary) : null;
}

export function sideValues(results: readonly ResultDocument[]): SideValues {
  const merged = new Map<string, LatencySummary | null>();
  const mergedSummary = (summaryPath: string): LatencySummary | null => {
    if (!merged.has(summaryPath)) {
      const summaries = results.map((r) => summaryAt(r, summaryPath));
      const usable = summaries.every((s) => s !== null && typeof s.hdr === 'string' && (s.count === 0 || s.hdr !== ''));
      const total = summaries.reduce((sum, s) => sum + (s?.count ?? 0), 0);
      merged.set(summaryPath, usable && total > 0 ? mergeEncoded(summaries.map((s) => s!.hdr)) : null);
    }
    return merged.get(summaryPath)!;
  };
  const valueOf = (doc: ResultDocument, path: string): number | null => {
    const stat = latencyStatOf(path);
    if (stat !== null && summaryAt(doc, stat.summaryPath)?.count === 0) return null;
    return resolveMetric(doc, path);
  };
  return {
    count: results.length,
    samples: (path) => results.map((r) => valueOf(r, path)).filter((v): v is number => v !== null),
    point(path) {
      const samples = this.samples(path);
      if (samples.length === 0) return null;
      const stat = latencyStatOf(path);
      // One result: its own figure is already its histogram's; merging only matters for several.
      if (stat !== null && results.length > 1) {
        const summary = mergedSummary(stat.summaryPath);
        const value = summary === null ? undefined : (summary as unknown as Record<string, unknown>)[stat.stat];
        if (typeof value === 'number') return value;
      }
      return median(samples);
    },
  };
}
