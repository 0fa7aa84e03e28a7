import type { ResultDocument, ResultEvent } from '../../results/result-types.js';
import { formatMs } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { chart, note, section, table } from './parts.js';

/** `featureSet=credit_features, version=v8`: an event's own fields besides at/kind/duration. */
export function eventDetails(event: ResultEvent): string {
  return Object.entries(event)
    .filter(([key]) => key !== 'at' && key !== 'kind' && key !== 'durationMs')
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

/** Over-time charts with the scenario's events drawn as markers, and the event list itself. */
export function renderTimeline(result: ResultDocument, index: number, idPrefix: string): SafeHtml {
  const events =
    result.events.length === 0
      ? note('No events in this scenario.')
      : table(
          ['at', 'event', 'lasted', 'details'],
          result.events.map((e) => [formatMs(e.at), e.kind, e.durationMs === undefined ? '—' : formatMs(e.durationMs), eventDetails(e)]),
        );
  if (result.timeline.length === 0) {
    return section(`${idPrefix}timeline`, 'Over time', html`${note('No timeline buckets recorded.')}${events}`);
  }
  const width = result.timeline.length > 1 ? (result.timeline[1]?.t ?? 1) - (result.timeline[0]?.t ?? 0) : 1;
  const perBucket = `per ${width} s bucket`;
  const charts = html`<div class="grid2">
${chart('throughput', index, 'Throughput over time', `Achieved requests per second; dropped arrivals ${perBucket}. Dashed lines mark events.`)}
${chart('p99', index, 'p99 latency over time', 'End-to-end p99 latency of each bucket.')}
${chart('hits', index, 'Hits per tier and source calls over time', `Local hits, Redis hits and source (origin) calls ${perBucket}${result.timeline.some((b) => (b.warmedKeys ?? 0) > 0) ? ', and the keys a progressive warm-up wrote in the background' : ''}.`)}
${chart('problems', index, 'Stale serves and errors over time', `Stale values served, and requests that failed or met an error on the way (a Redis error the failure policy hid counts), ${perBucket}.`)}
</div>`;
  return section(`${idPrefix}timeline`, 'Over time', html`${charts}<h4>Events</h4>${events}`);
}
