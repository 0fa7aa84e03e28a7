import { badInput } from '../errors.js';
import { createLogAnalyzer, type LogAnalysis } from './log-analysis.js';
import { openRequestLog, type LogFormat, type LogReadOptions } from './log-reader.js';

/** The document `fcbench analyze` writes: the analysis plus where it came from. */
export interface AnalysisResult extends LogAnalysis {
  kind: 'fcbench-analysis';
  version: 1;
  tool: { name: 'fcbench'; version: string };
  startedAt: string;
  /** The log as given on the command line. */
  file: string;
  format: LogFormat;
  timed: boolean;
  gzip: boolean;
  sizeBytes: number;
  /** Wall time of the pass over the log. */
  elapsedMs: number;
  options: { keyColumn: string | null; timeColumn: string | null; valueBytes: number | null };
}

export interface AnalyzeOptions extends LogReadOptions {
  valueBytes?: number | undefined;
  toolVersion: string;
  now: () => number;
  /** Called every 64k records with bytes read of the file's size (compressed bytes for gzip). */
  onProgress?: ((bytesRead: number, sizeBytes: number, records: number) => void) | undefined;
}

const PROGRESS_EVERY = 65_536;

/** Streams the log once through the analyzer. Bad input (exit 2) for a log with no records. */
export async function analyzeLog(file: string, options: AnalyzeOptions): Promise<AnalysisResult> {
  const started = options.now();
  const log = await openRequestLog(file, options);
  const analyzer = createLogAnalyzer();
  await log.forEach((record) => {
    analyzer.add(record);
    if (options.onProgress !== undefined && analyzer.requests % PROGRESS_EVERY === 0) options.onProgress(log.bytesRead(), log.sizeBytes, analyzer.requests);
  });
  if (analyzer.requests === 0) throw badInput(`${file}: no requests (only a header or blank lines)`);
  options.onProgress?.(log.sizeBytes, log.sizeBytes, analyzer.requests);
  const analysis = analyzer.finish(options.valueBytes === undefined ? {} : { valueBytes: options.valueBytes });
  return {
    kind: 'fcbench-analysis',
    version: 1,
    tool: { name: 'fcbench', version: options.toolVersion },
    startedAt: new Date(started).toISOString(),
    file,
    format: log.format,
    timed: log.timed,
    gzip: log.gzip,
    sizeBytes: log.sizeBytes,
    elapsedMs: Math.round(options.now() - started),
    options: { keyColumn: options.keyColumn ?? null, timeColumn: options.timeColumn ?? null, valueBytes: options.valueBytes ?? null },
    ...analysis,
  };
}
