/**
 * One error class for the whole tool. `code` picks the process exit code in `cli/`;
 * library code throws, never exits.
 *
 * - `bad-input`   -> exit 2: a scenario, flag or result file is wrong. `message` is one line,
 *                    already formatted as `file:line:col: path: message` where a location is known.
 * - `environment` -> exit 3: Redis unreachable, redis-server missing, source down beyond policy.
 * - `threshold`   -> exit 1: a threshold or regression gate failed (the result is already written).
 * - `interrupted` -> exit 130: the run was stopped by a signal; partial results were written.
 */
export type FcbenchErrorCode = 'bad-input' | 'environment' | 'threshold' | 'interrupted';

export const EXIT_CODES: Readonly<Record<FcbenchErrorCode | 'ok', number>> = {
  ok: 0,
  threshold: 1,
  'bad-input': 2,
  environment: 3,
  interrupted: 130,
};

export class FcbenchError extends Error {
  readonly code: FcbenchErrorCode;
  /** Extra lines (for example every problem in a scenario file), each printed on its own line. */
  readonly details: readonly string[];

  constructor(code: FcbenchErrorCode, message: string, options?: { cause?: unknown; details?: readonly string[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FcbenchError';
    this.code = code;
    this.details = options?.details ?? [];
  }
}

export function badInput(message: string, details?: readonly string[]): FcbenchError {
  return new FcbenchError('bad-input', message, details ? { details } : undefined);
}

export function environmentError(message: string, cause?: unknown): FcbenchError {
  return new FcbenchError('environment', message, cause === undefined ? undefined : { cause });
}
