import type { RedisClient } from './client.js';
import { countByPrefix, deleteByPrefix, deleteKeys, meanBytesPerKey } from './cleanup.js';
import { redactText } from '../redact.js';
import { usedMemoryBytes } from './connect.js';
import type { FeastCleanup } from '../feast/cleanup.js';
import { redisErrorKind } from '../cascade/cascade-error.js';

/** What Redis looked like after the measured phase, or null where it could not be asked. */
export interface RedisEndState {
  usedMemoryAfter: number | null;
  keys: number | null;
  bytesPerKey: number | null;
  /** Redis did not answer after the measured phase: the figures above are null and cleanup was skipped. */
  unavailableAtEnd: boolean;
  /** Why, in one line (the first failing command and its error), when unavailable. */
  note?: string;
}

export type CleanupOutcome =
  | { status: 'deleted'; keys: number }
  | { status: 'kept' }
  | { status: 'skipped'; reason: string };

/**
 * Waits until `client` is connected (it may be reconnecting after a restart), for at most `waitMs`.
 * Resolves false when it is not ready by then: the caller skips what needs Redis instead of failing
 * a run whose measurements are already in memory.
 */
export function whenReady(client: RedisClient, waitMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  if (client.status === 'end') return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      client.removeListener('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), waitMs);
    client.once('ready', onReady);
  });
}

/**
 * INFO memory, the key count and sampled MEMORY USAGE under the run's prefix. A Redis that died or
 * stalls during the run must not lose the run: the first failure stops the questions, and the
 * state says which figures are missing and why.
 */
export async function measureRedisAtEnd(client: RedisClient, prefix: string, waitMs: number, feast?: FeastCleanup): Promise<RedisEndState> {
  const state: RedisEndState = { usedMemoryAfter: null, keys: null, bytesPerKey: null, unavailableAtEnd: false };
  if (!(await whenReady(client, waitMs))) {
    return { ...state, unavailableAtEnd: true, note: `Redis was not reachable within ${waitMs} ms after the measured phase (connection ${client.status})` };
  }
  // A reply slower than the request path's commandTimeout (a loaded machine, a long SCAN) is not a
  // dead Redis: a step that timed out is asked again until `waitMs` has passed. A Redis still
  // stalled by then is reported as unavailable, as before.
  const deadline = performance.now() + waitMs;
  const ask = async <T>(question: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await question();
      } catch (error) {
        if (redisErrorKind(error) !== 'redis-timeout' || performance.now() >= deadline) throw error;
      }
    }
  };
  let step = 'INFO memory';
  try {
    state.usedMemoryAfter = await ask(() => usedMemoryBytes(client));
    step = 'SCAN (key count)';
    state.keys = await ask(() => countByPrefix(client, prefix));
    step = 'MEMORY USAGE';
    state.bytesPerKey = await ask(() => meanBytesPerKey(client, prefix));
    // Feast's hashes are not under the prefix: they are the values, so they are what keys and bytes per key count.
    if (feast !== undefined) {
      step = 'SCAN (Feast hashes)';
      ({ keys: state.keys, bytesPerKey: state.bytesPerKey } = await ask(() => feast.measure(client)));
    }
    return state;
  } catch (error) {
    return { ...state, unavailableAtEnd: true, note: `${step} failed after the measured phase: ${describeError(error)}` };
  }
}

/**
 * Deletes the run's keys (SCAN + UNLINK on the prefix), or with `written` (a shared key layout)
 * exactly the keys the run wrote; never throws, says what it did.
 */
export async function cleanupRunKeys(
  client: RedisClient,
  prefix: string,
  options: { keep: boolean; waitMs: number; written?: ReadonlySet<string> | undefined; feast?: FeastCleanup | undefined },
): Promise<CleanupOutcome> {
  if (options.keep) return { status: 'kept' };
  if (!(await whenReady(client, options.waitMs))) return { status: 'skipped', reason: `Redis not reachable (connection ${client.status})` };
  try {
    let keys = options.written === undefined ? await deleteByPrefix(client, prefix) : await deleteKeys(client, options.written);
    // A Feast layout's hashes are not under the prefix (its locks are): see src/feast/cleanup.ts.
    if (options.feast !== undefined) keys += options.written === undefined ? await options.feast.deleteProject(client) : await options.feast.deleteWritten(client, options.written);
    return { status: 'deleted', keys };
  } catch (error) {
    return { status: 'skipped', reason: describeError(error) };
  }
}

function describeError(error: unknown): string {
  // ioredis messages can quote a URL; a password must never reach a result.
  return redactText(error instanceof Error ? error.message : String(error));
}

/**
 * The end of a run's Redis use, in its one safe order: measure memory and keys first (the figures
 * are the result's), then delete the run's keys, waiting for a reconnect only when the measurement
 * found Redis there.
 */
export async function finishRunKeys(
  client: RedisClient,
  prefix: string,
  options: { keep: boolean; waitMs: number; written?: ReadonlySet<string> | undefined; feast?: FeastCleanup | undefined },
): Promise<{ end: RedisEndState; cleanup: CleanupOutcome }> {
  const end = await measureRedisAtEnd(client, prefix, options.waitMs, options.feast);
  const cleanup = await cleanupRunKeys(client, prefix, { ...options, waitMs: end.unavailableAtEnd ? 0 : options.waitMs });
  return { end, cleanup };
}
