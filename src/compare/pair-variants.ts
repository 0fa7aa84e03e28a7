import { badInput } from '../errors.js';
import type { ResultDocument } from '../results/result-types.js';

/** A result with the file it was read from (outputs name files; errors name them too). */
export interface LoadedResult {
  file: string;
  result: ResultDocument;
}

export interface VariantPair {
  variant: string;
  baseline: LoadedResult[];
  candidate: LoadedResult[];
}

/** Results grouped by variant label, in first-seen order. */
export function byVariant(results: readonly LoadedResult[]): Map<string, LoadedResult[]> {
  const groups = new Map<string, LoadedResult[]>();
  for (const loaded of results) {
    const label = loaded.result.scenario.variant;
    const group = groups.get(label);
    if (group) group.push(loaded);
    else groups.set(label, [loaded]);
  }
  return groups;
}

/** The one scenario name of a side; `bad-input` when a side mixes scenarios. */
export function scenarioNameOf(side: 'baseline' | 'candidate', results: readonly LoadedResult[]): string {
  const names = [...new Set(results.map((r) => r.result.scenario.name))];
  if (names.length !== 1) {
    throw badInput(`${side}: results of ${names.length} scenarios (${names.map((n) => JSON.stringify(n)).join(', ')}); give the results of one scenario`);
  }
  return names[0]!;
}

function short(hash: string): string {
  return hash.slice(0, 12);
}

/**
 * Matrix results paired by variant label: pairs (in the candidate's order), and the labels present
 * on one side only. Without `allowDifferent`, every result of a pair must have the same scenario
 * hash (the resolved scenario, after defaults, overrides and the matrix): a changed scenario is a
 * different experiment, not a regression.
 */
export function pairVariants(
  baseline: readonly LoadedResult[],
  candidate: readonly LoadedResult[],
  allowDifferent: boolean,
): { pairs: VariantPair[]; onlyInBaseline: string[]; onlyInCandidate: string[] } {
  const base = byVariant(baseline);
  const cand = byVariant(candidate);
  const pairs: VariantPair[] = [];
  for (const [variant, candResults] of cand) {
    const baseResults = base.get(variant);
    if (baseResults === undefined) continue;
    if (!allowDifferent) {
      const hashes = new Set([...baseResults, ...candResults].map((r) => r.result.scenario.hash));
      if (hashes.size > 1) {
        const baseHash = baseResults[0]!.result.scenario.hash;
        const other = [...baseResults, ...candResults].find((r) => r.result.scenario.hash !== baseHash)!;
        const where = variant === '' ? '' : `variant ${JSON.stringify(variant)}: `;
        throw badInput(
          `${where}different scenarios: ${baseResults[0]!.file} has scenario hash ${short(baseHash)}, ${other.file} has ${short(other.result.scenario.hash)} (the resolved scenario changed); pass --allow-different-scenario to compare them anyway`,
        );
      }
    }
    pairs.push({ variant, baseline: baseResults, candidate: candResults });
  }
  return {
    pairs,
    onlyInBaseline: [...base.keys()].filter((v) => !cand.has(v)),
    onlyInCandidate: [...cand.keys()].filter((v) => !base.has(v)),
  };
}

/**
 * The history window of one variant: the last `window` results (by startedAt) of the same scenario
 * name and variant and, unless `allowDifferent`, the same scenario hash as the candidate.
 */
export function historyWindow(history: readonly LoadedResult[], candidate: readonly LoadedResult[], window: number, allowDifferent: boolean): LoadedResult[] {
  const target = candidate[0]!.result.scenario;
  const matching = history.filter(
    (r) => r.result.scenario.name === target.name && r.result.scenario.variant === target.variant && (allowDifferent || r.result.scenario.hash === target.hash),
  );
  const candidateFiles = new Set(candidate.map((c) => c.file));
  return matching
    .filter((r) => !candidateFiles.has(r.file))
    .sort((a, b) => Date.parse(a.result.startedAt) - Date.parse(b.result.startedAt) || a.file.localeCompare(b.file))
    .slice(-window);
}
