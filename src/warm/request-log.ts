import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { openRequestLog } from '../analyze/log-reader.js';
import { badInput } from '../errors.js';
import { normaliseId } from '../workload/trace-replay.js';
import type { Ranking } from './model-ranking.js';

/**
 * Ranks entities by how often a request log asked for them ("use request logs to rank warm
 * candidates"), read by `fcbench analyze`'s log reader: streamed (gzip when it starts with the gzip
 * magic, whatever its name), one key per line, CSV with a header row, or JSON Lines, the key in
 * `keyColumn` (default: the first of key, entity, entity_id, id). Memory is one counter per
 * distinct key, never the log. Decimal keys are normalised as trace files are (`"007"` -> `"7"`).
 */

export interface RequestLogOptions {
  /** Column (CSV) or field (JSON Lines) holding the key. @default first of key, entity, entity_id, id */
  keyColumn?: string | undefined;
}

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

/** Counts every key of the log and returns them as a ranking, most requested first (ties: first seen first). */
export async function rankRequestLog(file: string, options: RequestLogOptions = {}): Promise<Ranking> {
  const counts = new Map<string, number>();
  let total = 0;
  // The reader `fcbench analyze` uses: the same formats, key columns and file:line errors.
  const log = await openRequestLog(file, { keyColumn: options.keyColumn, readTime: false });
  try {
    await log.forEach(({ key }) => {
      const id = normaliseId(key);
      counts.set(id, (counts.get(id) ?? 0) + 1);
      total++;
    });
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
