import type { ResultDocument } from '../results/result-types.js';
import { canonicalJson } from '../scenario/canonical-json.js';
import { formatBytes, formatCount, formatMs, formatNumber, formatRatio, formatUsd } from './format.js';

/** One column of the side-by-side table. */
export interface CompareMetric {
  label: string;
  get: (r: ResultDocument) => number;
  format: (value: number) => string;
  /** Which direction is an improvement, to colour the difference. */
  better: 'lower' | 'higher';
}

/** Columns every comparison shows, in reading order. */
export const COMMON_METRICS: readonly CompareMetric[] = [
  { label: 'p50 end to end', get: (r) => r.latency.endToEnd.p50, format: formatMs, better: 'lower' },
  { label: 'p99 end to end', get: (r) => r.latency.endToEnd.p99, format: formatMs, better: 'lower' },
  { label: 'local hit ratio', get: (r) => r.tiers.local.hitRatio, format: formatRatio, better: 'higher' },
  { label: 'Redis hit ratio', get: (r) => r.tiers.redis.hitRatio, format: formatRatio, better: 'higher' },
  { label: 'origin calls', get: (r) => r.tiers.source.calls, format: formatCount, better: 'lower' },
  { label: 'stale ratio', get: (r) => r.freshness.staleRatio, format: formatRatio, better: 'lower' },
  { label: 'bytes per key', get: (r) => r.redis.bytesPerKey ?? Number.NaN, format: formatBytes, better: 'lower' },
  { label: 'cost per 1k', get: (r) => r.cost.per1kInferences, format: formatUsd, better: 'lower' },
  { label: 'achieved req/s', get: (r) => r.throughput.achievedRps, format: formatNumber, better: 'higher' },
];

const staleServed: CompareMetric = { label: 'stale served', get: (r) => r.freshness.staleServed, format: formatCount, better: 'lower' };
const errors: CompareMetric = { label: 'errors', get: (r) => r.requests.errors, format: formatCount, better: 'lower' };

const maxOriginCallsPerExpiry: CompareMetric = {
  label: 'max origin calls per expiry',
  get: (r) => r.stampede.maxOriginCallsPerExpiry,
  format: formatCount,
  better: 'lower',
};

/**
 * Columns that decide a choice, added when the variants differ in a scenario path under `prefix`
 * (`stampede` covers `stampede.strategy` and a whole `stampede` object alike). A column already
 * shown is not repeated.
 */
export const VARIED_METRICS: readonly { prefix: string; metrics: readonly CompareMetric[] }[] = [
  {
    prefix: 'stampede',
    metrics: [
      maxOriginCallsPerExpiry,
      // Absent in results written before it was counted: NaN shows as a dash, never as a made-up 0.
      { label: 'waiters', get: (r) => r.stampede.waiting ?? Number.NaN, format: formatCount, better: 'lower' },
      staleServed,
      errors,
    ],
  },
  {
    prefix: 'codec',
    metrics: [
      { label: 'encoded bytes', get: (r) => r.payload.encodedBytes, format: formatBytes, better: 'lower' },
      { label: 'compression ratio', get: (r) => r.payload.compressionRatio, format: formatNumber, better: 'higher' },
      { label: 'decode p99', get: (r) => r.latency.components.decode.p99, format: formatMs, better: 'lower' },
      { label: 'encode p99', get: (r) => r.latency.components.encode.p99, format: formatMs, better: 'lower' },
    ],
  },
  {
    prefix: 'cascade.local',
    metrics: [
      { label: 'Redis lookups', get: (r) => r.tiers.redis.lookups, format: formatCount, better: 'lower' },
      { label: 'local p99', get: (r) => r.latency.byTier.local.p99, format: formatMs, better: 'lower' },
    ],
  },
  {
    // Batch events (their invalidation and publication) and how the local tiers are told.
    prefix: 'events',
    metrics: batchMetrics(),
  },
  {
    prefix: 'cascade.local.invalidation',
    metrics: batchMetrics(),
  },
  {
    prefix: 'featureSets',
    metrics: [
      maxOriginCallsPerExpiry,
      { label: 'expiries', get: (r) => r.stampede.naturalExpiries, format: formatCount, better: 'lower' },
      { label: 'soft-expired served', get: (r) => r.freshness.byReason.softExpired, format: formatCount, better: 'lower' },
    ],
  },
  {
    prefix: 'failurePolicy',
    metrics: [
      errors,
      staleServed,
    ],
  },
  {
    // Libraries side by side: what each did to the source and to Redis, seen from outside.
    prefix: 'cascade.implementation',
    metrics: [
      maxOriginCallsPerExpiry,
      errors,
      {
        label: 'Redis commands',
        get: (r) => (r.redis.commands === undefined ? Number.NaN : Object.values(r.redis.commands).reduce((n, c) => n + c, 0)),
        format: formatCount,
        better: 'lower',
      },
    ],
  },
  {
    prefix: 'load',
    metrics: [
      { label: 'dropped', get: (r) => r.load.dropped, format: formatCount, better: 'lower' },
      { label: 'schedule lag p99', get: (r) => r.load.scheduleLagP99, format: formatMs, better: 'lower' },
    ],
  },
];

/**
 * Result fields that name a configuration, for results with no matrix assignments (separate runs
 * put side by side with `fcbench report a.json b.json`): the scenario path each one stands for.
 */
const CONFIG_FIELDS: readonly { path: string; get: (r: ResultDocument) => unknown }[] = [
  { path: 'stampede.strategy', get: (r) => r.stampede.strategy },
  { path: 'codec.format', get: (r) => r.payload.format },
  { path: 'codec.compression', get: (r) => r.payload.compression },
  { path: 'cascade.local.enabled', get: (r) => r.tiers.local.enabled },
  { path: 'cascade.implementation', get: (r) => r.implementation?.name },
];

/** Scenario paths whose value is not the same in every result: matrix axes that vary, and config fields that differ. */
export function variedPaths(results: readonly ResultDocument[]): string[] {
  const varied = new Set<string>();
  const keys = new Set(results.flatMap((r) => Object.keys(r.scenario.assignments ?? {})));
  for (const key of keys) {
    const values = new Set(results.map((r) => canonicalJson(r.scenario.assignments?.[key] ?? null)));
    if (values.size > 1) varied.add(key);
  }
  for (const field of CONFIG_FIELDS) {
    if (new Set(results.map((r) => canonicalJson(field.get(r) ?? null))).size > 1) varied.add(field.path);
  }
  return [...varied];
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** Freshness against batch truth: NaN (a dash) for results without publications, never a made-up 0. */
function batchMetrics(): CompareMetric[] {
  const publications = (r: ResultDocument) => r.freshness.publications ?? [];
  const sum = (r: ResultDocument, get: (p: NonNullable<ResultDocument['freshness']['publications']>[number]) => number) =>
    publications(r).length === 0 ? Number.NaN : publications(r).reduce((n, p) => n + get(p), 0);
  return [
    { label: 'outdated served', get: (r) => sum(r, (p) => p.outdatedServed), format: formatCount, better: 'lower' },
    { label: 'uncommitted served', get: (r) => sum(r, (p) => p.uncommittedServed), format: formatCount, better: 'lower' },
    {
      label: 'outdated window',
      get: (r) => (publications(r).length === 0 ? Number.NaN : Math.max(...publications(r).map((p) => p.windowMs))),
      format: formatMs,
      better: 'lower',
    },
    { label: 'invalidation Redis commands', get: (r) => sum(r, (p) => p.redisCommands), format: formatCount, better: 'lower' },
  ];
}

/** The table's columns: the common ones, then those that decide what the variants vary, each once. */
export function compareColumns(results: readonly ResultDocument[]): CompareMetric[] {
  const paths = variedPaths(results);
  const columns = [...COMMON_METRICS];
  const labels = new Set(columns.map((c) => c.label));
  for (const group of VARIED_METRICS) {
    if (!paths.some((path) => under(path, group.prefix))) continue;
    for (const metric of group.metrics) {
      if (labels.has(metric.label)) continue;
      labels.add(metric.label);
      columns.push(metric);
    }
  }
  return columns;
}
