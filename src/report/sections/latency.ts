import type { LatencySummary, ResultDocument } from '../../results/result-types.js';
import { formatCount, formatMs } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { NOT_REPORTED } from '../not-reported.js';
import { chart, note, section, table } from './parts.js';

const HEAD = ['', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'count'] as const;

function row(label: string, s: LatencySummary | null): string[] {
  if (s === null) return [label, NOT_REPORTED, '', '', '', '', '', ''];
  if (s.count === 0) return [label, '—', '—', '—', '—', '—', '—', '0'];
  return [label, formatMs(s.p50), formatMs(s.p90), formatMs(s.p95), formatMs(s.p99), formatMs(s.p999), formatMs(s.max), formatCount(s.count)];
}

/** Labels of the per-step timings, in the order a miss walks through them. */
const COMPONENTS: readonly (readonly [keyof ResultDocument['latency']['components'], string])[] = [
  ['scheduleLag', 'schedule lag (open loop)'],
  ['localGet', 'local get'],
  ['redisGet', 'Redis GET'],
  ['decode', 'decode'],
  ['lockWait', 'lock / single-flight wait'],
  ['sourceQueue', 'source queue'],
  ['sourceFetch', 'source fetch (incl. queue)'],
  ['encode', 'encode'],
  ['redisSet', 'Redis SET'],
];

/** Latency end to end and per serving tier: table, spectrum chart, and the per-step components. */
export function renderLatency(result: ResultDocument, index: number, idPrefix: string): SafeHtml {
  const { endToEnd, byTier, components } = result.latency;
  const closedNote =
    result.load.model === 'closed'
      ? note('Closed-loop figures: measured from when each request was actually sent, not from an intended start.')
      : note('Open loop: measured from each request’s intended start time, so queueing delay is included.');
  const tiers = table(HEAD, [
    row('end to end', endToEnd),
    row('served by local', byTier.local),
    row('served by Redis', byTier.redis),
    row('served by source', byTier.source),
  ], 'num');
  const steps = table(
    HEAD,
    // A step the implementation cannot time (null) is said so; one that never ran is left out.
    COMPONENTS.filter(([key]) => (components[key] as LatencySummary | null)?.count !== 0).map(([key, label]) => row(label, components[key])),
    'num',
  );
  const spectrum =
    endToEnd.count > 0 && endToEnd.hdr !== ''
      ? chart(
          'spectrum',
          index,
          'Latency percentile spectrum, end to end and per tier',
          'Latency by percentile on a “nines” axis (90%, 99%, 99.9%…), from the stored HDR histograms. Log scale.',
        )
      : note('No latency histogram recorded.');
  return section(
    `${idPrefix}latency`,
    'Latency',
    html`${closedNote}${tiers}${spectrum}<h4>Steps of a request</h4>${steps}`,
  );
}
