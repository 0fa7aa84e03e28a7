import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { resultStem } from './file-name.js';
import type { ResultDocument } from './result-types.js';

/**
 * Writes `<dir>/<safe-name>[-<variant>]-<UTC stamp>.json` atomically and returns its path. The
 * name is derived from sanitized text, so it always lands inside `dir`.
 */
export async function writeResult(result: ResultDocument, dir: string): Promise<string> {
  const file = join(dir, `${resultStem(result.scenario.name, result.scenario.variant, new Date(result.startedAt))}.json`);
  await writeFileAtomic(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
