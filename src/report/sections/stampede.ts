import type { ResultDocument } from '../../results/result-types.js';
import { formatCount, formatMs } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { causeLabel, episodeCounts } from '../stampede-labels.js';
import { orNotReported } from '../not-reported.js';
import { chart, facts, note, section, table } from './parts.js';

/**
 * What happened when keys needed the source: episodes by cause (cold miss, expiry, eviction,
 * event), and for the listed ones origin calls, waiters, stale serves and tail latency.
 */
export function renderStampede(result: ResultDocument, index: number, idPrefix: string): SafeHtml {
  const s = result.stampede;
  const counts = episodeCounts(s, formatCount);
  const summary = facts([
    ['Strategy', s.strategy],
    ['Worst origin calls per expiry or event', formatCount(s.maxOriginCallsPerExpiry)],
    ...(counts ?? [['Cold misses and expiries (not told apart in this older result)', formatCount(s.naturalExpiries)] as [string, string]]),
    ...(s.waiting === undefined ? [] : [['Requests that waited', orNotReported(s.waiting, formatCount)] as [string, string]]),
    ['Episodes listed', formatCount(s.expiries.length)],
  ]);
  if (s.expiries.length === 0) {
    return section(
      `${idPrefix}stampede`,
      'Stampedes',
      html`${summary}${note('No episode had 2 or more origin calls or a waiter, and no expire-hot event fired: nothing stampeded.')}`,
    );
  }
  const rows = s.expiries.map((e) => [
    formatMs(e.at), causeLabel(e.cause), formatCount(e.keys), formatCount(e.originCalls), formatCount(e.maxOriginCallsPerKey),
    orNotReported(e.waiting, formatCount), orNotReported(e.staleServed, formatCount), formatMs(e.p99),
  ]);
  return section(
    `${idPrefix}stampede`,
    'Stampedes',
    html`${summary}${table(['at', 'what happened', 'keys', 'origin calls', 'max per key', 'waiters', 'stale served', 'p99'], rows, 'num')}
${note('Listed: every expire-hot event, and the worst other episodes with 2 or more origin calls or a waiter. A single fetch nobody waited for is an ordinary miss, only counted above.')}
${chart('stampede', index, 'Origin calls, waiters and stale serves per episode', 'Bars: origin calls, waiters and stale serves per listed episode (left axis); line: p99 latency of the affected keys (right axis).')}`,
  );
}
