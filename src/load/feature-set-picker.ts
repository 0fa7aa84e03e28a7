import type { Rng } from '../workload/types.js';

/** Picks a feature set per request in proportion to `weight` (seeded); one set -> always it. */
export function createFeatureSetPicker(sets: readonly { name: string; weight: number }[], rng: Rng): () => string {
  const only = sets[0];
  if (only === undefined) throw new Error('no feature sets');
  if (sets.length === 1) return () => only.name;
  const total = sets.reduce((sum, s) => sum + s.weight, 0);
  let sum = 0;
  const cumulative = sets.map((s) => (sum += s.weight / total));
  const names = sets.map((s) => s.name);
  const last = names.length - 1;
  return () => {
    const u = rng.next();
    for (let i = 0; i < last; i++) if (u < cumulative[i]!) return names[i]!;
    return names[last]!;
  };
}
