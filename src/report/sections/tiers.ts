import { renderRedisNodes } from './redis-nodes.js';
import type { ResultDocument } from '../../results/result-types.js';
import { formatCount, formatNumber, formatRatio } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { orNotReported } from '../not-reported.js';
import { chart, section, table } from './parts.js';

/** Where requests were served (share per tier) and each tier's own hit ratio. */
export function renderTiers(result: ResultDocument, index: number, idPrefix: string): SafeHtml {
  const { local, redis, source, servedBy } = result.tiers;
  const rows = [
    ['local LRU', local.enabled ? orNotReported(local.lookups, formatCount) : 'disabled', orNotReported(local.hits, formatCount), orNotReported(local.hitRatio, formatRatio),
      orNotReported(servedBy.local, formatRatio), `stale hits: ${orNotReported(local.staleHits, formatCount)}`],
    ['Redis', orNotReported(redis.lookups, formatCount), orNotReported(redis.hits, formatCount), orNotReported(redis.hitRatio, formatRatio), orNotReported(servedBy.redis, formatRatio),
      `errors: ${orNotReported(redis.errors, formatCount)}, decode errors: ${orNotReported(redis.decodeErrors, formatCount)}`],
    ['source (feature store)', formatCount(source.calls), '—', '—', orNotReported(servedBy.source, formatRatio),
      `${formatCount(source.errors)} errors, ${formatNumber(source.callsPer1k)} calls per 1k requests`],
    ['not served (failed)', '—', '—', '—', formatRatio(servedBy.none), ''],
  ];
  const replicas = result.serving.replicas;
  const replicaTable =
    replicas.length > 1
      ? html`<h4>Replicas</h4>${table(
          ['replica', 'pid', 'requests', 'local hits', 'local hit ratio'],
          replicas.map((r) => [String(r.id), String(r.pid), formatCount(r.requests), orNotReported(r.localHits, formatCount),
            orNotReported(r.localHits, (hits) => formatRatio(r.requests === 0 ? Number.NaN : hits / r.requests))]),
          'num',
        )}`
      : '';
  return section(
    `${idPrefix}tiers`,
    'Where requests were served',
    html`<div class="grid2 narrow-chart">${table(['tier', 'lookups / calls', 'hits', 'hit ratio', 'served share', 'notes'], rows, 'num tiers')}
${chart('served', index, 'Share of requests served by each tier', 'Share of requests answered by each tier.')}</div>${replicaTable}${renderRedisNodes(result, index)}`,
  );
}
