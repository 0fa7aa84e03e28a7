import type { AnalysisResult } from '../analyze/analyze-log.js';
import { formatBytes, formatCount, formatMs, formatRatio } from '../report/format.js';
import { formatDurationMs } from '../scenario/units.js';

/** The terminal summary of `fcbench analyze`: a few aligned lines, the figures a capacity review asks for first. */
export function formatAnalysis(a: AnalysisResult): string {
  const rows: Array<[string, string]> = [
    ['log', `${a.file} (${a.format}${a.timed ? ', timestamps' : ''}, ${formatBytes(a.sizeBytes)}, read in ${formatMs(a.elapsedMs)})`],
    ['requests', `${formatCount(a.requests)} over ${formatCount(a.uniqueKeys)} distinct keys`],
    [
      'zipf exponent',
      a.zipf === null ? 'not fitted (fewer than 10 keys requested 10 times or more)' : `${a.zipf.exponent.toFixed(3)} (95% ${a.zipf.low.toFixed(3)}..${a.zipf.high.toFixed(3)}, fitted on the top ${formatCount(a.zipf.ranks)} keys)`,
    ],
    ['one-hit wonders', `${formatRatio(a.oneHitWonders.ratio)} of keys (${formatCount(a.oneHitWonders.keys)}) requested once`],
    ['traffic share', `top 1% of keys ${formatRatio(a.topShare.top1Percent)}, top 10% ${formatRatio(a.topShare.top10Percent)}, top 100 keys ${formatRatio(a.topShare.top100)}`],
    [
      'LRU size for hit ratio',
      a.sizeFor.map((s) => `${formatRatio(s.hitRatio)}: ${s.entries === null ? 'unreachable' : `${formatCount(s.entries)}${s.bytes === null ? '' : ` (${formatBytes(s.bytes)})`}`}`).join(', '),
    ],
  ];
  const t = a.time;
  if (t !== null) {
    rows.push(
      ['rate', `${formatCount(t.meanPerSecond)}/s mean, ${formatCount(t.peakPerSecond)}/s peak over ${formatMs(t.spanMs)}${t.outOfOrder > 0 ? ` (${formatCount(t.outOfOrder)} lines out of time order)` : ''}`],
      ['reuse time', `p50 ${formatMs(t.reuse.p50Ms)}, p90 ${formatMs(t.reuse.p90Ms)}, p99 ${formatMs(t.reuse.p99Ms)} over ${formatCount(t.reuse.count)} repeats`],
      ['repeats within TTL', t.reuseWithin.map((r) => `${formatDurationMs(r.ttlMs)} ${formatRatio(r.share)}`).join(', ')],
    );
  } else {
    rows.push(['rate, reuse time', 'no timestamps in the log (CSV/JSONL with a ts column gives them)']);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}
