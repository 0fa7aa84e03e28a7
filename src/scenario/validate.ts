import { formatPath } from './describe-value.js';
import { issuesToProblems, scenarioErrorMap } from './issue-format.js';
import type { Locate } from './matrix.js';
import { type Problem, problemsError } from './problems.js';
import { type Scenario, scenarioSchema } from './schema.js';

/** Validates plain data against the scenario schema; problems are located with `locate`. */
export function validateRawScenario(raw: unknown, locate: Locate): { scenario: Scenario } | { problems: Problem[] } {
  const result = scenarioSchema.safeParse(raw, { error: scenarioErrorMap, reportInput: true });
  if (result.success) return { scenario: result.data };
  const problems = issuesToProblems(result.error.issues).map((p) => ({ where: locate(p.path, p.atKey), path: formatPath(p.path), message: p.message }));
  return { problems };
}

/**
 * A scenario from plain data (no file): defaults applied, units parsed. For tests and programmatic
 * use; throws `FcbenchError('bad-input')` listing every problem as `<scenario>: path: message`.
 */
export function parseScenario(raw: unknown): Scenario {
  const result = validateRawScenario(raw, () => '<scenario>');
  if ('problems' in result) throw problemsError(result.problems);
  return result.scenario;
}
