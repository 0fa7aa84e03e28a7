import type { LatencySummary, ResultDocument } from '../results/result-types.js';
import { formatDate } from './format.js';
import { spectrumOf, type SpectrumPoint } from './spectrum.js';
import { causeLabel } from './stampede-labels.js';

/** `[nines, valueMs, percentile]`: compact, since a comparison carries a few hundred of these. */
export type SpectrumTuple = [number, number, number];

export interface SpectrumCurve {
  label: string;
  points: SpectrumTuple[];
}

/** What the page script needs to draw one result's charts; everything else is server-rendered HTML. */
export interface ResultChartData {
  label: string;
  spectra: SpectrumCurve[];
  timeline: {
    /** Bucket start, s since the measured phase started. */
    t: number[];
    rps: number[];
    p99Ms: number[];
    localHits: number[];
    redisHits: number[];
    sourceCalls: number[];
    staleServed: number[];
    outdated: number[];
    uncommitted: number[];
    errors: number[];
    dropped: number[];
    /** Keys a progressive warm-up wrote per bucket; empty when the run did not warm in the background. */
    warmedKeys: number[];
  };
  /** Events in seconds, to line up with the timeline's x axis. */
  events: { atS: number; durationS: number; label: string }[];
  servedBy: { local: number; redis: number; source: number; none: number };
  stampede: { labels: string[]; originCalls: number[]; waiting: number[]; staleServed: number[]; p99Ms: number[] };
  cost: { source: number; redis: number; compute: number; noCache: number };
  /** A Redis Cluster's nodes that served (masters at the end, and any that went unreachable): keys and commands each; null on a single server. */
  redisNodes: { labels: string[]; keys: number[]; commands: number[] } | null;
  /** Miss-ratio curves as [entries, missRatio], and cost per hour against Redis size; null without `capacity`. */
  capacity: {
    local: [number, number][] | null;
    redis: [number, number][];
    localEntries: number;
    redisKeys: number | null;
    cost: [number, number][];
    cheapestEntries: number | null;
  } | null;
  /** The served-from-cache series (s since the measured phase, shares 0..1) and its markers; null in older results. */
  coldStart: ColdStartCurve | null;
}

export interface ColdStartCurve {
  label: string;
  /** Window ends, s since the measured phase started (negative in the warmup). */
  t: number[];
  served: (number | null)[];
  local: (number | null)[];
  /** Deploys, and when each cold start reached 90% of its steady share. */
  deploys: { atS: number; label: string }[];
  steady: { atS: number; label: string }[];
}

export interface PageData {
  results: ResultChartData[];
  /** End-to-end spectra of every result, overlaid; null for a single-result report. */
  compare: SpectrumCurve[] | null;
  /** Every result's cold-start curve on one chart; null for a single result or when none has one. */
  coldStartCompare: ColdStartCurve[] | null;
}

/** How a result is named where several share a chart: its variant, else scenario name and date. */
export function resultLabel(result: ResultDocument): string {
  return result.scenario.variant !== '' ? result.scenario.variant : `${result.scenario.name} @ ${formatDate(result.startedAt)}`;
}

function tuples(points: SpectrumPoint[]): SpectrumTuple[] {
  // 4 significant digits is far below what a 3-digit HDR histogram resolves; it keeps the JSON small.
  return points.map((p) => [p.nines, Number(p.valueMs.toPrecision(4)), Number(p.percentile.toPrecision(8))]);
}

/** A corrupt or missing histogram costs its curve, not the whole report. */
function decodeOrEmpty(summary: LatencySummary | undefined): SpectrumPoint[] {
  if (typeof summary?.hdr !== 'string') return [];
  try {
    return spectrumOf(summary);
  } catch {
    return [];
  }
}

function curves(result: ResultDocument): SpectrumCurve[] {
  const { endToEnd, byTier } = result.latency as { endToEnd: LatencySummary; byTier?: Partial<ResultDocument['latency']['byTier']> };
  const candidates: [string, LatencySummary | undefined][] = [
    ['end to end', endToEnd],
    ['served by local', byTier?.local],
    ['served by Redis', byTier?.redis],
    ['served by source', byTier?.source],
  ];
  return candidates
    .map(([label, summary]) => ({ label, points: tuples(decodeOrEmpty(summary)) }))
    .filter((curve) => curve.points.length > 0);
}

function resultData(result: ResultDocument, spectra: SpectrumCurve[]): ResultChartData {
  const tl = result.timeline;
  return {
    label: resultLabel(result),
    spectra,
    timeline: {
      t: tl.map((b) => b.t),
      rps: tl.map((b) => b.rps),
      p99Ms: tl.map((b) => b.p99),
      localHits: tl.map((b) => b.localHits),
      redisHits: tl.map((b) => b.redisHits),
      sourceCalls: tl.map((b) => b.sourceCalls),
      staleServed: tl.map((b) => b.staleServed),
      outdated: tl.map((b) => b.outdated ?? 0),
      uncommitted: tl.map((b) => b.uncommitted ?? 0),
      errors: tl.map((b) => b.errors),
      dropped: tl.map((b) => b.dropped),
      warmedKeys: tl.some((b) => (b.warmedKeys ?? 0) > 0) ? tl.map((b) => b.warmedKeys ?? 0) : [],
    },
    events: result.events.map((e) => ({ atS: e.at / 1000, durationS: (e.durationMs ?? 0) / 1000, label: e.kind })),
    servedBy: { ...result.tiers.servedBy },
    stampede: {
      labels: result.stampede.expiries.map((e) => `${causeLabel(e.cause)} @ ${Number((e.at / 1000).toPrecision(4))} s`),
      originCalls: result.stampede.expiries.map((e) => e.originCalls),
      waiting: result.stampede.expiries.map((e) => e.waiting),
      staleServed: result.stampede.expiries.map((e) => e.staleServed),
      p99Ms: result.stampede.expiries.map((e) => e.p99),
    },
    cost: { ...result.cost.breakdown, noCache: result.cost.noCachePer1kInferences },
    redisNodes: redisNodesData(result),
    capacity: capacityData(result),
    coldStart: coldStartData(result),
  };
}

function coldStartData(result: ResultDocument): ColdStartCurve | null {
  const series = result.coldStartSeries;
  if (series === undefined) return null;
  const share = (hits: readonly number[]) => series.requests.map((n, i) => (n > 0 ? Number((hits[i]! / n).toPrecision(4)) : null));
  const seconds = (ms: number) => Number((ms / 1000).toPrecision(6));
  return {
    label: resultLabel(result),
    t: series.requests.map((_, i) => seconds(series.at + (i + 1) * series.windowMs)),
    served: share(series.cached),
    local: share(series.local),
    deploys: (result.coldStarts ?? []).filter((c) => c.cause === 'deploy').map((c) => ({ atS: seconds(c.at), label: c.warmLocal ? `deploy (warmLocal ${c.warmLocal})` : 'deploy' })),
    steady: (result.coldStarts ?? [])
      .filter((c) => c.timeToSteadyMs !== null)
      .map((c) => ({ atS: seconds(c.servingAt + c.timeToSteadyMs!), label: `steady +${(c.timeToSteadyMs! / 1000).toFixed(2)} s` })),
  };
}

function capacityData(result: ResultDocument): ResultChartData['capacity'] {
  const c = result.capacity;
  if (c === undefined) return null;
  const pairs = (curve: readonly { entries: number; missRatio: number }[]): [number, number][] => curve.map((p) => [p.entries, p.missRatio]);
  return {
    local: c.mrc.local === null ? null : pairs(c.mrc.local),
    redis: pairs(c.mrc.redis),
    localEntries: c.configured.localEntries,
    redisKeys: result.redis.keys,
    cost: c.costBySize.map((p) => [p.redisEntries, Number(p.costPerHour.toPrecision(6))]),
    cheapestEntries: c.cheapest?.redisEntries ?? null,
  };
}

const EMPTY_DATA: ResultChartData = {
  label: '',
  spectra: [],
  timeline: { t: [], rps: [], p99Ms: [], localHits: [], redisHits: [], sourceCalls: [], staleServed: [], outdated: [], uncommitted: [], errors: [], dropped: [], warmedKeys: [] },
  events: [],
  servedBy: { local: 0, redis: 0, source: 0, none: 0 },
  stampede: { labels: [], originCalls: [], waiting: [], staleServed: [], p99Ms: [] },
  cost: { source: 0, redis: 0, compute: 0, noCache: 0 },
  redisNodes: null,
  capacity: null,
  coldStart: null,
};

function redisNodesData(result: ResultDocument): ResultChartData['redisNodes'] {
  const nodes = (result.redis.nodes ?? []).filter((n) => n.role !== 'replica');
  if (nodes.length === 0) return null;
  return {
    labels: nodes.map((n) => (n.role === 'unreachable' ? `${n.address} (unreachable at the end)` : n.address)),
    keys: nodes.map((n) => n.keys ?? 0),
    commands: nodes.map((n) => n.commandsProcessed ?? 0),
  };
}

/** Builds the JSON embedded in the page (decoding every HDR histogram once, here in Node). */
export function buildPageData(results: readonly ResultDocument[]): PageData {
  const spectra = results.map(curves);
  const data = results.map((r, i) => {
    try {
      return resultData(r, spectra[i] ?? []);
    } catch {
      // A hand-trimmed result file: its sections say what is missing; draw what we can.
      return { ...EMPTY_DATA, label: resultLabel(r), spectra: spectra[i] ?? [] };
    }
  });
  const compare =
    results.length > 1
      ? results.map((r, i) => ({ label: resultLabel(r), points: spectra[i]?.[0]?.label === 'end to end' ? spectra[i]?.[0]?.points ?? [] : [] }))
      : null;
  const coldCurves = data.map((d) => d.coldStart).filter((c): c is ColdStartCurve => c !== null);
  return { results: data, compare, coldStartCompare: results.length > 1 && coldCurves.length > 0 ? coldCurves : null };
}
