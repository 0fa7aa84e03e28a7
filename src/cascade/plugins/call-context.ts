import { AsyncLocalStorage } from 'node:async_hooks';
import type { ErrorKind, Trace } from '../trace.js';
import type { PluginCallStatus } from './plugin-types.js';

/**
 * One plugin get in flight. Source fetches and library events that happen in the get's async
 * context find it here, so fcbench can attribute them to the request from outside the library.
 */
export interface PluginCall {
  readonly trace: Trace;
  readonly status: PluginCallStatus;
  /** Set once the get settled: the trace is the recorder's (and then the pool's) again, so nothing may touch it. */
  done: boolean;
  /** A source fetch of this get failed: the get's own failure is then that kind, not `implementation-error`. */
  sourceError: ErrorKind | null;
}

// Created on first use: once an AsyncLocalStorage runs, every promise in the process pays for
// context propagation, and fcbench's own cascade (no plugin) should not.
let storage: AsyncLocalStorage<PluginCall> | null = null;

export function runInCall<T>(call: PluginCall, fn: () => T): T {
  storage ??= new AsyncLocalStorage();
  return storage.run(call, fn);
}

/** The get whose async context this is, while it is still in flight; null otherwise (a background refresh after the get returned). */
export function currentCall(): PluginCall | null {
  const call = storage?.getStore();
  return call === undefined || call.done ? null : call;
}
