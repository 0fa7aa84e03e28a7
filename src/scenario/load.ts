import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { hashOf } from './canonical-json.js';
import { describeValue, formatPath } from './describe-value.js';
import { type Env, interpolateDocument } from './interpolate.js';
import { type Assignment, type Locate, matrixCombinations, readMatrix, variantLabel } from './matrix.js';
import { isPathPrefix, type Override, parseSetFlag, parseSweepFlag, setFlagLabel, setPath } from './overrides.js';
import { printable, type Problem, problemsError, throwIfProblems } from './problems.js';
import { IMPLEMENTATION_NAMES } from './implementation-rules.js';
import type { Scenario } from './schema.js';
import { validateRawScenario } from './validate.js';
import { hasPath, locatePath, parseScenarioYaml, positionOf, readScenarioText, type YamlSource } from './yaml-source.js';

/** One concrete run of a scenario: a matrix combination (or the scenario itself without a matrix). */
export interface ScenarioVariant {
  /** `codec.format=json,codec.compression=zstd`; '' without a matrix. */
  label: string;
  /** Matrix key (as written) -> the value this variant uses. */
  assignments: Record<string, unknown>;
  /** Validated, defaults applied, durations in ms, sizes in bytes; `matrix` is `{}`. */
  scenario: Scenario;
  /** sha256 hex of the canonical JSON of `scenario`. */
  hash: string;
  /** `file:line:col` of `cascade.implementation` (or what set it): a plugin that fails to load or build is reported there. */
  implementationAt?: string;
}

export interface LoadedScenario {
  /** Absolute path of the scenario file. */
  file: string;
  /** Its folder: relative paths in the scenario (trace files) resolve against it. */
  dir: string;
  variants: ScenarioVariant[];
}

export interface LoadOptions {
  /** `--set path=value` expressions, applied in order after interpolation (value parsed as YAML). */
  sets?: string[];
  /** Variables for `${VAR}` interpolation. @default process.env */
  env?: Record<string, string | undefined>;
  /** `--seed N`: replaces `seed`. */
  seed?: number;
  /** `--duration 30s`: replaces `duration`. */
  duration?: string;
  /** `--sweep path=v1,v2` expressions (simulate): each adds a matrix axis, so variants are the cartesian product. */
  sweeps?: string[];
}

interface Origin {
  path: readonly string[];
  where: string;
}

/**
 * Locates a path: the most specific flag or matrix value that set it, else the file. A path the file
 * does not have (a missing field, or `nonsense` created by `--set nonsense.deep=1`) goes to the
 * flag that changed the nearest part of the document, if any did.
 */
function makeLocate(source: YamlSource, origins: readonly Origin[]): Locate {
  return (path, atKey = false) => {
    const segments = path.map(String);
    let best: Origin | undefined;
    for (const origin of origins) {
      if (isPathPrefix(origin.path, segments) && (best === undefined || origin.path.length >= best.path.length)) best = origin;
    }
    if (best === undefined && !hasPath(source, path)) {
      let shared = 0;
      for (const origin of origins) {
        const common = commonPrefixLength(origin.path, segments);
        if (common > 0 && common >= shared) [best, shared] = [origin, common];
      }
    }
    return best?.where ?? locatePath(source, path, atKey);
  };
}

function commonPrefixLength(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** The document as plain data, if it is a mapping; otherwise the problem with it. */
function topLevelMapping(source: YamlSource): { data: Record<string, unknown> } | { problem: Problem } {
  const contents = source.doc.contents;
  if (contents === null) return { problem: { where: `${source.file}:1:1`, path: '', message: 'the file is empty; a scenario needs at least a name: field' } };
  let data: unknown;
  try {
    // The alias cap stops "billion laughs" documents from expanding without bound.
    data = source.doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    return { problem: { where: positionOf(source, contents.range?.[0] ?? 0), path: '', message: `cannot expand the YAML: ${(error as Error).message}` } };
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) return { data: data as Record<string, unknown> };
  return { problem: { where: positionOf(source, contents.range?.[0] ?? 0), path: '', message: `expected a mapping of scenario fields at the top level (got ${describeValue(data)})` } };
}

function collectOverrides(options: LoadOptions): { overrides: Override[]; problems: Problem[] } {
  const overrides: Override[] = [];
  const problems: Problem[] = [];
  for (const expr of options.sets ?? []) {
    try {
      overrides.push(parseSetFlag(expr));
    } catch (error) {
      problems.push({ where: setFlagLabel(expr), path: '', message: (error as Error).message });
    }
  }
  for (const expr of options.sweeps ?? []) {
    try {
      overrides.push(parseSweepFlag(expr));
    } catch (error) {
      problems.push({ where: `--sweep ${printable(expr)}`, path: '', message: (error as Error).message });
    }
  }
  if (options.seed !== undefined) overrides.push({ label: `--seed ${options.seed}`, path: ['seed'], value: options.seed });
  if (options.duration !== undefined) overrides.push({ label: `--duration ${options.duration}`, path: ['duration'], value: options.duration });
  return { overrides, problems };
}

/** Applies overrides to `raw`; a path that cannot be set is a problem named after its flag. */
function applyOverrides(raw: Record<string, unknown>, overrides: readonly Override[], problems: Problem[]): void {
  for (const override of overrides) {
    try {
      setPath(raw, override.path, override.value);
    } catch (error) {
      problems.push({ where: override.label, path: formatPath(override.path), message: (error as Error).message });
    }
  }
}

async function traceFileProblem(scenario: Scenario, dir: string, locate: Locate): Promise<Problem | undefined> {
  const distribution = scenario.keys.distribution;
  if (distribution.kind !== 'trace') return undefined;
  const path = ['keys', 'distribution', 'file'];
  const resolved = resolve(dir, distribution.file);
  const info = await stat(resolved).catch(() => undefined);
  if (info?.isFile()) return undefined;
  const why = info ? 'is not a file' : 'not found';
  return { where: locate(path), path: formatPath(path), message: `trace file ${why}: ${resolved} (paths are relative to the scenario's folder)` };
}

/** A plugin module that is not there, found by validate too; whether it loads is the run's to find out. */
async function implementationFileProblem(scenario: Scenario, dir: string, locate: Locate): Promise<Problem | undefined> {
  const name = scenario.cascade.implementation;
  if ((IMPLEMENTATION_NAMES as readonly string[]).includes(name)) return undefined;
  const path = ['cascade', 'implementation'];
  const resolved = resolve(dir, name);
  const info = await stat(resolved).catch(() => undefined);
  if (info?.isFile()) return undefined;
  return { where: locate(path), path: formatPath(path), message: `module not found: ${resolved} (paths are relative to the scenario's folder)` };
}

/**
 * Reads, interpolates, overrides, expands and validates a scenario file. Every problem, in every
 * variant, is collected and thrown at once as `FcbenchError('bad-input')`.
 */
export async function loadScenario(file: string, options: LoadOptions = {}): Promise<LoadedScenario> {
  const read = await readScenarioText(file);
  if ('problem' in read) throw problemsError([read.problem]);
  const { source, problems: syntaxProblems } = parseScenarioYaml(file, read.text);
  // A document with syntax errors has no trustworthy structure to validate further.
  throwIfProblems(syntaxProblems);
  throwIfProblems(interpolateDocument(source, (options.env ?? process.env) as Env));
  const top = topLevelMapping(source);
  if ('problem' in top) throw problemsError([top.problem]);

  const base = top.data;
  const { overrides, problems } = collectOverrides(options);
  applyOverrides(base, overrides, problems);
  throwIfProblems(problems);

  const overrideOrigins = overrides.map((o) => ({ path: o.path, where: o.label }));
  // A matrix axis (or one of its values) set by a flag is located at that flag, not in the file.
  const matrixLocate = makeLocate(source, overrideOrigins);
  const { axes, problems: matrixProblems } = readMatrix(base['matrix'] ?? {}, matrixLocate);
  throwIfProblems(matrixProblems);
  delete base['matrix'];
  // A flag that sets an axis's path (or an ancestor of it) pins that axis to the flag's value.
  const activeAxes = axes.filter((axis) => !overrides.some((o) => isPathPrefix(o.path, axis.path)));
  const nonMatrixOverrides = overrides.filter((o) => o.path[0] !== 'matrix');

  const dir = dirname(resolve(file));
  const combinations = matrixCombinations(activeAxes);
  const linesByVariant = new Map<string, { problem: Problem; labels: string[] }>();
  const variants: ScenarioVariant[] = [];
  for (const combination of combinations) {
    const label = variantLabel(combination);
    const built = await buildVariant(source, base, combination, nonMatrixOverrides, matrixLocate, dir);
    if ('variant' in built) {
      variants.push(built.variant);
      continue;
    }
    for (const problem of built.problems) {
      const key = `${problem.where}\u0000${problem.path}\u0000${problem.message}`;
      const entry = linesByVariant.get(key) ?? { problem, labels: [] };
      entry.labels.push(label);
      linesByVariant.set(key, entry);
    }
  }
  // Problems that only some variants have name the first such variant.
  throwIfProblems(
    [...linesByVariant.values()].map(({ problem, labels }) =>
      labels.length === combinations.length || labels[0] === undefined
        ? problem
        : { ...problem, message: `${problem.message} (in variant ${printable(labels[0])}${labels.length > 1 ? ` and ${labels.length - 1} more` : ''})` },
    ),
  );
  return { file: resolve(file), dir, variants };
}

async function buildVariant(
  source: YamlSource,
  base: Record<string, unknown>,
  combination: readonly Assignment[],
  overrides: readonly Override[],
  matrixLocate: Locate,
  dir: string,
): Promise<{ variant: ScenarioVariant } | { problems: Problem[] }> {
  const raw = structuredClone(base);
  const problems: Problem[] = [];
  const axisOrigins: Origin[] = combination.map((a) => ({ path: a.axis.path, where: matrixLocate(['matrix', a.axis.key, a.index]) }));
  for (const [i, assignment] of combination.entries()) {
    try {
      setPath(raw, assignment.axis.path, assignment.value);
    } catch (error) {
      problems.push({ where: axisOrigins[i]?.where ?? source.file, path: formatPath(assignment.axis.path), message: (error as Error).message });
    }
  }
  // Re-applied so a flag inside an axis's subtree still wins over the axis value.
  applyOverrides(raw, overrides, problems);
  if (problems.length > 0) return { problems };

  const locate = makeLocate(source, [...axisOrigins, ...overrides.map((o) => ({ path: o.path, where: o.label }))]);
  const result = validateRawScenario(raw, locate);
  if ('problems' in result) return result;
  const traceProblem = (await traceFileProblem(result.scenario, dir, locate)) ?? (await implementationFileProblem(result.scenario, dir, locate));
  if (traceProblem) return { problems: [traceProblem] };
  const scenario = result.scenario;
  const implementationAt = locate(['cascade', 'implementation']);
  return { variant: { label: variantLabel(combination), assignments: assignmentsRecord(combination), scenario, hash: hashOf(scenario), implementationAt } };
}

function assignmentsRecord(combination: readonly Assignment[]): Record<string, unknown> {
  return Object.fromEntries(combination.map((a) => [a.axis.key, a.value]));
}
