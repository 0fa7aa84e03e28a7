import path from 'node:path';
import { writeFileAtomic } from '../results/atomic-write.js';
import { resultStem } from '../results/file-name.js';
import type { AnalysisResult } from './analyze-log.js';

/** `<name>-analysis-<stamp>`: the stem of the analysis result and its report, named after the log. */
export function analysisStem(result: AnalysisResult): string {
  const base = path.basename(result.file).replace(/\.gz$/, '').replace(/\.[A-Za-z0-9]+$/, '');
  return resultStem(`${base}-analysis`, '', new Date(result.startedAt));
}

/** Writes `<dir>/<log>-analysis-<stamp>.json` atomically; returns its path. */
export async function writeAnalysisResult(a: AnalysisResult, dir: string): Promise<string> {
  const file = path.join(dir, `${analysisStem(a)}.json`);
  await writeFileAtomic(file, `${JSON.stringify(a, null, 2)}\n`);
  return file;
}
