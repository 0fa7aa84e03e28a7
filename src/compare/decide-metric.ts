import { bootstrapMedianDifference, MIN_TRIALS_FOR_STATISTICS } from './bootstrap.js';
import type { MetricComparison } from './comparison-types.js';
import { formatChange, formatDelta, formatValue } from './format-value.js';
import type { MetricUnit } from './metric-catalog.js';
import type { SideValues } from './side-values.js';
import { judgeChange, type Tolerance, type Worse } from './tolerance.js';

/** One metric to compare, resolved from the catalog, --metrics and --threshold. */
export interface MetricSpec {
  path: string;
  label: string;
  unit: MetricUnit;
  worse: Worse | null;
  /** Single runs (and the window rule). */
  tolerance: Tolerance | null;
  /** 3+ results each side. */
  minEffect: Tolerance | null;
  source: 'default' | 'flag' | null;
  /** Named by the user (--threshold, --metrics list): being absent on a side then fails the gate. */
  named: boolean;
}

/**
 * The verdict on one metric: pure, from the two sides' values. Picks the method by how many results
 * each side has (see `Method`), and says in `why` what decided.
 */
export function decideMetric(spec: MetricSpec, base: SideValues, cand: SideValues, mode: 'pair' | 'history'): MetricComparison {
  const baseline = base.point(spec.path);
  const candidate = cand.point(spec.path);
  const samples = { baseline: base.samples(spec.path), candidate: cand.samples(spec.path) };
  const change = baseline === null || candidate === null ? null : candidate - baseline;
  const relativeChange = change === null || baseline === 0 || baseline === null ? null : change / Math.abs(baseline);
  const common = {
    metric: spec.path,
    label: spec.label,
    unit: spec.unit,
    worse: spec.worse,
    baseline,
    candidate,
    change,
    relativeChange,
    tolerance: null as string | null,
    toleranceSource: spec.source,
    samples,
  };
  if (baseline === null || candidate === null) {
    const side = baseline === null && candidate === null ? 'either side' : baseline === null ? 'the baseline' : 'the candidate';
    const why = `no value in ${side}${spec.path.startsWith('latency.') ? ' (no requests recorded there)' : ''}`;
    return { ...common, verdict: spec.named ? 'regressed' : 'missing', method: 'none', why: spec.named ? `${why}, and it was asked for` : why };
  }
  if (spec.worse === null || spec.tolerance === null || spec.minEffect === null) {
    return { ...common, verdict: 'info', method: 'none', why: 'no known direction: shown only (give --threshold to gate it)' };
  }
  const worse = spec.worse;
  // A relative change alone hides scale ("+400%" of 2 us): show the absolute step next to it.
  const shownChange =
    relativeChange !== null && spec.unit !== 'ratio' && change !== null
      ? `${formatChange(spec.unit, change, relativeChange)} (${formatDelta(spec.unit, change)})`
      : formatChange(spec.unit, change, relativeChange);
  const nBase = samples.baseline.length;
  const nCand = samples.candidate.length;

  if (nBase >= MIN_TRIALS_FOR_STATISTICS && nCand >= MIN_TRIALS_FOR_STATISTICS) {
    const interval = bootstrapMedianDifference(samples.baseline, samples.candidate, { label: spec.path });
    const clearlyWorse = worse === 'increase' ? interval.low > 0 : interval.high < 0;
    const clearlyBetter = worse === 'increase' ? interval.high < 0 : interval.low > 0;
    const judged = judgeChange(spec.minEffect, worse, baseline, candidate);
    const ci = `95% CI of the median difference [${formatDelta(spec.unit, interval.low)}, ${formatDelta(spec.unit, interval.high)}] (${nBase} vs ${nCand} results)`;
    const effect = `minimum effect ${spec.minEffect.text}`;
    const regressed = clearlyWorse && judged.exceeds;
    const improved = clearlyBetter && judged.improves;
    const why = regressed
      ? `bootstrap: ${ci} is clearly worse, and ${shownChange} is beyond the ${effect}`
      : clearlyWorse
        ? `bootstrap: ${ci} is clearly worse, but ${shownChange} is within the ${effect}`
        : improved
          ? `bootstrap: ${ci} is clearly better, by more than the ${effect}`
          : `bootstrap: ${ci} includes no clear worsening`;
    return {
      ...common,
      tolerance: spec.minEffect.text,
      verdict: regressed ? 'regressed' : improved ? 'improved' : 'ok',
      method: 'bootstrap',
      why,
      interval: [interval.low, interval.high],
    };
  }

  const judged = judgeChange(spec.tolerance, worse, baseline, candidate);
  if (mode === 'history' && nBase >= MIN_TRIALS_FOR_STATISTICS) {
    const worst = worse === 'increase' ? Math.max(...samples.baseline) : Math.min(...samples.baseline);
    const outside = worse === 'increase' ? candidate > worst : candidate < worst;
    const regressed = outside && judged.exceeds;
    const window = `window of ${nBase}: worst ${formatValue(spec.unit, worst)}`;
    const why = regressed
      ? `window: ${shownChange} from the window's centre is beyond ${spec.tolerance.text} and worse than every result (${window})`
      : judged.exceeds
        ? `window: ${shownChange} is beyond ${spec.tolerance.text}, but the window has seen as bad (${window})`
        : `window: ${shownChange} is within ${spec.tolerance.text} of the window's centre (${window})`;
    return { ...common, tolerance: spec.tolerance.text, verdict: regressed ? 'regressed' : judged.improves ? 'improved' : 'ok', method: 'window', why };
  }

  const few = nBase > 1 || nCand > 1 ? ` (${nBase} vs ${nCand} results: too few for the statistic)` : ' (single runs)';
  const why = judged.exceeds
    ? `tolerance: ${shownChange} is beyond ${spec.tolerance.text}${few}`
    : judged.improves
      ? `tolerance: ${shownChange} is better by more than ${spec.tolerance.text}${few}`
      : `tolerance: ${shownChange} is within ${spec.tolerance.text}${few}`;
  return {
    ...common,
    tolerance: spec.tolerance.text,
    verdict: judged.exceeds ? 'regressed' : judged.improves ? 'improved' : 'ok',
    method: 'tolerance',
    why,
  };
}
