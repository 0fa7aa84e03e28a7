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

export function problemLine(problem: Problem): string {
  return problem.path === '' ? `${problem.where}: ${problem.message}` : `${problem.where}: ${problem.path}: ${problem.message}`;
}

/** `FcbenchError('bad-input')` with the first line as message and every line (deduplicated) as details. */
export function problemsError(problems: readonly Problem[]): FcbenchError {
  const lines = [...new Set(problems.map(problemLine))];
  return badInput(lines[0] ?? 'invalid scenario', lines);
}

export function throwIfProblems(problems: readonly Problem[]): void {
  if (problems.length > 0) throw problemsError(problems);
}
