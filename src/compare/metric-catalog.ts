import type { Worse } from './tolerance.js';

/**
 * The metrics `fcbench compare` gates by default, each with the direction that is worse and two
 * allowances: `tolerance` for single runs (wide: one run of a noisy machine against another) and
 * `minEffect` for 3 or more trials a side (narrower: the statistic has already ruled out noise,
 * this only ignores shifts too small to matter). `closed` overrides both for throughput-bound
 * figures of closed-loop runs, whose throughput is the machine's speed, not the offered rate.
 *
 * Measured on the project's shared 2-core machine (README, "Comparing results"): identical
 * closed-loop runs differed by up to 2.8x in the Redis tier's p99 (a millisecond-scale tail made of
 * event-loop stalls), 2.1x in the source tier's p99, 1.7x in end-to-end p99 and 2.0x in throughput
 * and cost per 1k when the run is bound by duration; open-loop p99 (measured from the intended
 * start, so every stall counts) by up to 4.7x under a load average of 5. The defaults pass the
 * closed-loop pairs and still fail a source 5x slower (its tier's p99 +390%).
 */
export type MetricUnit = 'ms' | 'ratio' | 'count' | 'rps' | 'usd' | 'bytes' | 'number';

export interface CatalogMetric {
  path: string;
  label: string;
  unit: MetricUnit;
  worse: Worse;
  tolerance: string;
  minEffect: string;
  /** Replacements for closed-loop runs (throughput-bound figures). */
  closed?: { tolerance: string; minEffect: string };
  /** Only meaningful for open-loop runs (`load.dropped`). */
  openLoopOnly?: boolean;
}

const P99 = { tolerance: '+200% +1ms', minEffect: '+25% +0.2ms' } as const;

export const DEFAULT_METRICS: readonly CatalogMetric[] = [
  { path: 'latency.endToEnd.p50', label: 'p50 end to end', unit: 'ms', worse: 'increase', tolerance: '+50% +0.05ms', minEffect: '+10% +0.02ms' },
  { path: 'latency.endToEnd.p95', label: 'p95 end to end', unit: 'ms', worse: 'increase', tolerance: '+100% +0.5ms', minEffect: '+15% +0.1ms' },
  { path: 'latency.endToEnd.p99', label: 'p99 end to end', unit: 'ms', worse: 'increase', ...P99 },
  { path: 'latency.byTier.local.p99', label: 'p99 served by the local tier', unit: 'ms', worse: 'increase', ...P99 },
  { path: 'latency.byTier.redis.p99', label: 'p99 served by Redis', unit: 'ms', worse: 'increase', ...P99 },
  { path: 'latency.byTier.source.p99', label: 'p99 served by the source', unit: 'ms', worse: 'increase', ...P99 },
  { path: 'tiers.local.hitRatio', label: 'local hit ratio', unit: 'ratio', worse: 'decrease', tolerance: '-0.05', minEffect: '-0.01' },
  { path: 'tiers.redis.hitRatio', label: 'Redis hit ratio', unit: 'ratio', worse: 'decrease', tolerance: '-0.05', minEffect: '-0.01' },
  { path: 'stampede.maxOriginCallsPerExpiry', label: 'max origin calls per expiry', unit: 'count', worse: 'increase', tolerance: '+50% +1', minEffect: '+0.5' },
  { path: 'freshness.staleRatio', label: 'stale ratio', unit: 'ratio', worse: 'increase', tolerance: '+0.02', minEffect: '+0.005' },
  {
    path: 'throughput.achievedRps',
    label: 'achieved throughput',
    unit: 'rps',
    worse: 'decrease',
    tolerance: '-10%',
    minEffect: '-5%',
    closed: { tolerance: '-60%', minEffect: '-25%' },
  },
  { path: 'load.dropped', label: 'dropped arrivals', unit: 'count', worse: 'increase', tolerance: '+50% +100', minEffect: '+50% +10', openLoopOnly: true },
  {
    path: 'cost.per1kInferences',
    label: 'cost per 1k inferences',
    unit: 'usd',
    worse: 'increase',
    tolerance: '+25%',
    minEffect: '+10%',
    closed: { tolerance: '+150%', minEffect: '+50%' },
  },
];

const BY_PATH = new Map(DEFAULT_METRICS.map((m) => [m.path, m]));

export function catalogMetric(path: string): CatalogMetric | undefined {
  return BY_PATH.get(path);
}

const LATENCY_STAT = /^latency\.(.+)\.(p50|p90|p95|p99|p999|max|mean)$/;

/** `latency.byTier.source.p99` -> `latency.byTier.source` and `p99`; null for other paths. */
export function latencyStatOf(path: string): { summaryPath: string; stat: string } | null {
  const match = LATENCY_STAT.exec(path);
  return match ? { summaryPath: `latency.${match[1]!}`, stat: match[2]! } : null;
}

/**
 * What a path not in the catalog is measured in, and which way is worse when that is clear from
 * its name (only used to label and format; such metrics gate only when given a --threshold).
 */
export function inferMetric(path: string): { unit: MetricUnit; worse: Worse | null } {
  const leaf = path.slice(path.lastIndexOf('.') + 1);
  if (latencyStatOf(path) !== null || path.startsWith('load.scheduleLag')) return { unit: 'ms', worse: 'increase' };
  if (path.startsWith('latency.') && leaf === 'count') return { unit: 'count', worse: null };
  if (/hitRatio$/.test(leaf)) return { unit: 'ratio', worse: 'decrease' };
  if (/Ratio$/.test(leaf) && path.startsWith('freshness.')) return { unit: 'ratio', worse: 'increase' };
  if (/Rps$/.test(leaf)) return { unit: 'rps', worse: leaf === 'achievedRps' ? 'decrease' : null };
  if (path.startsWith('cost.')) return { unit: 'usd', worse: 'increase' };
  if (/[Bb]ytes|Memory/.test(leaf)) return { unit: 'bytes', worse: 'increase' };
  if (/errors|dropped|decodeErrors|calls/i.test(leaf)) return { unit: 'count', worse: 'increase' };
  if (/Ratio$/.test(leaf)) return { unit: 'ratio', worse: null };
  return { unit: 'number', worse: null };
}
