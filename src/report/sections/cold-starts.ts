import type { ColdStartResult, ResultDocument } from '../../results/result-types.js';
import { formatCount, formatMs, formatRatio } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import { chart, note, section, table } from './parts.js';

const STEADY_DEFINITION =
  'Steady: the median served-from-cache share ((local + Redis hits) / requests) of 250 ms windows over the last third of the span, which runs from when the cold replicas took traffic to the next deploy or the end. Time to steady: from when the cold replicas took traffic to the end of the first window at 90% of it; a deploy’s preload (warmLocal) comes before that, with the old replicas serving, and is shown apart.';

function orDash<T>(value: T | null, format: (v: T) => string): string {
  return value === null ? '—' : format(value);
}

function rows(coldStarts: readonly ColdStartResult[]): string[][] {
  return coldStarts.map((c) => [
    c.cause === 'start' ? 'start' : `deploy${c.warmLocal ? ` (warmLocal ${formatCount(c.warmLocal)})` : ''}`,
    formatMs(c.at),
    c.servingAt > c.at + 0.5 ? formatMs(c.servingAt - c.at) : '—',
    orDash(c.steadyShare, formatRatio),
    orDash(c.timeToSteadyMs, formatMs),
    formatCount(c.originCalls),
    orDash(c.local.steadyShare, formatRatio),
    orDash(c.local.timeToSteadyMs, formatMs),
    orDash(c.local.excessMisses, formatCount),
    c.label,
  ]);
}

/** The run's start and each deploy: the dip in the served-from-cache share and how fast it recovered. */
export function renderColdStarts(result: ResultDocument, index: number, idPrefix: string): SafeHtml {
  const coldStarts = result.coldStarts;
  if (coldStarts === undefined) return section(`${idPrefix}cold-starts`, 'Cold starts', note('No cold-start metrics in this result (an older result).'));
  return section(
    `${idPrefix}cold-starts`,
    'Cold starts',
    html`${chart(
      'cold-start',
      index,
      'Served-from-cache share over time, with deploys and time to steady',
      'Share of requests served by the local tier or Redis, and by the local tier alone, per 250 ms from traffic start (negative seconds: the warmup). Dashed: deploys; dotted: when each cold start reached 90% of its steady share.',
    )}${table(
      ['cold start', 'at', 'switched after', 'steady share', 'time to steady', 'origin calls', 'local steady', 'local time to steady', 'excess local misses', 'what happened'],
      rows(coldStarts),
      'num',
    )}${note(STEADY_DEFINITION)}`,
  );
}

/** Every variant's cold starts side by side, and their share curves on one chart (a matrix comparing warming). */
export function renderColdStartComparison(results: readonly ResultDocument[], labels: readonly string[]): SafeHtml {
  if (!results.some((r) => r.coldStarts !== undefined && r.coldStarts.length > 1)) return html``;
  const lines = results.flatMap((r, i) => (r.coldStarts ?? []).map((c) => [labels[i] ?? '', ...rows([c])[0]!]));
  return section(
    'cold-start-comparison',
    'Cold starts side by side',
    html`${chart(
      'cold-start-compare',
      'compare',
      'Served-from-cache share of every variant over time',
      'Every variant’s served-from-cache share (solid) and local share (dashed) per 250 ms, on one time axis. Markers: the first variant’s deploys.',
    )}${table(
      ['variant', 'cold start', 'at', 'switched after', 'steady share', 'time to steady', 'origin calls', 'local steady', 'local time to steady', 'excess local misses', 'what happened'],
      lines,
      'num',
    )}${note(STEADY_DEFINITION)}`,
  );
}
