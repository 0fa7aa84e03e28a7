import { join } from 'node:path';
import { writeFileAtomic } from '../results/atomic-write.js';
import { resultStem } from '../results/file-name.js';
import type { CodecsResult } from './lab-types.js';

/** `<dir>/codecs-<UTC stamp>` without extension: the stem of the result and its report. */
export function codecsStem(result: CodecsResult): string {
  return resultStem('codecs', '', new Date(result.startedAt));
}

/** Writes `<dir>/codecs-<UTC stamp>.json` atomically (temp file + rename) and returns its path. */
export async function writeCodecsResult(result: CodecsResult, dir: string): Promise<string> {
  const file = join(dir, `${codecsStem(result)}.json`);
  await writeFileAtomic(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
