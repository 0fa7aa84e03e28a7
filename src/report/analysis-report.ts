import path from 'node:path';
import type { AnalysisResult } from '../analyze/analyze-log.js';
import { analysisStem } from '../analyze/write-analysis.js';
import { writeFileAtomic } from '../results/atomic-write.js';
import { formatDurationMs } from '../scenario/units.js';
import { formatBytes, formatCount, formatDate, formatMs, formatRatio } from './format.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './render-report.js';
import { chart, facts, note, section, table } from './sections/parts.js';

/** What the analysis charts read (`results[0]` of the page data). */
interface AnalysisCharts {
  /** [rank, observed, fitted | null] on log-log axes. */
  rankFrequency: Array<[number, number, number | null]>;
  /** The exact LRU curve as sizeCurve points [entries, missRatio]. */
  curve: Array<[number, number]>;
  /** Requests/s over time: [seconds from the first line, rate]. */
  rate: Array<[number, number]> | null;
  /** Share of repeats within each TTL: labels and shares. */
  reuse: { labels: string[]; shares: number[] } | null;
}

function charts(a: AnalysisResult): AnalysisCharts {
  return {
    rankFrequency: a.rankFrequency,
    curve: a.mrc.map((p) => [p.entries, p.missRatio]),
    rate: a.time === null ? null : a.time.rate.map((p) => [p.tMs / 1000, p.perSecond]),
    reuse: a.time === null ? null : { labels: a.time.reuseWithin.map((r) => formatDurationMs(r.ttlMs)), shares: a.time.reuseWithin.map((r) => r.share) },
  };
}

function skewSection(a: AnalysisResult): SafeHtml {
  const fit = a.zipf;
  return section(
    'skew',
    'Skew',
    html`${facts([
      ['Zipf exponent', fit === null ? 'not fitted' : `${fit.exponent.toFixed(3)} (95% ${fit.low.toFixed(3)}..${fit.high.toFixed(3)})`],
      ['Top 1% of keys', formatRatio(a.topShare.top1Percent)],
      ['Top 10% of keys', formatRatio(a.topShare.top10Percent)],
      ['Top 100 keys', formatRatio(a.topShare.top100)],
      ['One-hit wonders', `${formatRatio(a.oneHitWonders.ratio)} of keys`],
    ])}
${note(
  fit === null
    ? 'Fewer than 10 keys were requested 10 times or more: too little to fit an exponent.'
    : `Maximum likelihood on the ${formatCount(fit.ranks)} keys requested at least 10 times (${formatCount(fit.requests)} requests); rarer keys are ranked by chance and are left out.`,
)}
${chart('log-rank', 0, 'requests per key by popularity rank, log-log, with the fitted Zipf line', 'Requests per key by rank (log-log): observed, and the fitted Zipf where it was fitted')}`,
  );
}

function curveSection(a: AnalysisResult): SafeHtml {
  const rows = a.sizeFor.map((s) => [formatRatio(s.hitRatio), s.entries === null ? 'unreachable' : formatCount(s.entries), s.bytes === null ? '—' : formatBytes(s.bytes)]);
  return section(
    'curve',
    'Miss-ratio curve (exact LRU)',
    html`${chart('log-mrc', 0, 'LRU miss ratio against cache entries', 'Miss ratio of an LRU cache of each size over this log (exact stack distances)')}
${table(['hit ratio', 'entries', 'bytes'], rows)}
${a.options.valueBytes === null ? note('Sizes in bytes need --value-bytes (the mean stored value size).') : note(`Bytes at ${formatBytes(a.options.valueBytes)} per stored value.`)}
${note('An unreachable hit ratio is above what any size gives: first requests of each key always miss.')}`,
  );
}

function timeSection(a: AnalysisResult): SafeHtml {
  const t = a.time;
  if (t === null) return section('time', 'Rate and reuse time', note('The log has no timestamps: CSV or JSON Lines with a ts column gives the rate over time and reuse times.'));
  return section(
    'time',
    'Rate and reuse time',
    html`${facts([
      ['Span', formatMs(t.spanMs)],
      ['Mean rate', `${formatCount(t.meanPerSecond)}/s`],
      ['Peak rate', `${formatCount(t.peakPerSecond)}/s (${formatMs(t.bucketMs)} buckets)`],
      ['Reuse p50', formatMs(t.reuse.p50Ms)],
      ['Reuse p90', formatMs(t.reuse.p90Ms)],
      ['Reuse p99', formatMs(t.reuse.p99Ms)],
    ])}
<div class="grid2">
${chart('log-rate', 0, 'requests per second over the log', 'Requests per second over the log')}
${chart('log-reuse', 0, 'share of repeat requests within each TTL', 'Share of repeat requests that came within a TTL of the previous one: the most a cache with that TTL can serve')}
</div>
${t.outOfOrder > 0 ? note(`${formatCount(t.outOfOrder)} lines were earlier than the line before them; their reuse times count as 0.`) : ''}`,
  );
}

/** The analysis of one request log as a self-contained page (the shell and script of run reports). */
export function renderAnalysisReport(a: AnalysisResult): string {
  const title = `fcbench analyze ${path.basename(a.file)}`;
  const body = html`<div class="report-title"><h1>${title}</h1><span class="generated">${formatDate(a.startedAt)}</span></div>
${facts([
  ['Log', `${a.file} (${a.format}, ${formatBytes(a.sizeBytes)})`],
  ['Requests', formatCount(a.requests)],
  ['Distinct keys', formatCount(a.uniqueKeys)],
  ['Read in', formatMs(a.elapsedMs)],
])}
${skewSection(a)}
${curveSection(a)}
${timeSection(a)}`;
  return renderPage({ title, body, data: { results: [{ analysis: charts(a) }], compare: null }, version: a.tool.version, footer: 'a request-log analysis' });
}

/** Writes `<dir>/<log>-analysis-<stamp>.html` atomically; returns its path. */
export async function writeAnalysisReport(a: AnalysisResult, dir: string): Promise<string> {
  const file = path.join(dir, `${analysisStem(a)}.html`);
  await writeFileAtomic(file, renderAnalysisReport(a));
  return file;
}
