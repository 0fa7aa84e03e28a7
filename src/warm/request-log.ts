import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { badInput } from '../errors.js';
import { normaliseId } from '../workload/trace-replay.js';
import type { Ranking } from './model-ranking.js';

/**
 * Ranks entities by how often a request log asked for them ("use request logs to rank warm
 * candidates"). The log is streamed (gzip when it starts with the gzip magic, whatever its name):
 * one key per line, or CSV with a header row, or JSON Lines, the key in `keyColumn` (default: the
 * first of entity, key, id that the header or first object has). Memory is one counter per
 * distinct key, never the log. Decimal keys are normalised as trace files are (`"007"` -> `"7"`).
 */

export interface RequestLogOptions {
  /** Column (CSV) or field (JSON Lines) holding the key. @default first of entity, key, id */
  keyColumn?: string | undefined;
}

const DEFAULT_KEY_COLUMNS = ['entity', 'key', 'id'];

/** A readable of the file's text, gunzipped when it is gzip. Unreadable -> exit 2 naming the file. */
export async function openText(file: string): Promise<Readable> {
  let magic: Buffer;
  try {
    const handle = await open(file, 'r');
    try {
      magic = Buffer.alloc(2);
      await handle.read(magic, 0, 2, 0);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw badInput(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const stream = createReadStream(file);
  return magic[0] === 0x1f && magic[1] === 0x8b ? stream.pipe(createGunzip()) : stream;
}

type LineParser = (line: string, lineNo: number) => string | null;

/** Decides the format from the first non-empty line. */
function parserFor(first: string, file: string, keyColumn: string | undefined): { parse: LineParser; skipFirst: boolean } {
  if (first.startsWith('{')) {
    const column = pickColumn(Object.keys(parseObject(first, file, 1)), keyColumn, file, 1);
    return {
      skipFirst: false,
      parse: (line, lineNo) => {
        const value = parseObject(line, file, lineNo)[column];
        if (typeof value === 'string' && value !== '') return value;
        if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
        throw badInput(`${file}:${lineNo}: ${column}: expected a key (string or integer), got ${JSON.stringify(value) ?? 'nothing'}`);
      },
    };
  }
  if (first.includes(',')) {
    const names = first.split(',').map((name) => name.trim().replace(/^"|"$/g, ''));
    const column = pickColumn(names, keyColumn, file, 1);
    const index = names.indexOf(column);
    return {
      skipFirst: true,
      parse: (line, lineNo) => {
        // Keys are ids: a quoted field with a comma inside is not supported (said so if met).
        const field = line.split(',')[index];
        if (field === undefined) throw badInput(`${file}:${lineNo}: column ${column}: the row has only ${line.split(',').length} fields`);
        const key = field.trim().replace(/^"|"$/g, '');
        return key === '' ? null : key;
      },
    };
  }
  if (keyColumn !== undefined) throw badInput(`${file}:1: --key-column ${keyColumn}: the log has one key per line, no columns`);
  return { skipFirst: false, parse: (line) => line };
}

function parseObject(line: string, file: string, lineNo: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw badInput(`${file}:${lineNo}: not a JSON object (a JSON Lines log has one object per line)`);
}

function pickColumn(names: readonly string[], wanted: string | undefined, file: string, lineNo: number): string {
  if (wanted !== undefined) {
    if (!names.includes(wanted)) throw badInput(`${file}:${lineNo}: no column ${JSON.stringify(wanted)} (has: ${names.join(', ')})`);
    return wanted;
  }
  const found = DEFAULT_KEY_COLUMNS.find((name) => names.includes(name));
  if (found === undefined) throw badInput(`${file}:${lineNo}: no key column (looked for ${DEFAULT_KEY_COLUMNS.join(', ')}; name one with --key-column)`);
  return found;
}

/** Counts every key of the log and returns them as a ranking, most requested first (ties: first seen first). */
export async function rankRequestLog(file: string, options: RequestLogOptions = {}): Promise<Ranking> {
  const counts = new Map<string, number>();
  let total = 0;
  let parser: { parse: LineParser; skipFirst: boolean } | null = null;
  let lineNo = 0;
  const lines = createInterface({ input: await openText(file), crlfDelay: Infinity });
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = raw.trim();
      if (line === '') continue;
      if (parser === null) {
        parser = parserFor(line, file, options.keyColumn);
        if (parser.skipFirst) continue;
      }
      const key = parser.parse(line, lineNo);
      if (key === null) continue;
      const id = normaliseId(key);
      counts.set(id, (counts.get(id) ?? 0) + 1);
      total++;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'Z_DATA_ERROR') throw badInput(`${file}: not valid gzip (${(error as Error).message})`);
    throw error;
  }
  if (total === 0) throw badInput(`${file}: the request log has no keys`);
  // Map iteration is insertion order and sort is stable: equal counts keep first-seen order.
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return {
    size: ranked.length,
    entityAt: (rank) => ranked[rank]![0],
    shareAt: (rank) => ranked[rank]![1] / total,
  };
}
