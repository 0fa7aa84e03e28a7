import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { badInput } from '../errors.js';
import { readResult } from './read-result.js';
import type { ResultDocument } from './result-types.js';

/**
 * Result files named the ways CI scripts name them: a file, a directory (its `*.json`, not
 * recursive) or a glob whose file-name part has `*` / `?` (`'baselines/*.json'`, quoted so the
 * shell leaves it to us: Node 20 has no fs.glob). Sorted by name, which for fcbench's
 * `<name>-<stamp>.json` files is time order. Throws `bad-input` naming the argument when nothing
 * matches; each file is then read by `readResult`, whose errors name the file.
 */

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function filesIn(dir: string, matches: (name: string) => boolean): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw badInput(`${dir}: ${code === 'ENOENT' ? 'no such directory' : (error as Error).message}`);
  }
  return entries
    .filter((e) => e.isFile() && matches(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

/** The files an argument names; `bad-input` when it names none. */
export async function expandResultPaths(arg: string): Promise<string[]> {
  if (/[*?]/.test(arg)) {
    const dir = dirname(arg);
    if (/[*?]/.test(dir)) throw badInput(`${arg}: only the file-name part of a pattern may have * or ?`);
    const re = globToRegExp(basename(arg));
    const files = await filesIn(dir, (name) => re.test(name));
    if (files.length === 0) throw badInput(`${arg}: no file matches`);
    return files;
  }
  if (await isDirectory(arg)) {
    const files = await filesIn(arg, (name) => name.endsWith('.json'));
    if (files.length === 0) throw badInput(`${arg}: no result files (*.json) in this directory`);
    return files;
  }
  return [arg];
}

/** Every result an argument names, each with its file. */
export async function readResults(arg: string): Promise<{ file: string; result: ResultDocument }[]> {
  const loaded = [];
  for (const file of await expandResultPaths(arg)) loaded.push({ file, result: await readResult(file) });
  return loaded;
}
