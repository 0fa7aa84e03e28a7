import { computeCost, type CostPrices } from '../cost/cost-model.js';
import { evaluateThresholds } from '../compare/thresholds.js';
import { badInput } from '../errors.js';
import { mergeEncoded } from '../metrics/histogram.js';
import type { LatencySummary, PublicationResult, ResultDocument, StampedeCause, TimelineBucket } from './result-types.js';

/**
 * Merges the results of the shards of one sharded run (`fcbench run --shard i/N`) into the result
 * of the whole load, as if one process had sent it:
 * - counters are summed; ratios, rates and means are recomputed from the sums;
 * - latency histograms are merged bucket by bucket (HDR), so a merged p99 is the p99 of the union,
 *   never an average of p99s;
 * - timelines are aligned on the earliest measured start (each shard's offset rounded to a
 *   bucket) and summed; a merged bucket's p99 is the largest of the shards' (per-bucket histograms
 *   are not kept): an upper bound, which `timelineP99: "max-of-shards"` says;
 * - cost and thresholds are recomputed from the merged figures and the scenario's own prices and
 *   thresholds;
 * - miss-ratio curves are left out: Redis's curve is the union stream's, which the shards' curves
 *   do not give (`capacityOmitted` says so).
 * Pure: documents in, a document out. Bad input (exit 2) for fewer than two results, results of
 * different scenarios, a result that is not a shard, shard counts that disagree, or a missing or
 * duplicated index.
 */
export interface NamedResult {
  file: string;
  doc: ResultDocument;
}

export function checkShardSet(results: readonly NamedResult[]): { count: number } {
  if (results.length < 2) throw badInput(`merge needs the results of at least two shards (got ${results.length === 0 ? 'none' : `only ${results[0]!.file}`})`);
  const [first] = results;
  const count = first!.doc.shard?.count;
  const seen = new Map<number, string>();
  for (const { file, doc } of results) {
    if (doc.shard === undefined) throw badInput(`${file}: not a shard result (no shard field; write shards with fcbench run --shard i/N)`);
    if (doc.scenario.hash !== first!.doc.scenario.hash || doc.scenario.variant !== first!.doc.scenario.variant) {
      throw badInput(`${file}: a shard of another scenario (${label(doc)}) than ${first!.file} (${label(first!.doc)})`);
    }
    if (doc.shard.count !== count) throw badInput(`${file}: shard ${doc.shard.index}/${doc.shard.count}, but ${first!.file} is one of ${count}`);
    const other = seen.get(doc.shard.index);
    if (other !== undefined) throw badInput(`${file}: shard ${doc.shard.index}/${count} again (also ${other})`);
    seen.set(doc.shard.index, file);
  }
  const missing = Array.from({ length: count! }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) throw badInput(`shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} missing (merge needs every shard of the run)`);
  return { count: count! };
}

function label(doc: ResultDocument): string {
  return `${doc.scenario.name}${doc.scenario.variant === '' ? '' : ` [${doc.scenario.variant}]`} ${doc.scenario.hash.slice(0, 12)}`;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

function mergeLatency(parts: readonly LatencySummary[]): LatencySummary {
  return mergeEncoded(parts.map((p) => p.hdr).filter((hdr) => hdr !== ''));
}

/** Every latency summary of the document, merged key by key (the shape is the same in every shard). */
function mergeLatencyGroup<T extends Record<string, LatencySummary>>(groups: readonly T[]): T {
  const out: Record<string, LatencySummary> = {};
  for (const key of Object.keys(groups[0]!)) out[key] = mergeLatency(groups.map((g) => g[key]!));
  return out as T;
}

function sumRecords(records: ReadonlyArray<Record<string, number> | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r ?? {})) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** Timelines summed on a common clock: bucket t of a shard that started d s after the first lands at t + d. */
function mergeTimelines(docs: readonly ResultDocument[]): TimelineBucket[] {
  const startMs = Math.min(...docs.map((d) => Date.parse(d.startedAt)));
  const byT = new Map<number, TimelineBucket>();
  for (const doc of docs) {
    const offset = Math.round((Date.parse(doc.startedAt) - startMs) / 1000);
    for (const b of doc.timeline) {
      const t = b.t + offset;
      const into = byT.get(t);
      if (into === undefined) {
        byT.set(t, { ...b, t });
        continue;
      }
      for (const [key, value] of Object.entries(b)) {
        if (key === 't' || typeof value !== 'number') continue;
        const current = (into as unknown as Record<string, number | undefined>)[key];
        // Rates and counts add across shards; a duration is the bucket's, and a p99 is bounded by the worst shard's.
        const merged = key === 'durationMs' ? Math.max(current ?? 0, value) : /p\d+/i.test(key) ? Math.max(current ?? 0, value) : (current ?? 0) + value;
        (into as unknown as Record<string, number>)[key] = merged;
      }
    }
  }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

/** Publications are the same batch events seen by every shard's replicas: outdated serves add up, windows take the worst. */
function mergePublications(lists: ReadonlyArray<PublicationResult[] | undefined>): PublicationResult[] | undefined {
  const present = lists.filter((l): l is PublicationResult[] => l !== undefined);
  if (present.length === 0) return undefined;
  const byEvent = new Map<string, PublicationResult>();
  for (const list of present) {
    for (const p of list) {
      const id = `${p.at}|${p.featureSet}|${p.version}`;
      const into = byEvent.get(id);
      if (into === undefined) {
        byEvent.set(id, { ...p, windowByTier: { ...p.windowByTier } });
        continue;
      }
      into.outdatedServed += p.outdatedServed;
      into.uncommittedServed += p.uncommittedServed;
      into.redisCommands += p.redisCommands;
      into.windowMs = Math.max(into.windowMs, p.windowMs);
      for (const tier of ['local', 'redis', 'source'] as const) into.windowByTier[tier] = Math.max(into.windowByTier[tier], p.windowByTier[tier]);
    }
  }
  return [...byEvent.values()].sort((a, b) => a.at - b.at);
}

/** The scenario's prices and thresholds, from the resolved scenario every result carries. */
function scenarioParts(doc: ResultDocument): { prices: CostPrices | null; thresholds: Record<string, string> } {
  const resolved = doc.scenario.resolved as { cost?: CostPrices; thresholds?: Record<string, string> } | undefined;
  return { prices: resolved?.cost ?? null, thresholds: resolved?.thresholds ?? {} };
}

export function mergeShardResults(results: readonly NamedResult[]): ResultDocument {
  const { count } = checkShardSet(results);
  const docs = [...results].sort((a, b) => a.doc.shard!.index - b.doc.shard!.index).map((r) => r.doc);
  const first = docs[0]!;
  const requestsTotal = sum(docs.map((d) => d.requests.total));
  const durationMs = Math.max(...docs.map((d) => d.durationMs));
  const achievedRps = sum(docs.map((d) => d.throughput.achievedRps));
  const local = docs.map((d) => d.tiers.local);
  const redis = docs.map((d) => d.tiers.redis);
  const source = docs.map((d) => d.tiers.source);
  const localLookups = sum(local.map((t) => t.lookups));
  const localHits = sum(local.map((t) => t.hits));
  const redisLookups = sum(redis.map((t) => t.lookups));
  const redisHits = sum(redis.map((t) => t.hits));
  const sourceCalls = sum(source.map((t) => t.calls));
  // servedBy shares times each shard's requests are counts; their sums over the total are the union's shares.
  const served = (tier: 'local' | 'redis' | 'source' | 'none') => ratio(sum(docs.map((d) => d.tiers.servedBy[tier] * d.requests.total)), requestsTotal);
  const staleServed = sum(docs.map((d) => d.freshness.staleServed));
  const writes = sum(docs.map((d) => d.payload.writes));
  const byWrites = (pick: (d: ResultDocument) => number) => (writes > 0 ? sum(docs.map((d) => pick(d) * d.payload.writes)) / writes : pick(first));
  const rawBytes = byWrites((d) => d.payload.rawBytes);
  const encodedBytes = byWrites((d) => d.payload.encodedBytes);
  const episodes = docs.every((d) => d.stampede.episodes !== undefined) ? (sumRecords(docs.map((d) => d.stampede.episodes)) as Record<StampedeCause, number>) : undefined;
  const waiting = docs.every((d) => d.stampede.waiting !== undefined) ? sum(docs.map((d) => d.stampede.waiting!)) : undefined;
  const keys = docs.map((d) => d.redis.keys).filter((k): k is number => k !== null);
  const bytesPerKey = docs.map((d) => d.redis.bytesPerKey).filter((b): b is number => b !== null);
  const publications = mergePublications(docs.map((d) => d.freshness.publications));
  let replicaOffset = 0;

  const merged: ResultDocument = {
    ...first,
    startedAt: new Date(Math.min(...docs.map((d) => Date.parse(d.startedAt)))).toISOString(),
    durationMs,
    partial: docs.some((d) => d.partial),
    load: {
      ...first.load,
      dropped: sum(docs.map((d) => d.load.dropped)),
      scheduleLagP99: Math.max(...docs.map((d) => d.load.scheduleLagP99)),
      ...(first.load.rate === undefined ? {} : { rate: sum(docs.map((d) => d.load.rate ?? 0)) }),
      ...(first.load.concurrency === undefined ? {} : { concurrency: sum(docs.map((d) => d.load.concurrency ?? 0)) }),
      warmup: { requests: sum(docs.map((d) => d.load.warmup.requests)), durationMs: Math.max(...docs.map((d) => d.load.warmup.durationMs)) },
    },
    serving: {
      ...first.serving,
      // Each shard's replicas are replicas of their own: numbered on, shard by shard.
      replicas: docs.flatMap((d) => {
        const replicas = d.serving.replicas.map((r) => ({ ...r, id: r.id + replicaOffset }));
        replicaOffset += d.serving.replicas.length;
        return replicas;
      }),
    },
    requests: {
      total: requestsTotal,
      ok: sum(docs.map((d) => d.requests.ok)),
      errors: sum(docs.map((d) => d.requests.errors)),
      errorsByKind: sumRecords(docs.map((d) => d.requests.errorsByKind)),
    },
    throughput: { offeredRps: sum(docs.map((d) => d.throughput.offeredRps)), achievedRps },
    latency: {
      endToEnd: mergeLatency(docs.map((d) => d.latency.endToEnd)),
      byTier: mergeLatencyGroup(docs.map((d) => d.latency.byTier)),
      components: mergeLatencyGroup(docs.map((d) => d.latency.components)),
    },
    tiers: {
      local: { enabled: first.tiers.local.enabled, lookups: localLookups, hits: localHits, hitRatio: ratio(localHits, localLookups), staleHits: sum(local.map((t) => t.staleHits)) },
      redis: {
        lookups: redisLookups,
        hits: redisHits,
        hitRatio: ratio(redisHits, redisLookups),
        errors: sum(redis.map((t) => t.errors)),
        decodeErrors: sum(redis.map((t) => t.decodeErrors)),
      },
      source: { calls: sourceCalls, errors: sum(source.map((t) => t.errors)), callsPer1k: ratio(sourceCalls, requestsTotal) * 1000 },
      servedBy: { local: served('local'), redis: served('redis'), source: served('source'), none: served('none') },
    },
    stampede: {
      strategy: first.stampede.strategy,
      expiries: docs.flatMap((d) => d.stampede.expiries).sort((a, b) => a.at - b.at),
      maxOriginCallsPerExpiry: Math.max(...docs.map((d) => d.stampede.maxOriginCallsPerExpiry)),
      naturalExpiries: sum(docs.map((d) => d.stampede.naturalExpiries)),
      ...(episodes === undefined ? {} : { episodes }),
      ...(waiting === undefined ? {} : { waiting }),
    },
    freshness: {
      ...first.freshness,
      staleServed,
      staleRatio: ratio(staleServed, requestsTotal),
      byReason: sumRecords(docs.map((d) => d.freshness.byReason)) as ResultDocument['freshness']['byReason'],
      age: mergeLatency(docs.map((d) => d.freshness.age)),
      ...(publications === undefined ? {} : { publications }),
    },
    payload: { ...first.payload, rawBytes, encodedBytes, compressionRatio: encodedBytes > 0 ? rawBytes / encodedBytes : first.payload.compressionRatio, writes },
    redis: {
      ...first.redis,
      // One shared Redis: its memory before the first shard and after the last, and the largest key count any shard saw.
      usedMemoryBefore: Math.min(...docs.map((d) => d.redis.usedMemoryBefore)),
      usedMemoryAfter: docs.some((d) => d.redis.usedMemoryAfter === null) ? null : Math.max(...docs.map((d) => d.redis.usedMemoryAfter!)),
      keys: keys.length === 0 ? null : Math.max(...keys),
      bytesPerKey: bytesPerKey.length === 0 ? null : sum(bytesPerKey) / bytesPerKey.length,
    },
    timeline: mergeTimelines(docs),
    events: docs.flatMap((d) => d.events.map((e) => ({ ...e, shard: d.shard!.index }))).sort((a, b) => a.at - b.at),
    thresholds: [],
    shards: { count, indexes: docs.map((d) => d.shard!.index), timelineP99: 'max-of-shards', capacityOmitted: first.capacity !== undefined },
  };
  delete merged.shard;
  delete merged.capacity;
  delete merged.trial;

  const { prices, thresholds } = scenarioParts(first);
  if (prices !== null) {
    // vCPUs of all shards: each shard's compute share is computePerVcpuHour x vcpus / (3600 x its rps) x 1000.
    const vcpus = sum(docs.map((d) => (prices.computePerVcpuHour > 0 ? (d.cost.breakdown.compute * 3600 * d.throughput.achievedRps) / 1000 / prices.computePerVcpuHour : 0)));
    merged.cost = computeCost(
      { requests: requestsTotal, sourceCalls, achievedRps, redisBytesPerKey: merged.redis.bytesPerKey ?? 0, redisKeys: merged.redis.keys ?? 0, vcpus },
      prices,
    );
  }
  merged.thresholds = evaluateThresholds(merged, thresholds);
  return merged;
}
