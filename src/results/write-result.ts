import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { resultStem } from './file-name.js';
import type { ResultDocument } from './result-types.js';

/**
 * Writes `<dir>/<safe-name>[-<variant>]-<UTC stamp>.json` atomically and returns its path. The
 * name is derived from sanitized text, so it always lands inside `dir`.
 */
export async function writeResult(result: ResultDocument, dir: string): Promise<string> {
  const file = resultPath(result, dir);
  await writeFileAtomic(file, resultJson(result));
  return file;
}

/** `<dir>/<safe-name>[-<variant>][-trial<i>of<n>]-<UTC stamp>.json`. */
export function resultPath(result: ResultDocument, dir: string): string {
  return join(dir, `${resultStem(result.scenario.name, result.scenario.variant, new Date(result.startedAt), result.trial, result.shard)}.json`);
}

/** The file's text: pretty JSON with a final newline (diffable, and `jq` friendly). */
export function resultJson(result: ResultDocument): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
