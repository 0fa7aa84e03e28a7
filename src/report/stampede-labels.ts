import type { ResultDocument, StampedeCause } from '../results/result-types.js';

/**
 * Words for what started a stampede episode, shared by the report and the terminal summary so a
 * cold miss is never called an expiry anywhere. Singular for a table cell, plural for a count.
 */
export const CAUSE_LABELS: Readonly<Record<StampedeCause, { one: string; many: string }>> = {
  cold: { one: 'cold miss', many: 'cold misses' },
  expired: { one: 'expiry', many: 'expiries' },
  evicted: { one: 'eviction', many: 'evictions' },
  event: { one: 'event', many: 'events' },
};

/** Reading order of the causes. */
export const CAUSES: readonly StampedeCause[] = ['cold', 'expired', 'evicted', 'event'];

/**
 * One episode's cause as a label. Results written before causes were told apart say `natural`
 * (a cold miss, an expiry or an eviction, unknown which): that is said, not guessed.
 */
export function causeLabel(cause: string): string {
  if (cause === 'natural') return 'miss (cold or expired)';
  return (CAUSE_LABELS as Record<string, { one: string } | undefined>)[cause]?.one ?? cause;
}

/** `[['Cold misses', '4,681'], ['Expiries', '0'], ...]`, or null for an older result without counts. */
export function episodeCounts(stampede: ResultDocument['stampede'], format: (n: number) => string): [string, string][] | null {
  const episodes = stampede.episodes;
  if (episodes === undefined) return null;
  return CAUSES.map((cause) => {
    const label = CAUSE_LABELS[cause].many;
    return [label.charAt(0).toUpperCase() + label.slice(1), format(episodes[cause])];
  });
}
