import type { Rng } from '../workload/types.js';

/**
 * Picks a feature set's index per request in proportion to `weight` (seeded); one set -> always 0.
 * The same draws as {@link createFeatureSetPicker}, for loops that key arrays by set.
 */
export function createFeatureSetIndexPicker(sets: readonly { weight: number }[], rng: Rng): () => number {
  if (sets.length === 0) throw new Error('no feature sets');
  if (sets.length === 1) return () => 0;
  const total = sets.reduce((sum, s) => sum + s.weight, 0);
  let sum = 0;
  const cumulative = sets.map((s) => (sum += s.weight / total));
  const last = sets.length - 1;
  return () => {
    const u = rng.next();
    for (let i = 0; i < last; i++) if (u < cumulative[i]!) return i;
    return last;
  };
}

/** Picks a feature set per request in proportion to `weight` (seeded); one set -> always it. */
export function createFeatureSetPicker(sets: readonly { name: string; weight: number }[], rng: Rng): () => string {
  const pick = createFeatureSetIndexPicker(sets, rng);
  const names = sets.map((s) => s.name);
  return () => names[pick()]!;
}
