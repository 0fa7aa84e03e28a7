import { FcbenchError } from '../errors.js';
import type { ErrorKind } from './trace.js';

/**
 * A get that failed: `kind` is what `trace.errorKind` and `requests.errorsByKind` count. Code
 * `environment` because a failing tier is the environment's fault, not the scenario's.
 */
export class CascadeError extends FcbenchError {
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string, cause?: unknown) {
    super('environment', `${kind}: ${message}`, cause === undefined ? undefined : { cause });
    this.name = 'CascadeError';
    this.kind = kind;
  }
}

/** The kind of an error thrown by a tier: a CascadeError keeps its own, anything else is `fallback`. */
export function errorKindOf(error: unknown, fallback: ErrorKind): ErrorKind {
  return error instanceof CascadeError ? error.kind : fallback;
}

/** Wraps any thrown value as a CascadeError (kept as is when it already is one). */
export function asCascadeError(error: unknown, fallback: ErrorKind, context: string): CascadeError {
  if (error instanceof CascadeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CascadeError(fallback, `${context}: ${message}`, error);
}

/** Redis command failures: ioredis rejects a command past `commandTimeout` with exactly this message. */
export function redisErrorKind(error: unknown): 'redis-timeout' | 'redis-error' {
  return error instanceof Error && error.message === 'Command timed out' ? 'redis-timeout' : 'redis-error';
}

export function redisFailure(error: unknown, context: string): CascadeError {
  return asCascadeError(error, redisErrorKind(error), `Redis ${context}`);
}
