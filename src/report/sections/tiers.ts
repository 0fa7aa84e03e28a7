import type { ResultDocument } from '../../results/result-types.js';
import { formatCount, formatNumber, formatRatio } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { chart, section, table } from './parts.js';

/** Where requests were served (share per tier) and each tier's own hit ratio. */
export function renderTiers(result: ResultDocument, index: number, idPrefix: string): SafeHtml {
  const { local, redis, source, servedBy } = result.tiers;
  const rows = [
    ['local LRU', local.enabled ? formatCount(local.lookups) : 'disabled', formatCount(local.hits), formatRatio(local.hitRatio), formatRatio(servedBy.local),
      `${formatCount(local.staleHits)} stale hits`],
    ['Redis', formatCount(redis.lookups), formatCount(redis.hits), formatRatio(redis.hitRatio), formatRatio(servedBy.redis),
      `${formatCount(redis.errors)} errors, ${formatCount(redis.decodeErrors)} decode errors`],
    ['source (feature store)', formatCount(source.calls), '—', '—', formatRatio(servedBy.source),
      `${formatCount(source.errors)} errors, ${formatNumber(source.callsPer1k)} calls per 1k requests`],
    ['not served (failed)', '—', '—', '—', formatRatio(servedBy.none), ''],
  ];
  const replicas = result.serving.replicas;
  const replicaTable =
    replicas.length > 1
      ? html`<h4>Replicas</h4>${table(
          ['replica', 'pid', 'requests', 'local hits', 'local hit ratio'],
          replicas.map((r) => [String(r.id), String(r.pid), formatCount(r.requests), formatCount(r.localHits),
            formatRatio(r.requests === 0 ? Number.NaN : r.localHits / r.requests)]),
          'num',
        )}`
      : '';
  return section(
    `${idPrefix}tiers`,
    'Where requests were served',
    html`<div class="grid2 narrow-chart">${table(['tier', 'lookups / calls', 'hits', 'hit ratio', 'served share', 'notes'], rows, 'num tiers')}
${chart('served', index, 'Share of requests served by each tier', 'Share of requests answered by each tier.')}</div>${replicaTable}`,
  );
}
