import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { once } from 'node:events';
import { formatEntry, formatHeader, type ManifestEntry, type ManifestHeader } from './manifest-format.js';

/**
 * Writes a manifest line by line with backpressure (a 10M-entry manifest holds one line in memory
 * at a time), to a temp file renamed into place at the end, so a reader never sees half a
 * manifest and an interrupted write leaves nothing behind. `out: null` writes to `stdout`.
 */
export async function writeManifest(
  out: string | null,
  header: ManifestHeader,
  entries: Iterable<ManifestEntry>,
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  if (out === null) return writeLines(stdout, header, entries);
  await mkdir(dirname(out), { recursive: true });
  const temp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  const stream: WriteStream = createWriteStream(temp);
  try {
    const count = await writeLines(stream, header, entries);
    stream.end();
    await once(stream, 'finish');
    await rename(temp, out);
    return count;
  } catch (error) {
    stream.destroy();
    await rm(temp, { force: true });
    throw error;
  }
}

/** Lines per write call: one syscall-sized chunk instead of one per entry. */
const LINES_PER_CHUNK = 512;

async function writeLines(stream: NodeJS.WritableStream, header: ManifestHeader, entries: Iterable<ManifestEntry>): Promise<number> {
  let chunk = `${formatHeader(header)}\n`;
  let pending = 0;
  let count = 0;
  const flush = async () => {
    if (!stream.write(chunk)) await once(stream, 'drain');
    chunk = '';
    pending = 0;
  };
  for (const entry of entries) {
    chunk += `${formatEntry(entry)}\n`;
    count++;
    if (++pending === LINES_PER_CHUNK) await flush();
  }
  await flush();
  return count;
}
