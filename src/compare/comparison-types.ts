import type { MetricUnit } from './metric-catalog.js';
import type { Worse } from './tolerance.js';

/**
 * What `fcbench compare` decided, as data: every output format (text, Markdown, JUnit, JSON,
 * github-action-benchmark, Bencher) renders this one value, and `fcbench report --baseline` puts it
 * at the top of the page.
 */

/**
 * - `regressed`: worse beyond the allowance (and, with trials or a history window, clearly so);
 * - `improved`: better beyond the allowance; `ok`: within it, or not clearly different;
 * - `info`: no known direction and no --threshold: shown, never gated;
 * - `missing`: absent on a side (a tier that served nothing); a regression only for a metric named
 *   with --threshold or --metrics, since a typo in a gate must never pass.
 */
export type Verdict = 'regressed' | 'improved' | 'ok' | 'info' | 'missing';

/**
 * Which rule decided: `tolerance` (fewer than 3 results on a side), `bootstrap` (3+ each side:
 * 95% bootstrap CI of the difference in medians, then the minimum effect), `window` (a --history
 * window against fewer than 3 candidate trials: beyond the tolerance from the window's centre and
 * worse than every result in it), or `none` (info, missing).
 */
export type Method = 'tolerance' | 'bootstrap' | 'window' | 'none';

export interface MetricComparison {
  /** Dotted path into the result document. */
  metric: string;
  label: string;
  unit: MetricUnit;
  /** Which direction is worse; null for info metrics. */
  worse: Worse | null;
  /** The side's value: a latency percentile of the merged HDR histograms, else the median over results. */
  baseline: number | null;
  candidate: number | null;
  /** candidate - baseline, and relative to the baseline (null when the baseline is 0 or a side is missing). */
  change: number | null;
  relativeChange: number | null;
  /** The allowance applied, as written (`+100% +0.5ms`), or null. */
  tolerance: string | null;
  /** Where it came from: the catalog default, a --threshold flag. */
  toleranceSource: 'default' | 'flag' | null;
  verdict: Verdict;
  method: Method;
  /** One sentence: why this verdict (names the method, the interval or window and the allowance). */
  why: string;
  /** Bootstrap 95% interval of candidate median - baseline median (metric units), when used. */
  interval?: [number, number];
  /** The per-result values the decision saw. */
  samples: { baseline: number[]; candidate: number[] };
}

export interface SideSummary {
  /** Result files of this variant on this side. */
  files: string[];
  /** Distinct `trial.group` ids among them (empty for results without trial info). */
  trialGroups: string[];
}

export interface VariantComparison {
  /** Variant label, '' without a matrix. */
  variant: string;
  scenarioHash: { baseline: string; candidate: string };
  baseline: SideSummary;
  candidate: SideSummary;
  /** `open` / `closed`: which tolerances applied (the candidate's). */
  model: 'open' | 'closed';
  metrics: MetricComparison[];
  regressed: boolean;
}

export interface Comparison {
  scenario: string;
  /** `pair` (two sides) or `history` (a window of past results as the baseline). */
  mode: 'pair' | 'history';
  /** History window size K (the last K results per variant, by startedAt); null in pair mode. */
  window: number | null;
  variants: VariantComparison[];
  /** Variants present on one side only: listed, not gated. */
  onlyInBaseline: string[];
  onlyInCandidate: string[];
  /** Things a reader should know (different scenario hashes allowed, partial results, different Redis versions). */
  notes: string[];
  regressed: boolean;
  /** Number of regressed metrics over every variant. */
  regressions: number;
}
