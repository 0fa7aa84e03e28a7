import { CommanderError } from 'commander';
import { EXIT_CODES, FcbenchError } from '../errors.js';
import { redactText } from '../redact.js';

/**
 * Error -> what the terminal shows and the process exit code. Pure, so every mapping is tested
 * without spawning; `main.ts` prints the lines and sets the exit code.
 *
 * - FcbenchError: `fcbench: <message>` then each further detail line; exit by its code (2 bad input, 3 environment...).
 * - commander usage errors (unknown option, missing argument): commander has already printed them; exit 2.
 *   `--help` and `--version` exit 0.
 * - anything else is a bug: one line and exit 1; the stack only with FCBENCH_DEBUG=1.
 * Every line has URL passwords and secret query values replaced by `***` (src/redact.ts).
 */
export interface FailureReport {
  exitCode: number;
  /** Lines for stderr, without trailing newlines. */
  lines: string[];
}

function debugLines(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    lines.push(...(current.stack ?? String(current)).split('\n').map((line) => (depth === 0 ? line : `caused by: ${line}`)));
    current = current.cause;
  }
  return lines;
}

export function describeFailure(error: unknown, options: { debug: boolean }): FailureReport {
  // The last line of defence: whatever built the message (ioredis, a --set echo, a stack), no URL
  // password leaves through stderr.
  const report = describeUnredacted(error, options);
  return { exitCode: report.exitCode, lines: report.lines.map(redactText) };
}

function describeUnredacted(error: unknown, options: { debug: boolean }): FailureReport {
  if (error instanceof CommanderError) {
    return { exitCode: error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES['bad-input'], lines: [] };
  }
  if (error instanceof FcbenchError) {
    const details = error.details.filter((line) => line !== error.message).map((line) => `  ${line}`);
    return { exitCode: EXIT_CODES[error.code], lines: [`fcbench: ${error.message}`, ...details, ...(options.debug ? debugLines(error) : [])] };
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = options.debug ? [`fcbench: ${message}`, ...debugLines(error)] : [`fcbench: ${message} (an internal error; FCBENCH_DEBUG=1 shows the stack)`];
  return { exitCode: 1, lines };
}
