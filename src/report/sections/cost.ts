import type { ResultDocument } from '../../results/result-types.js';
import { formatBytes, formatCount, formatNumber, formatRatio, formatUsd } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { chart, facts, note, section } from './parts.js';

/** Cost per 1k inferences with and without the cache, its breakdown, and the production projection. */
export function renderCost(result: ResultDocument, index: number, idPrefix: string): SafeHtml {
  const c = result.cost;
  const saving = c.noCachePer1kInferences > 0 ? 1 - c.per1kInferences / c.noCachePer1kInferences : Number.NaN;
  const projection = c.projection;
  const projected =
    projection === null
      ? note('No production projection: the scenario sets no cost.productionRps.')
      : html`<h4>Projected to ${formatCount(projection.productionRps)} req/s</h4>${facts([
          ['Origin reads', `${formatNumber(projection.originQps)} /s`],
          ['Redis memory', formatBytes(projection.redisMemoryBytes)],
          ['Redis nodes', formatCount(projection.redisNodes)],
          ['Cost per hour', formatUsd(projection.costPerHour)],
          ['Without cache', `${formatUsd(projection.noCachePerHour)} per hour`],
          ['Per month (730 h)', `${formatUsd(projection.costPerHour * 730)} vs ${formatUsd(projection.noCachePerHour * 730)}`],
        ])}`;
  return section(
    `${idPrefix}cost`,
    'Cost per 1k inferences',
    html`<div class="grid2 narrow-chart"><div>${facts([
      ['With cache', formatUsd(c.per1kInferences)],
      ['Without cache', formatUsd(c.noCachePer1kInferences)],
      ['Saving', formatRatio(saving)],
      ['Source reads', formatUsd(c.breakdown.source)],
      ['Redis', formatUsd(c.breakdown.redis)],
      ['Compute', formatUsd(c.breakdown.compute)],
    ])}${projected}</div>
${chart('cost', index, 'Cost per 1k inferences with and without the cache', 'USD per 1,000 inferences, by component.')}</div>`,
  );
}
