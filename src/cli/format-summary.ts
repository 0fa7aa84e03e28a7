import { CAUSE_LABELS, CAUSES } from '../report/stampede-labels.js';
import type { LatencySummary, ResultDocument } from '../results/result-types.js';

/** Milliseconds in a unit that fits: µs below 1 ms, s from 10 s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 1) return `${(ms * 1000).toFixed(ms < 0.01 ? 1 : 0)}µs`;
  if (ms < 10_000) return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)}ms`;
  return `${(ms / 1000).toFixed(1)}s`;
}

export function formatPercent(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)}%` : '-';
}

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  return usd >= 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toPrecision(3)}`;
}

/** Aligns a table: the first column left, the others right, two spaces apart. */
export function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  return cells.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

/** A figure the cascade implementation could not give is null in the result: said so, never shown as 0. */
const shown = <T>(value: T | null, format: (value: T) => string = String): string => (value === null ? 'not reported' : format(value));

function latencyRow(name: string, s: LatencySummary | null, extra: string[]): string[] {
  if (s === null) return [name, 'not reported', '-', '-', '-', ...extra];
  const has = s.count > 0;
  return [name, String(s.count), has ? formatMs(s.p50) : '-', has ? formatMs(s.p95) : '-', has ? formatMs(s.p99) : '-', ...extra];
}

/** `episodes: 4681 cold misses, 0 expiries, 0 evictions, 1 event; 3 waited` (none for an older result without counts). */
function episodeLine(s: ResultDocument['stampede']): string[] {
  const episodes = s.episodes;
  if (episodes === undefined) return [];
  const counts = CAUSES.map((cause) => `${episodes[cause]} ${episodes[cause] === 1 ? CAUSE_LABELS[cause].one : CAUSE_LABELS[cause].many}`);
  const waited = s.waiting === undefined ? '' : `; ${shown(s.waiting)} requests waited`;
  return [`  episodes: ${counts.join(', ')}${waited}`];
}

/** The per-variant summary printed after a run: latency by tier, hits, origin load, freshness, cost. */
export function formatSummary(r: ResultDocument): string {
  const t = r.tiers;
  const rows = [
    ['tier', 'requests', 'p50', 'p95', 'p99', 'hit ratio', 'notes'],
    latencyRow('end-to-end', r.latency.endToEnd, ['', `${r.requests.errors} errors`]),
    latencyRow('local', r.latency.byTier.local, [t.local.enabled ? shown(t.local.hitRatio, formatPercent) : 'off', `${shown(t.local.hits)} hits`]),
    latencyRow('redis', r.latency.byTier.redis, [shown(t.redis.hitRatio, formatPercent), `${shown(t.redis.errors)} errors, ${shown(t.redis.decodeErrors)} decode errors`]),
    latencyRow('source', r.latency.byTier.source, ['', `${t.source.calls} origin calls`]),
  ];
  const driver = r.load.http === undefined ? '' : `, HTTP ${r.load.http.driver} driver`;
  const label = `${r.load.model === 'closed' ? 'closed loop (latency from actual start)' : 'open loop (latency from intended start)'}${driver}`;
  const lines = [
    `${r.scenario.name}${r.scenario.variant ? ` [${r.scenario.variant}]` : ''}${r.partial ? '  (PARTIAL: interrupted)' : ''}`,
    `  ${label}; ${r.requests.total} requests in ${(r.durationMs / 1000).toFixed(1)} s = ${r.throughput.achievedRps.toFixed(0)} req/s` +
      (r.load.model === 'open' ? ` (offered ${r.throughput.offeredRps.toFixed(0)}, dropped ${r.load.dropped})` : ''),
    pad(rows).replace(/^/gm, '  '),
    `  stampede (${r.stampede.strategy}): max origin calls per expiry ${r.stampede.maxOriginCallsPerExpiry}; ` +
      `stale served ${shown(r.freshness.staleServed, (n) => `${n} (${formatPercent(r.freshness.staleRatio)})`)}`,
    ...episodeLine(r.stampede),
    `  cost per 1k inferences ${formatUsd(r.cost.per1kInferences)} (without cache ${formatUsd(r.cost.noCachePer1kInferences)})`,
  ];
  if (r.simulation !== undefined) {
    const sim = r.simulation;
    lines.push(
      `  simulated: ${(sim.virtualDurationMs / 1000).toFixed(1)} s of virtual time in ${(sim.wallMs / 1000).toFixed(2)} s ` +
        `(${(sim.requestsPerSecond / 1e6).toFixed(2)}M requests/s; ${(sim.requestsPerCpuSecond / 1e6).toFixed(2)}M per CPU second), latencies from ${sim.latencyFrom}`,
    );
    for (const warning of sim.warnings) lines.push(`  note: ${warning}`);
  }
  // With deploys, how each cold start recovered (one line each; the report draws them).
  const coldStarts = r.coldStarts ?? [];
  if (coldStarts.some((c) => c.cause === 'deploy')) {
    for (const c of coldStarts) {
      const what = c.cause === 'start' ? 'start' : `deploy at ${(c.at / 1000).toFixed(1)} s${c.warmLocal ? ` (warmLocal ${c.warmLocal})` : ''}`;
      lines.push(`  cold start, ${what}: ${c.label}`);
    }
  }
  lines.push(...httpLines(r));
  if (r.implementation !== undefined && r.implementation.name !== 'fcbench') {
    const impl = r.implementation;
    lines.push(`  cascade: ${impl.library === undefined ? impl.name : `${impl.library.name} ${impl.library.version}`}; no equivalent for: ${impl.unmappedOptions.join('; ') || 'none'}`);
  }
  const kinds = Object.entries(r.requests.errorsByKind);
  if (kinds.length > 0) lines.push(`  errors met by kind: ${kinds.map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  if (r.redis.unavailableAtEnd === true) lines.push(`  Redis unavailable at the end: ${r.redis.note ?? 'no answer'}; memory and key figures not measured`);
  if (r.capacityError !== undefined) lines.push(`  NOTE: ${r.capacityError}`);
  if (r.redis.cleanup?.status === 'skipped') {
    lines.push(`  keys under ${r.redis.keyPrefix}: were NOT deleted (${r.redis.cleanup.reason}); delete them with SCAN + UNLINK on that prefix`);
  }
  for (const th of r.thresholds) {
    lines.push(`  ${th.passed ? 'PASS' : 'FAIL'} ${th.metric} ${th.expression} (actual ${th.actual === null ? 'missing' : th.actual})`);
  }
  return lines.join('\n');
}

/** One progress line: elapsed, throughput, p99, hit ratios. */
export function formatProgress(p: { elapsedMs: number; phase: string; rps: number; p99Ms: number; localHitRatio: number; redisHitRatio: number; errors: number }): string {
  return (
    `${p.phase} ${(p.elapsedMs / 1000).toFixed(0).padStart(4)}s  ${p.rps.toFixed(0).padStart(7)} req/s  ` +
    `p99 ${formatMs(p.p99Ms).padStart(8)}  local ${formatPercent(p.localHitRatio).padStart(6)}  ` +
    `redis ${formatPercent(p.redisHitRatio).padStart(6)}  errors ${p.errors}`
  );
}

/** HTTP mode: Server-Timing coverage and each replica process (pid, requests, errors, fate). */
function httpLines(r: ResultDocument): string[] {
  const http = r.serving.http;
  if (r.serving.mode !== 'http' || http === undefined) return [];
  const t = http.serverTiming;
  const lines = [`  Server-Timing: ${t.withHeader} with, ${t.absent} without, ${t.malformed} malformed`];
  if (http.note !== undefined) lines.push(`  NOTE: ${http.note}`);
  const replicas = r.serving.replicas.map(
    (x) => `${x.pid === 0 ? 'external' : `pid ${x.pid}`} ${x.requests} req${x.errors ? ` ${x.errors} errors` : ''}${x.exit ? ` (died: ${x.exit.signal ?? `exit ${x.exit.code}`})` : ''}`,
  );
  lines.push(`  replicas: ${replicas.join('; ')}`);
  if (http.inReplica !== undefined) {
    lines.push(`  inside the replicas (no HTTP): local hit p50 ${formatMs(http.inReplica.latency.byTier.local.p50)}, end to end p50 ${formatMs(http.inReplica.latency.endToEnd.p50)}`);
  }
  return lines;
}
