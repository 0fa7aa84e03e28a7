import { readFile, stat } from 'node:fs/promises';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Problem } from './problems.js';

/**
 * The scenario file as text and as a YAML document that keeps node ranges, so any problem found
 * later (in the plain data) can be pointed back to `file:line:col`.
 */
export interface YamlSource {
  /** The file as the user named it (messages quote it verbatim). */
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

/** Reads the file; a missing file, a directory or an unreadable file becomes one problem. */
export async function readScenarioText(file: string): Promise<{ text: string } | { problem: Problem }> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) return { problem: { where: file, path: '', message: 'is a directory, not a scenario file (expected a .yaml file)' } };
    return { text: await readFile(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'file not found' : code === 'EACCES' || code === 'EPERM' ? 'permission denied (cannot read the file)' : `cannot read the file (${(error as Error).message})`;
    return { problem: { where: file, path: '', message: reason } };
  }
}

/**
 * Line starts counted from the text itself. The parser's own count (its `lineCounter` option)
 * misses line breaks inside tokens it cannot place, so after a syntax error every later location
 * drifted up a line; editors, grep and `sed -n` count every "\n", and so do we.
 */
function countLines(text: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lineCounter.addNewLine(at + 1);
  return lineCounter;
}

/** Parses one YAML document; syntax errors come back as located problems (all of them). */
export function parseScenarioYaml(file: string, text: string): { source: YamlSource; problems: Problem[] } {
  const lineCounter = countLines(text);
  // merge: YAML 1.1 `<<` merge keys let scenario files share blocks through anchors.
  // prettyErrors off: messages stay one line, located below from the error's offset.
  const doc = parseDocument(text, { merge: true, prettyErrors: false, uniqueKeys: true });
  const source: YamlSource = { file, doc, lineCounter };
  const problems = doc.errors.map((error): Problem => {
    const message =
      error.code === 'MULTIPLE_DOCS' ? 'a scenario file holds one YAML document (found a second "---")' : (error.message.split('\n')[0] ?? error.message);
    return { where: positionOf(source, error.pos[0]), path: '', message: `YAML syntax error: ${message}` };
  });
  return { source, problems };
}

/** `file:line:col` of an offset in the source. */
export function positionOf(source: YamlSource, offset: number): string {
  const { line, col } = source.lineCounter.linePos(offset);
  return `${source.file}:${line}:${col}`;
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

function startOf(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

/**
 * Where `path` is in the file: the value's position, or the key's with `atKey` (unknown fields).
 * A path that is not in the file (a missing required field, a default) points at the deepest
 * ancestor that is: the parent's key, so "load.rate: required" lands on the `load:` line.
 */
export function locatePath(source: YamlSource, path: readonly PropertyKey[], atKey = false): string {
  let node: unknown = source.doc.contents;
  let best = 0;
  // Where a missing child is reported: the key of the deepest pair (or item) found so far.
  let anchor = 0;
  for (const [index, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(source.doc);
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => keyText(item.key) === String(segment));
      if (!pair) return positionOf(source, anchor);
      const keyStart = startOf(pair.key) ?? best;
      anchor = keyStart;
      const valueStart = startOf(pair.value);
      if (last && atKey) return positionOf(source, keyStart);
      // An empty value (`ttl:`) has no useful range of its own: point at its key.
      best = valueStart === undefined || (isScalar(pair.value) && pair.value.value === null) ? keyStart : valueStart;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      const itemStart = startOf(item);
      if (itemStart === undefined) return positionOf(source, anchor);
      best = itemStart;
      anchor = itemStart;
      node = item;
    } else {
      break;
    }
  }
  return positionOf(source, best);
}

/** Whether `path` is written in the file (as opposed to coming from a default or a flag). */
export function hasPath(source: YamlSource, path: readonly PropertyKey[]): boolean {
  const node: unknown = source.doc.getIn(path.map((segment) => (typeof segment === 'string' && /^\d+$/.test(segment) ? Number(segment) : segment)), true);
  return node !== undefined;
}
