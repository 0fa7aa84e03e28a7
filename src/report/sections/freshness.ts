import type { ResultDocument } from '../../results/result-types.js';
import { formatCount, formatMs, formatRatio } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { NOT_REPORTED, orNotReported } from '../not-reported.js';
import { chart, facts, note, section, table } from './parts.js';

/** How old the served values were and why stale ones were served. */
export function renderFreshness(result: ResultDocument, index: number, idPrefix: string): SafeHtml {
  const f = result.freshness;
  const age = f.age as typeof f.age | null;
  const ageRow =
    age === null
      ? ['age of served values', NOT_REPORTED, '', '', '', '']
      : age.count === 0
      ? ['age of served values', '—', '—', '—', '—', '—']
      : ['age of served values', formatMs(age.p50), formatMs(age.p90), formatMs(age.p99), formatMs(age.max), formatMs(age.mean)];
  return section(
    `${idPrefix}freshness`,
    'Freshness',
    html`${facts([
      ['Stale serves', orNotReported(f.staleServed, (n) => `${formatCount(n)} (${formatRatio(f.staleRatio)} of requests)`)],
      ['Soft-expired', orNotReported(f.byReason.softExpired, formatCount)],
      ['Outdated version', formatCount(f.byReason.outdated)],
      ['Uncommitted', formatCount(f.byReason.uncommitted)],
    ])}${table(['', 'p50', 'p90', 'p99', 'max', 'mean'], [ageRow], 'num')}${renderPublications(result, index)}`,
  );
}

const msOrDash = (ms: number | null): string => (ms === null ? '—' : formatMs(ms));

/**
 * Batch publications: when each was committed, published and applied, what it left outdated for
 * how long (per tier), and what the invalidation cost; then how each replica's local tier heard.
 */
function renderPublications(result: ResultDocument, index: number): SafeHtml | '' {
  const publications = result.freshness.publications ?? [];
  if (publications.length === 0) return '';
  const rows = publications.map((p) => [
    `${p.featureSet} ${p.version}`,
    `${p.publication}, ${p.invalidation}`,
    p.rolledBackAt !== null ? `rolled back at ${formatMs(p.rolledBackAt)}` : msOrDash(p.committedAt),
    msOrDash(p.publishedAt),
    msOrDash(p.appliedAt),
    formatCount(p.changedEntities),
    formatCount(p.outdatedServed),
    formatCount(p.uncommittedServed),
    `${formatMs(p.windowByTier.local)} / ${formatMs(p.windowByTier.redis)}`,
    p.worstReplica === null ? '—' : `#${p.worstReplica.id} (${formatMs(p.worstReplica.windowMs)})`,
    formatCount(p.redisCommands),
  ]);
  const local = result.freshness.localInvalidation;
  const busRows = (local?.replicas ?? []).map((r) => [
    `replica ${r.id}`,
    formatCount(r.received),
    formatCount(r.dropped),
    r.latency.count === 0 ? '—' : formatMs(r.latency.p50),
    r.latency.count === 0 ? '—' : formatMs(r.latency.p99),
  ]);
  return html`<h3>Batch publications</h3>${chart(
    'freshness',
    index,
    'Outdated and uncommitted serves over time',
    'Served values whose content differed from the latest committed snapshot (outdated), or came from a snapshot never committed (uncommitted), per 1 s bucket. Dashed lines mark events.',
  )}${table(
    ['snapshot', 'publication, invalidation', 'committed', 'published', 'applied', 'changed', 'outdated', 'uncommitted', 'window local / Redis', 'worst replica', 'Redis commands'],
    rows,
    'num',
  )}${note('Times are from the start of the measured phase (a batch starts at its event time); a window runs from the commit to the last outdated serve from that tier.')}${
    local === undefined
      ? ''
      : html`<h3>Local tier invalidation: ${local.mode}</h3>${table(['', 'received', 'dropped', 'latency p50', 'latency p99'], busRows, 'num')}${note(
          local.mode === 'ttl'
            ? 'With ttl, replicas are not told: local entries age out at the local TTL.'
            : `Latency is from the cache updater's command to the replica's drop. Version-pointer reads: ${formatCount(local.pointerReads)}.`,
        )}`
  }`;
}
