import type { ResultDocument } from './result-types.js';

/**
 * Figures a cascade other than fcbench's own cannot give, as result paths (`[]` = every element
 * of an array). They are null in the document, listed in `implementation.notReported`, and shown as
 * "not reported by this implementation": never zero, which would read as a measurement.
 * What fcbench sees from outside stays: end-to-end latency, source calls and fetch time (the
 * source is fcbench's), origin calls per get (attributed by async context), Redis commands and memory.
 */
const INSIDE_THE_LIBRARY = [
  'latency.components.localGet',
  'latency.components.redisGet',
  'latency.components.redisSet',
  'latency.components.decode',
  'latency.components.encode',
  'latency.components.lockWait',
  'payload.rawBytes',
  'payload.encodedBytes',
  'payload.compressionRatio',
  'payload.writes',
  'freshness.age',
  'stampede.waiting',
  'stampede.expiries[].waiting',
  'tiers.redis.errors',
  'tiers.redis.decodeErrors',
];

/** Without a served-by tier per get. */
const TIER = [
  'tiers.local.lookups',
  'tiers.local.hits',
  'tiers.local.hitRatio',
  'tiers.local.staleHits',
  'tiers.redis.lookups',
  'tiers.redis.hits',
  'tiers.redis.hitRatio',
  'tiers.servedBy.local',
  'tiers.servedBy.redis',
  'tiers.servedBy.source',
  'latency.byTier.local',
  'latency.byTier.redis',
  'latency.byTier.source',
  'serving.replicas[].localHits',
  'timeline[].localHits',
  'timeline[].redisHits',
  // Cold starts are read from the served-from-cache share, which needs the tier.
  'coldStarts',
  'coldStartSeries',
];

/** Without a stale flag per get. */
const STALE = ['freshness.staleServed', 'freshness.staleRatio', 'freshness.byReason.softExpired', 'tiers.local.staleHits', 'timeline[].staleServed', 'stampede.expiries[].staleServed'];

export function notReportedPaths(reported: { tier: boolean; stale: boolean }): string[] {
  return [...new Set([...INSIDE_THE_LIBRARY, ...(reported.tier ? [] : TIER), ...(reported.stale ? [] : STALE)])];
}

/** Optional sections (absent in older results, and readers handle that) are left out rather than null. */
const OPTIONAL_SECTIONS = new Set(['coldStarts', 'coldStartSeries']);

/** Sets every path (that exists) to null, in place; an optional top-level section is deleted. */
export function nullPaths(doc: ResultDocument, paths: readonly string[]): void {
  for (const path of paths) {
    if (OPTIONAL_SECTIONS.has(path)) delete (doc as unknown as Record<string, unknown>)[path];
    else nullAt(doc, path.split('.'));
  }
}

function nullAt(node: unknown, segments: readonly string[]): void {
  if (node === null || typeof node !== 'object' || segments.length === 0) return;
  const [head, ...rest] = segments as [string, ...string[]];
  const array = head.endsWith('[]');
  const key = array ? head.slice(0, -2) : head;
  const record = node as Record<string, unknown>;
  if (!Object.hasOwn(record, key)) return;
  if (array) {
    const items = record[key];
    if (Array.isArray(items)) for (const item of items) nullAt(item, rest);
  } else if (rest.length === 0) record[key] = null;
  else nullAt(record[key], rest);
}

/** Whether the result says its implementation could not give this figure (`timeline[].localHits` style paths). */
export function isNotReported(doc: Pick<ResultDocument, 'implementation'>, path: string): boolean {
  return doc.implementation?.notReported.includes(path) === true;
}
