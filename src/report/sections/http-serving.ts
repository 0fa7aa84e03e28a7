import type { ResultDocument } from '../../results/result-types.js';
import { formatCount, formatMs } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { note, table } from './parts.js';

/**
 * `load.mode: http`: which driver and what its figures mean, whether the service sent
 * Server-Timing (without it there are no per-tier figures, and the page says so), status codes,
 * and each replica process with its pid, its share and its fate. Empty for in-process runs.
 */
export function renderHttpServing(result: ResultDocument): SafeHtml {
  const http = result.load.http;
  const serving = result.serving.http;
  if (result.serving.mode !== 'http' || http === undefined || serving === undefined) return html``;
  const timing = serving.serverTiming;
  const noTiming =
    serving.note === undefined
      ? ''
      : html`<div class="banner warning" role="alert"><strong>No Server-Timing.</strong> ${serving.note}.</div>`;
  const codes = Object.entries(serving.statusCodes)
    .map(([code, n]) => `${code}: ${formatCount(n)}`)
    .join(', ');
  const inside = serving.inReplica;
  const rows = result.serving.replicas.map((r) => [
    `replica ${r.id}`,
    r.pid === 0 ? 'external' : String(r.pid),
    formatCount(r.requests),
    r.served === undefined ? '—' : formatCount(r.served),
    formatCount(r.localHits),
    formatCount(r.errors ?? 0),
    r.exit === undefined ? 'ran to the end' : `died at ${formatMs(r.exit.atMs)} (${r.exit.signal ?? `exit ${String(r.exit.code)}`})`,
  ]);
  return html`<div class="http-serving">${noTiming}
<div class="banner info"><strong>HTTP serving (${http.driver} driver, target ${http.target}).</strong> ${http.note}.
${formatCount(http.connections)} connections, pipelining ${String(http.pipelining)}, replica chosen ${http.routing}.
Server-Timing: ${formatCount(timing.withHeader)} responses with it, ${formatCount(timing.absent)} without, ${formatCount(timing.malformed)} malformed.
Status codes: ${codes === '' ? 'none' : codes}.</div>
${table(['replica', 'pid', 'requests sent', 'served (its own count)', 'local hits', 'errors', 'process'], rows, 'num')}
${
  inside === undefined
    ? ''
    : note(
        `Inside the replicas (their own histograms, without HTTP): local hit p50 ${formatMs(inside.latency.byTier.local.p50)}, ` +
          `end to end p50 ${formatMs(inside.latency.endToEnd.p50)}; over HTTP: local hit p50 ${formatMs(result.latency.byTier.local.p50)}, ` +
          `end to end p50 ${formatMs(result.latency.endToEnd.p50)}.`,
      )
}</div>`;
}
