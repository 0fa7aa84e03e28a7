import { badInput } from '../errors.js';
import type { Comparison, SideSummary, VariantComparison } from './comparison-types.js';
import { decideMetric } from './decide-metric.js';
import { byVariant, historyWindow, pairVariants, scenarioNameOf, type LoadedResult, type VariantPair } from './pair-variants.js';
import { selectMetrics, type MetricSelection } from './select-metrics.js';
import { sideValues } from './side-values.js';

/** `--window`: how many past results a history comparison uses per variant. */
export const DEFAULT_HISTORY_WINDOW = 10;

export interface CompareOptions {
  /** `pair`: baseline vs candidate. `history`: the baseline side is a pool of past results. @default 'pair' */
  mode?: 'pair' | 'history';
  /** History window K. @default DEFAULT_HISTORY_WINDOW */
  window?: number;
  /** @default 'default' */
  metrics?: MetricSelection;
  /** `--threshold metric=tolerance`, replacing the defaults of those metrics. */
  thresholds?: Readonly<Record<string, string>>;
  /** Compare results of different scenarios (by name or hash) instead of refusing. @default false */
  allowDifferentScenario?: boolean;
}

function sideSummary(results: readonly LoadedResult[]): SideSummary {
  const groups = results.map((r) => r.result.trial?.group).filter((g): g is string => g !== undefined);
  return { files: results.map((r) => r.file), trialGroups: [...new Set(groups)] };
}

function notesFor(pairs: readonly VariantPair[], allowDifferent: boolean): string[] {
  const notes: string[] = [];
  const all = pairs.flatMap((p) => [...p.baseline, ...p.candidate]);
  const partial = all.filter((r) => r.result.partial);
  if (partial.length > 0) notes.push(`partial (interrupted) results: ${partial.map((r) => r.file).join(', ')}`);
  const hashes = new Set(all.map((r) => r.result.scenario.hash));
  if (allowDifferent && hashes.size > pairs.length) notes.push('the scenarios differ (--allow-different-scenario): changes may come from the scenario, not the code');
  const environment: [string, (r: LoadedResult) => string | number | undefined][] = [
    ['Redis versions', (r) => r.result.env?.redis?.version],
    ['Node versions', (r) => r.result.env?.node],
    ['CPU counts', (r) => r.result.env?.cpus],
  ];
  for (const [what, get] of environment) {
    const seen = [...new Set(all.map(get).filter((v) => v !== undefined))];
    if (seen.length > 1) notes.push(`different ${what}: ${seen.join(', ')}`);
  }
  if (pairs.some((p) => p.candidate[0]!.result.load.model === 'closed')) {
    notes.push('closed loop: throughput and cost per 1k follow the machine\'s speed, so their tolerances are wider');
  }
  return notes;
}

/**
 * Compares two sides of results: pairs variants by label, resolves the metrics, and decides each
 * (decide-metric.ts). Pure: files are read by the caller. Throws `bad-input` for results of
 * different scenarios (unless allowed), a history with nothing matching, or a bad --threshold.
 */
export function compareResults(baseline: readonly LoadedResult[], candidate: readonly LoadedResult[], options: CompareOptions = {}): Comparison {
  const mode = options.mode ?? 'pair';
  const allowDifferent = options.allowDifferentScenario ?? false;
  const window = options.window ?? DEFAULT_HISTORY_WINDOW;
  if (!Number.isInteger(window) || window < 1) throw badInput(`--window ${window}: expected an integer >= 1`);
  const scenario = scenarioNameOf('candidate', candidate);

  let pairs: VariantPair[];
  let onlyInBaseline: string[] = [];
  let onlyInCandidate: string[] = [];
  if (mode === 'history') {
    pairs = [];
    for (const [variant, candResults] of byVariant(candidate)) {
      const past = historyWindow(baseline, candResults, window, allowDifferent);
      if (past.length === 0) onlyInCandidate.push(variant);
      else pairs.push({ variant, baseline: past, candidate: candResults });
    }
    if (pairs.length === 0) {
      const hint = allowDifferent ? '' : ' and scenario hash (pass --allow-different-scenario to use results of an older version of the scenario)';
      throw badInput(`--history: no result of scenario ${JSON.stringify(scenario)} with the candidate's variant${hint}`);
    }
  } else {
    const baseName = scenarioNameOf('baseline', baseline);
    if (baseName !== scenario && !allowDifferent) {
      throw badInput(
        `different scenarios: the baseline is ${JSON.stringify(baseName)}, the candidate ${JSON.stringify(scenario)}; pass --allow-different-scenario to compare them anyway`,
      );
    }
    ({ pairs, onlyInBaseline, onlyInCandidate } = pairVariants(baseline, candidate, allowDifferent));
    if (pairs.length === 0) throw badInput('no variant is on both sides (variants are paired by label)');
  }

  const variants: VariantComparison[] = pairs.map((pair) => {
    const model = pair.candidate[0]!.result.load.model;
    const docs = [...pair.baseline, ...pair.candidate].map((r) => r.result);
    const specs = selectMetrics(options.metrics ?? 'default', options.thresholds ?? {}, docs, model);
    const base = sideValues(pair.baseline.map((r) => r.result));
    const cand = sideValues(pair.candidate.map((r) => r.result));
    const metrics = specs.map((spec) => decideMetric(spec, base, cand, mode));
    return {
      variant: pair.variant,
      scenarioHash: { baseline: pair.baseline[0]!.result.scenario.hash, candidate: pair.candidate[0]!.result.scenario.hash },
      baseline: sideSummary(pair.baseline),
      candidate: sideSummary(pair.candidate),
      model,
      metrics,
      regressed: metrics.some((m) => m.verdict === 'regressed'),
    };
  });
  const regressions = variants.reduce((sum, v) => sum + v.metrics.filter((m) => m.verdict === 'regressed').length, 0);
  return {
    scenario,
    mode,
    window: mode === 'history' ? window : null,
    variants,
    onlyInBaseline,
    onlyInCandidate,
    notes: notesFor(pairs, allowDifferent),
    regressed: regressions > 0,
    regressions,
  };
}
