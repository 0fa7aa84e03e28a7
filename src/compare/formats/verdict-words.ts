import type { Comparison, MetricComparison, Verdict, VariantComparison } from '../comparison-types.js';

/** The words every human format uses, so text, Markdown, JUnit and the report agree. */
export const VERDICT_WORDS: Readonly<Record<Verdict, string>> = {
  regressed: 'REGRESSED',
  improved: 'improved',
  ok: 'ok',
  info: 'info',
  missing: 'n/a',
};

export function variantTitle(comparison: Comparison, variant: VariantComparison): string {
  return variant.variant === '' ? comparison.scenario : `${comparison.scenario} [${variant.variant}]`;
}

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

export function sidesLine(comparison: Comparison, variant: VariantComparison): string {
  const base = comparison.mode === 'history' ? `history window: last ${count(variant.baseline.files.length, 'result')} (K = ${comparison.window})` : `baseline: ${count(variant.baseline.files.length, 'result')}`;
  return `${base}; candidate: ${count(variant.candidate.files.length, 'result')}; ${variant.model} loop`;
}

/** The one-line verdict: `REGRESSED: 2 metrics in 1 of 3 variants` or `OK: no regression in 39 metrics`. */
export function verdictLine(comparison: Comparison): string {
  const metrics = comparison.variants.reduce((sum, v) => sum + v.metrics.filter((m) => m.verdict !== 'info').length, 0);
  if (!comparison.regressed) return `OK: no regression in ${count(metrics, 'gated metric')}${comparison.variants.length > 1 ? ` over ${count(comparison.variants.length, 'variant')}` : ''}`;
  const failing = comparison.variants.filter((v) => v.regressed).length;
  const where = comparison.variants.length > 1 ? ` in ${failing} of ${count(comparison.variants.length, 'variant')}` : '';
  const names = comparison.variants.flatMap((v) => v.metrics.filter((m) => m.verdict === 'regressed').map((m) => m.metric));
  const shown = [...new Set(names)].slice(0, 4).join(', ');
  return `REGRESSED: ${count(comparison.regressions, 'metric')}${where} (${shown}${new Set(names).size > 4 ? ', ...' : ''})`;
}

/** Rows in output order: regressions first, then the rest as selected. */
export function orderedMetrics(variant: VariantComparison): MetricComparison[] {
  return [...variant.metrics.filter((m) => m.verdict === 'regressed'), ...variant.metrics.filter((m) => m.verdict !== 'regressed')];
}
