import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { badInput } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';

/** errno -> words a user acts on. */
const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a file is in the way (not a directory)',
  EEXIST: 'a file is in the way (not a directory)',
  EISDIR: 'is a directory',
  ENAMETOOLONG: 'name too long',
};

/** `ENOSPC (no space left on device)`, or the bare message for an error without a code. */
export function describeErrno(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined) return error instanceof Error ? error.message : String(error);
  const words = ERRNO_WORDS[code];
  return words === undefined ? code : `${code} (${words})`;
}

/**
 * Makes sure `dir` exists (creating it) and that a file can be created in it, by creating and
 * deleting an empty probe file. Run before any load is sent: a ten-minute run must not find out at
 * the end that its `--out` is a file or read-only. Throws `bad-input` naming the flag.
 */
export async function checkWritableDir(dir: string, flag: string): Promise<void> {
  const shown = `${flag} ${dir}`;
  try {
    const existing = await stat(dir).catch(() => null);
    if (existing !== null && !existing.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw badInput(`${shown}: cannot create the directory: ${describeErrno(await trueMkdirError(dir, error))}`);
  }
  const probe = join(dir, `.fcbench-probe-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(probe, '');
  } catch (error) {
    throw badInput(`${shown}: cannot write there: ${describeErrno(error)}`);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}

/**
 * Node's recursive mkdir reports ENOENT where the real cause is a read-only or unwritable parent:
 * retry the first missing level alone to learn what actually stopped it.
 */
async function trueMkdirError(dir: string, error: unknown): Promise<unknown> {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return error;
  let child = resolve(dir);
  let parent = dirname(child);
  while (parent !== child && (await stat(parent).catch(() => null)) === null) {
    child = parent;
    parent = dirname(child);
  }
  try {
    await mkdir(child);
    await rm(child, { recursive: true, force: true });
    return error;
  } catch (real) {
    return real;
  }
}

/** Where results go when their own directory refused them: a folder in the system temp directory. */
export function rescueDir(): string {
  return join(tmpdir(), 'fcbench-rescued');
}

/** A write that failed at the end and where its content was saved instead. */
export interface WriteFailure {
  /** The path the file should have had. */
  intended: string;
  /** `ENOSPC (no space left on device)` and the like. */
  reason: string;
  /** Where the content was saved, or null when even that failed. */
  rescuedTo: string | null;
}

/**
 * Writes `content` atomically to `file`; when that fails (full disk, permissions changed during the
 * run), nothing half-written is left there and the content goes to the rescue directory instead,
 * so a long run is never lost to a full disk. Returns the path written and the failure, if any.
 */
export async function writeOrRescue(file: string, content: string): Promise<{ path: string; failure: WriteFailure | null }> {
  try {
    await writeFileAtomic(file, content);
    return { path: file, failure: null };
  } catch (error) {
    const intended = resolve(file);
    const reason = describeErrno(error);
    const fallback = join(rescueDir(), basename(file));
    try {
      await writeFileAtomic(fallback, content);
      return { path: fallback, failure: { intended, reason, rescuedTo: fallback } };
    } catch {
      return { path: intended, failure: { intended, reason, rescuedTo: null } };
    }
  }
}
