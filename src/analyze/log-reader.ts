import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { badInput } from '../errors.js';

/**
 * A request log, streamed line by line (gzip, told by its magic bytes, through gunzip), in one of three formats,
 * decided by its first non-empty line and then held to:
 * - `lines`: one key per line;
 * - `csv`: a header naming a key column (`key`, `entity`, `entity_id` or `id`, or `--key-column`)
 *   and optionally a time column (`ts`, `timestamp` or `time`, or `--time-column`);
 * - `jsonl`: one object per line with the same fields.
 * Timestamps are epoch seconds or milliseconds (told apart by size) or ISO 8601 strings, returned
 * in ms. A line of another format, or without its key, is bad input naming the file and line.
 */
export type LogFormat = 'lines' | 'csv' | 'jsonl';

export interface LogRecord {
  key: string;
  /** ms since the epoch; null when the log has no time column. */
  tsMs: number | null;
}

export interface LogReadOptions {
  keyColumn?: string | undefined;
  timeColumn?: string | undefined;
  /** Read timestamps when the log has a time column. False: keys only (ranking needs no times). @default true */
  readTime?: boolean | undefined;
}

const KEY_COLUMNS = ['key', 'entity', 'entity_id', 'id'];
const TIME_COLUMNS = ['ts', 'timestamp', 'time'];

export interface RequestLog {
  format: LogFormat;
  /** Whether records carry timestamps. */
  timed: boolean;
  /** Read through gunzip. */
  gzip: boolean;
  /** File size in bytes (for progress; compressed size for gzip). */
  sizeBytes: number;
  /** Bytes read so far (compressed for gzip). */
  bytesRead(): number;
  /** Calls `visit` for every record, in order; once per log. */
  forEach(visit: (record: LogRecord) => void): Promise<void>;
}

/** Opens the log and reads its first line to fix the format; bad input (exit 2) for an unusable one. */
export async function openRequestLog(file: string, options: LogReadOptions = {}): Promise<RequestLog> {
  let sizeBytes: number;
  let gzip: boolean;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw badInput(`${file}: not a file`);
    sizeBytes = info.size;
    gzip = await startsWithGzipMagic(file);
  } catch (error) {
    if ((error as { code?: string }).code === undefined) throw error;
    throw badInput(`${file}: cannot read the request log (${(error as { code?: string }).code})`);
  }
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
  const input = gzip ? stream.pipe(createGunzip()) : stream;
  stream.on('error', (error) => input.destroy(error));
  const batches = lineBatches(input, file)[Symbol.asyncIterator]();
  let batch: string[] = [];
  let at = 0;
  let lineNo = 0;
  /** The next line, or null at the end; lines are read a chunk at a time, so most calls are synchronous. */
  const nextLine = async (): Promise<string | null> => {
    while (at === batch.length) {
      const r = await batches.next();
      if (r.done) return null;
      batch = r.value;
      at = 0;
    }
    lineNo++;
    return batch[at++]!;
  };
  let first: string | null;
  do first = await nextLine();
  while (first !== null && first.trim() === '');
  if (first === null) throw badInput(`${file}: empty request log (no lines)`);
  const where = () => `${file}:${lineNo}`;
  const format = detect(first);
  let parse: (line: string) => LogRecord;
  let pending: LogRecord | null = null;
  let timed = false;
  if (format === 'csv') {
    const header = splitCsv(first).map((h) => h.trim());
    const keyAt = columnIndex(header, options.keyColumn, KEY_COLUMNS);
    if (keyAt < 0) throw badInput(`${where()}: CSV header has no key column (${options.keyColumn ?? KEY_COLUMNS.join(', ')}); got ${header.join(', ')}`);
    const timeAt = columnIndex(header, options.timeColumn, TIME_COLUMNS);
    if (options.timeColumn !== undefined && timeAt < 0) throw badInput(`${where()}: CSV header has no column ${options.timeColumn}`);
    timed = timeAt >= 0 && options.readTime !== false;
    parse = (line) => {
      if (line.trimStart().startsWith('{')) throw badInput(`${where()}: a JSON line in a CSV log (one format per file)`);
      const cells = line.includes('"') ? splitCsv(line) : line.split(',');
      const key = cells[keyAt]?.trim() ?? '';
      if (key === '') throw badInput(`${where()}: no value in key column ${header[keyAt]}`);
      return { key, tsMs: timed ? parseTime(cells[timeAt], where) : null };
    };
  } else if (format === 'jsonl') {
    const keyName = options.keyColumn;
    const timeName = options.timeColumn;
    const firstObject = parseJson(first, where);
    const keyField = keyName ?? KEY_COLUMNS.find((k) => k in firstObject);
    if (keyField === undefined || !(keyField in firstObject)) throw badInput(`${where()}: JSON line has no key field (${keyName ?? KEY_COLUMNS.join(', ')})`);
    const timeField = timeName ?? TIME_COLUMNS.find((k) => k in firstObject);
    if (timeName !== undefined && !(timeName in firstObject)) throw badInput(`${where()}: JSON line has no field ${timeName}`);
    timed = timeField !== undefined && options.readTime !== false;
    parse = (line) => {
      if (!line.trimStart().startsWith('{')) throw badInput(`${where()}: not a JSON object in a JSON Lines log (one format per file)`);
      const object = parseJson(line, where);
      const value = object[keyField];
      if (typeof value !== 'string' && typeof value !== 'number') throw badInput(`${where()}: field ${keyField} missing or not a string or number`);
      return { key: String(value), tsMs: timed ? parseTime(object[timeField!], where) : null };
    };
    pending = parse(first);
  } else {
    parse = (line) => {
      const key = line.trim();
      if (key.startsWith('{')) throw badInput(`${where()}: a JSON line in a one-key-per-line log (one format per file)`);
      if (key.includes(',')) throw badInput(`${where()}: a CSV line in a one-key-per-line log (one format per file)`);
      return { key, tsMs: null };
    };
    pending = parse(first);
  }
  let consumed = false;
  return {
    format,
    timed,
    gzip,
    sizeBytes,
    bytesRead: () => stream.bytesRead,
    async forEach(visit) {
      if (consumed) throw new Error('a request log can be read once');
      consumed = true;
      if (pending !== null) visit(pending);
      for (;;) {
        // Drain the batch in hand synchronously; await only for the next chunk.
        while (at < batch.length) {
          const line = batch[at++]!;
          lineNo++;
          if (line.trim() !== '') visit(parse(line));
        }
        const r = await batches.next();
        if (r.done) return;
        batch = r.value;
        at = 0;
      }
    },
  };
}

/** The input's lines a chunk at a time (CR LF or LF endings), decoded as UTF-8; read errors are bad input. */
async function* lineBatches(input: NodeJS.ReadableStream, file: string): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of input) {
      const lines = (rest + decoder.write(chunk as Buffer)).split('\n');
      rest = lines.pop()!;
      yield lines.map(stripCr);
    }
  } catch (error) {
    throw badInput(`${file}: cannot read the request log: ${(error as Error).message}`);
  }
  rest += decoder.end();
  if (rest !== '') yield [stripCr(rest)];
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** gzip by its magic bytes (1f 8b), whatever the file is called: exports are not always named .gz. */
async function startsWithGzipMagic(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

function detect(line: string): LogFormat {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) return 'jsonl';
  return trimmed.includes(',') ? 'csv' : 'lines';
}

function columnIndex(header: readonly string[], wanted: string | undefined, defaults: readonly string[]): number {
  const lower = header.map((h) => h.toLowerCase());
  if (wanted !== undefined) return lower.indexOf(wanted.toLowerCase());
  for (const name of defaults) {
    const at = lower.indexOf(name);
    if (at >= 0) return at;
  }
  return -1;
}

/** One CSV line into cells, with double-quoted cells ("a,b", "say ""hi"""). */
export function splitCsv(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

function parseJson(line: string, where: () => string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw badInput(`${where()}: not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badInput(`${where()}: not a JSON object`);
  return value as Record<string, unknown>;
}

/** Epoch s (< 1e11) or ms, as number or numeric text, or an ISO 8601 string; ms. */
export function parseTime(value: unknown, where: () => string): number {
  const text = typeof value === 'string' ? value.trim() : value;
  const n = typeof text === 'number' ? text : typeof text === 'string' && text !== '' && !Number.isNaN(Number(text)) ? Number(text) : NaN;
  if (Number.isFinite(n)) return n < 1e11 ? n * 1000 : n;
  if (typeof text === 'string') {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  throw badInput(`${where()}: timestamp ${JSON.stringify(value)} is not epoch seconds, milliseconds or an ISO 8601 time`);
}
