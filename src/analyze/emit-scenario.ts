import type { LogAnalysis } from './log-analysis.js';
import type { LogFormat } from './log-reader.js';

/**
 * A `keys:` block (and, for a timed log, a `load:` block) that reproduce a log's shape in a
 * scenario: as many entities as the log has distinct keys, Zipf at the fitted exponent, and an
 * open loop at the log's mean rate. YAML with comments saying where each number came from. Pure.
 *
 * The distinct keys seen are a floor on the real key space (keys never requested in the window
 * are missing), which the comment says. A log too small to fit gets `uniform`, also said.
 */
export function emitScenarioBlock(analysis: LogAnalysis, source: { file: string; format: LogFormat; gzip: boolean }): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [`# The shape of ${source.file} (fcbench analyze): ${n(analysis.requests)} requests over ${n(analysis.uniqueKeys)} distinct keys.`];
  const entities = Math.max(1, analysis.uniqueKeys);
  lines.push('# entities: the distinct keys seen, a floor on the real key space (keys not requested in this log are missing).');
  const fit = analysis.zipf;
  if (fit !== null) {
    lines.push(
      `# exponent: maximum-likelihood Zipf fit on the ${n(fit.ranks)} keys requested >= 10 times (95% interval ${fit.low.toFixed(3)}..${fit.high.toFixed(3)}).`,
      `# Top 1% of keys: ${(analysis.topShare.top1Percent * 100).toFixed(1)}% of requests; one-hit wonders: ${(analysis.oneHitWonders.ratio * 100).toFixed(1)}% of keys.`,
      'keys:',
      `  entities: ${entities}`,
      `  distribution: { kind: zipf, exponent: ${fit.exponent.toFixed(3)}, scramble: true }`,
    );
  } else {
    lines.push('# Too few keys were requested 10 times or more to fit a Zipf exponent: uniform is the honest default.', 'keys:', `  entities: ${entities}`, '  distribution: { kind: uniform }');
  }
  if (source.format === 'lines' && !source.gzip) {
    lines.push(`# Or replay the log itself, key for key:  distribution: { kind: trace, file: ${JSON.stringify(source.file)} }`);
  }
  const time = analysis.time;
  if (time !== null && time.meanPerSecond > 0) {
    lines.push(
      `# rate: the log's mean, ${n(analysis.requests)} requests over ${(time.spanMs / 1000).toFixed(1)} s (peak ${n(Math.round(time.peakPerSecond))}/s in ${time.bucketMs / 1000} s buckets).`,
      'load:',
      '  mode: open',
      `  rate: ${Number(time.meanPerSecond.toPrecision(4))}`,
      '  arrivals: poisson',
    );
  } else {
    lines.push('# The log has no timestamps, so no load rate: set load yourself.');
  }
  return `${lines.join('\n')}\n`;
}
