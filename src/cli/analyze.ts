import type { Command } from 'commander';
import { analyzeLog } from '../analyze/analyze-log.js';
import { emitScenarioBlock } from '../analyze/emit-scenario.js';
import { writeAnalysisResult } from '../analyze/write-analysis.js';
import { badInput } from '../errors.js';
import { writeAnalysisReport } from '../report/analysis-report.js';
import { checkWritableDir } from '../results/output-dir.js';
import { parseSizeBytes } from '../scenario/units.js';
import { formatAnalysis } from './format-analysis.js';
import { createProgressThrottle, LOG_LINE_MS, progressBar, TTY_REDRAW_MS } from './load-progress.js';
import { readToolVersion } from './tool-version.js';

interface AnalyzeFlags {
  keyColumn?: string;
  timeColumn?: string;
  valueBytes?: string;
  out: string | false;
  report: string | false;
  emitScenario?: boolean;
  quiet?: boolean;
  json?: boolean;
}

/** `fcbench analyze <request-log>`: skew, Zipf fit, exact LRU curve, rate and reuse times of a production log. */
export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description("measure a request log's locality: Zipf fit, traffic shares, exact LRU miss-ratio curve, rate and reuse times")
    .argument('<request-log>', 'one key per line, or CSV / JSON Lines with a key column and an optional timestamp; gzip is read as a stream')
    .option('--key-column <name>', 'CSV column or JSON field holding the key (default: the first of key, entity, entity_id, id)')
    .option('--time-column <name>', 'CSV column or JSON field holding the time (default: ts, timestamp or time when present)')
    .option('--value-bytes <size>', 'mean stored value size (e.g. 1.2KB), to give cache sizes in bytes as well as entries')
    .option('--emit-scenario', 'print a scenario keys: block (and load rate) reproducing the log to stdout; everything else goes to stderr')
    .option('--out <dir>', 'directory for the analysis JSON', 'results')
    .option('--no-out', 'do not write the analysis JSON')
    .option('--report <dir>', 'directory for the HTML report', 'reports')
    .option('--no-report', 'do not write an HTML report')
    .option('--quiet', 'print only the paths written')
    .option('--json', 'print the analysis document to stdout')
    .addHelpText(
      'after',
      `
Examples:
  fcbench analyze requests.log                        # one key per line
  fcbench analyze access.csv.gz --key-column customer_id --time-column ts
  fcbench analyze requests.jsonl --value-bytes 1.2KB --json > analysis.json
  fcbench analyze requests.csv --emit-scenario > shape.yaml   # paste into a scenario

Formats are told apart by the first line: '{' starts JSON Lines, a comma a CSV header, else one key
per line; a line of another format is bad input. Times are epoch seconds, epoch ms or ISO 8601.
The Zipf exponent is fitted by maximum likelihood on the keys requested at least 10 times, with a
95% interval. The miss-ratio curve is exact (LRU stack distances); memory grows with distinct keys
only. Reuse time is the wait between two requests of one key: a TTL shorter than most of them
cannot give hits. Exit codes: 0 ok, 2 bad input (file, format, flags).`,
    )
    .action(async (file: string, flags: AnalyzeFlags) => {
      const valueBytes = flags.valueBytes === undefined ? undefined : parseValueBytes(flags.valueBytes);
      if (flags.out !== false) await checkWritableDir(flags.out, '--out');
      if (flags.report !== false) await checkWritableDir(flags.report, '--report');
      const interactive = flags.quiet !== true && flags.json !== true && process.stderr.isTTY === true;
      const due = createProgressThrottle(interactive ? TTY_REDRAW_MS : LOG_LINE_MS);
      const startedMs = performance.now();
      let drawn = false;
      const analysis = await analyzeLog(file, {
        keyColumn: flags.keyColumn,
        timeColumn: flags.timeColumn,
        valueBytes,
        toolVersion: readToolVersion(),
        now: () => Date.now(),
        onProgress: interactive
          ? (bytesRead, sizeBytes, records) => {
              if (!due(performance.now(), false)) return;
              const perSecond = Math.round((records * 1000) / Math.max(1, performance.now() - startedMs));
              process.stderr.write(`\ranalyzing ${progressBar(sizeBytes > 0 ? bytesRead / sizeBytes : 1)}  ${records.toLocaleString('en-US')} requests  ${perSecond.toLocaleString('en-US')}/s `);
              drawn = true;
            }
          : undefined,
      }).finally(() => {
        if (drawn) process.stderr.write('\r\x1b[K');
      });
      const resultPath = flags.out === false ? null : await writeAnalysisResult(analysis, flags.out);
      const reportPath = flags.report === false ? null : await writeAnalysisReport(analysis, flags.report);
      // stdout carries exactly one document when asked for one (YAML or JSON); the rest goes to stderr.
      const documentOut = flags.emitScenario === true || flags.json === true;
      const info = documentOut ? process.stderr : process.stdout;
      if (flags.emitScenario === true) process.stdout.write(emitScenarioBlock(analysis, { file, format: analysis.format, gzip: analysis.gzip }));
      else if (flags.json === true) process.stdout.write(`${JSON.stringify(analysis, null, 2)}\n`);
      if (flags.quiet !== true && flags.json !== true) info.write(`${formatAnalysis(analysis)}\n`);
      const paths = [...(resultPath === null ? [] : [`result: ${resultPath}`]), ...(reportPath === null ? [] : [`report: ${reportPath}`])];
      if (paths.length > 0) info.write(`${paths.join('\n')}\n`);
    });
}

function parseValueBytes(text: string): number {
  let bytes: number;
  try {
    bytes = parseSizeBytes(text);
  } catch (error) {
    throw badInput(`--value-bytes ${text}: ${(error as Error).message}`);
  }
  if (bytes < 1) throw badInput(`--value-bytes ${text}: must be at least 1 byte`);
  return bytes;
}
