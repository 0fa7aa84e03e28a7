import type { ResultDocument } from '../../results/result-types.js';
import { formatCount, formatMs } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { chart, facts, note, section, table } from './parts.js';

/** What happened when hot keys expired together: origin calls, waiters, stale serves, tail latency. */
export function renderStampede(result: ResultDocument, index: number, idPrefix: string): SafeHtml {
  const s = result.stampede;
  const summary = facts([
    ['Strategy', s.strategy],
    ['Worst origin calls per expiry', formatCount(s.maxOriginCallsPerExpiry)],
    ['Natural expiries observed', formatCount(s.naturalExpiries)],
    ['Expiries listed', formatCount(s.expiries.length)],
  ]);
  if (s.expiries.length === 0) {
    return section(`${idPrefix}stampede`, 'Stampedes', html`${summary}${note('No expiries were recorded in this run.')}`);
  }
  const rows = s.expiries.map((e) => [
    formatMs(e.at), e.cause, formatCount(e.keys), formatCount(e.originCalls), formatCount(e.maxOriginCallsPerKey),
    formatCount(e.waiting), formatCount(e.staleServed), formatMs(e.p99),
  ]);
  return section(
    `${idPrefix}stampede`,
    'Stampedes',
    html`${summary}${table(['at', 'cause', 'keys', 'origin calls', 'max per key', 'waiters', 'stale served', 'p99'], rows, 'num')}
${chart('stampede', index, 'Origin calls, waiters and stale serves per expiry', 'Bars: origin calls, waiters and stale serves per expiry (left axis); line: p99 latency of the affected keys (right axis).')}`,
  );
}
