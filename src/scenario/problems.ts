import { badInput, type FcbenchError } from '../errors.js';

/**
 * A problem in a scenario, shown to people as one line: `where: path: message`, where `where` is
 * `file:line:col`, the file alone (it could not be read), or the flag that caused it
 * (`--set cascade.replicas=abc`). Loading collects every problem before throwing.
 */
export interface Problem {
  where: string;
  /** Display path (`featureSets[0].ttl.soft`); '' when the problem is the file itself. */
  path: string;
  message: string;
}

/** Line breaks and the other control characters except tab (which is harmless on one line). */
const CONTROL_RE = /[\u0000-\u0008\u000a-\u001f\u007f]/g;
const hasControls = (text: string): boolean => text.search(CONTROL_RE) >= 0;

/** Control characters written as escapes (`\n`, `\r`, `\u001b`), so text stays on one line. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL_RE, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * Text from the user (a flag, a matrix label) as it may appear in a problem: as written, or quoted
 * with escapes when it holds a line break or control character, so a problem stays one line and
 * cannot drive the terminal.
 */
export function printable(text: string): string {
  return hasControls(text) ? escapeControls(JSON.stringify(text)) : text;
}

/**
 * One problem, one line. Messages quote user text with escapes where they are made; the escape
 * here is the backstop for text that reaches a message some other way (a library's message).
 */
export function problemLine(problem: Problem): string {
  const line = problem.path === '' ? `${problem.where}: ${problem.message}` : `${problem.where}: ${problem.path}: ${problem.message}`;
  return escapeControls(line);
}

/** `FcbenchError('bad-input')` with the first line as message and every line (deduplicated) as details. */
export function problemsError(problems: readonly Problem[]): FcbenchError {
  const lines = [...new Set(problems.map(problemLine))];
  return badInput(lines[0] ?? 'invalid scenario', lines);
}

export function throwIfProblems(problems: readonly Problem[]): void {
  if (problems.length > 0) throw problemsError(problems);
}
