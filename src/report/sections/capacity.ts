import type { ResultDocument, SizeForResult } from '../../results/result-types.js';
import { formatBytes, formatCount, formatRatio } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { chart, facts, note, section, table } from './parts.js';

/** Miss-ratio curves of the run's own stream, the sizes each hit ratio needs, and cost against Redis size. */
export function renderCapacity(result: ResultDocument, index: number, idPrefix: string): SafeHtml {
  const c = result.capacity;
  if (c === undefined) {
    const why = result.capacityError !== undefined ? `No miss-ratio curves: ${result.capacityError}.` : 'No miss-ratio curves in this result (metrics.mrc: false, or an older result).';
    return section(`${idPrefix}capacity`, 'Capacity', note(why));
  }
  const size = (s: SizeForResult | undefined) => (s === undefined || s.entries === null ? 'unreachable' : `${formatCount(s.entries)} (${formatBytes(s.bytes!)})`);
  const rows = c.sizeFor.redis.map((redis, i) => [formatRatio(redis.hitRatio), c.sizeFor.local === null ? '—' : size(c.sizeFor.local[i]), size(redis)]);
  const method = c.method === 'exact' ? 'exact LRU stack distances' : `SHARDS at ${formatRatio(c.sampleRate)} sampling (exact up to 65,536 entries)`;
  const cheapest = c.cheapest;
  return section(
    `${idPrefix}capacity`,
    'Capacity',
    html`${facts([
      ['Curves', method],
      ['Local size', `${formatCount(c.configured.localEntries)} per replica`],
      ['Local hit ratio there', c.configured.localHitRatio === null ? 'local tier off' : `${formatRatio(c.configured.localHitRatio)} curve, ${formatRatio(result.tiers.local.hitRatio)} measured`],
      ['Cheapest Redis size', cheapest === null ? '—' : `${formatCount(cheapest.redisEntries)} (${formatBytes(cheapest.redisBytes)})`],
      ['Its cost', cheapest === null ? '—' : `$${cheapest.costPerHour.toFixed(3)}/h, ${cheapest.redisNodes} node${cheapest.redisNodes === 1 ? '' : 's'}`],
    ])}${chart(
      'mrc',
      index,
      'Miss ratio against cache size',
      'What an LRU of each size would miss on this run’s stream: the local tier per replica (its own requests), Redis over the local misses. Dashed: the configured local size and the keys Redis held. TTL expiries are not in a curve.',
    )}${table(['hit ratio', 'local entries per replica', 'Redis entries'], rows, 'num')}${chart(
      'capacity-cost',
      index,
      'Cost per hour against Redis size',
      `Source reads at each Redis size (Redis lookups x its miss ratio) and Redis nodes for its memory, through the cost model at ${formatCount(result.cost.projection?.productionRps ?? result.throughput.achievedRps)} req/s.`,
    )}`,
  );
}
