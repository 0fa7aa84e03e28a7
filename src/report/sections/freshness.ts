import type { ResultDocument } from '../../results/result-types.js';
import { formatCount, formatMs, formatRatio } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { facts, section, table } from './parts.js';

/** How old the served values were and why stale ones were served. */
export function renderFreshness(result: ResultDocument, idPrefix: string): SafeHtml {
  const f = result.freshness;
  const age = f.age;
  const ageRow =
    age.count === 0
      ? ['age of served values', '—', '—', '—', '—', '—']
      : ['age of served values', formatMs(age.p50), formatMs(age.p90), formatMs(age.p99), formatMs(age.max), formatMs(age.mean)];
  return section(
    `${idPrefix}freshness`,
    'Freshness',
    html`${facts([
      ['Stale serves', `${formatCount(f.staleServed)} (${formatRatio(f.staleRatio)} of requests)`],
      ['Soft-expired', formatCount(f.byReason.softExpired)],
      ['Outdated version', formatCount(f.byReason.outdated)],
      ['Uncommitted', formatCount(f.byReason.uncommitted)],
    ])}${table(['', 'p50', 'p90', 'p99', 'max', 'mean'], [ageRow], 'num')}`,
  );
}
