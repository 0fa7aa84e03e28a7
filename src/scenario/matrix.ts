import { redactText } from '../redact.js';
import { canonicalJson } from './canonical-json.js';
import { formatPath } from './describe-value.js';
import { issuesToProblems, scenarioErrorMap } from './issue-format.js';
import { splitPath } from './overrides.js';
import type { Problem } from './problems.js';
import { matrixSchema } from './schema.js';

/**
 * `matrix:` -> variants: the cartesian product of its axes (the first axis varies slowest), each
 * combination applied to the raw document before validation.
 */
export interface MatrixAxis {
  /** The key as written (`codec.format`), used in labels. */
  key: string;
  path: string[];
  values: unknown[];
}

export interface Assignment {
  axis: MatrixAxis;
  /** Position of the value in the axis (for locating it in the file). */
  index: number;
  value: unknown;
}

/** A guard against a typo turning into hours of runs. */
export const MAX_VARIANTS = 256;

/** Locates a path (relative to the document root) as `file:line:col` or a flag. */
export type Locate = (path: readonly PropertyKey[], atKey?: boolean) => string;

/** Validates `matrix:` and turns it into axes; every problem is located in the file. */
export function readMatrix(rawMatrix: unknown, locate: Locate): { axes: MatrixAxis[]; problems: Problem[] } {
  const parsed = matrixSchema.safeParse(rawMatrix, { error: scenarioErrorMap, reportInput: true });
  if (!parsed.success) {
    const problems = issuesToProblems(parsed.error.issues, ['matrix']).map((p) => ({ where: locate(p.path, p.atKey), path: formatPath(p.path), message: p.message }));
    return { axes: [], problems };
  }
  const problems: Problem[] = [];
  const axes: MatrixAxis[] = [];
  for (const [key, values] of Object.entries(parsed.data)) {
    const at = (path: PropertyKey[] = [], atKey = false) => ({ where: locate(['matrix', key, ...path], atKey), path: formatPath(['matrix', key, ...path]) });
    let path: string[];
    try {
      path = splitPath(key);
    } catch (error) {
      problems.push({ ...at([], true), message: (error as Error).message });
      continue;
    }
    if (path[0] === 'matrix') {
      problems.push({ ...at([], true), message: 'a matrix cannot vary the matrix itself' });
      continue;
    }
    const seen = new Map<string, number>();
    values.forEach((value, index) => {
      const canonical = canonicalJson(value);
      const earlier = seen.get(canonical);
      if (earlier === undefined) seen.set(canonical, index);
      else problems.push({ ...at([index]), message: `duplicate value ${labelValue(value)} (also item ${earlier})` });
    });
    axes.push({ key, path, values });
  }
  const count = axes.reduce((product, axis) => product * axis.values.length, 1);
  if (count > MAX_VARIANTS) problems.push({ where: locate(['matrix']), path: 'matrix', message: `expands to ${count} variants; at most ${MAX_VARIANTS} are allowed` });
  return { axes, problems };
}

/** Every combination of one value per axis; `[[]]` (one empty combination) without axes. */
export function matrixCombinations(axes: readonly MatrixAxis[]): Assignment[][] {
  let combinations: Assignment[][] = [[]];
  for (const axis of axes) {
    const next: Assignment[][] = [];
    for (const combination of combinations) {
      axis.values.forEach((value, index) => next.push([...combination, { axis, index, value }]));
    }
    combinations = next;
  }
  return combinations;
}

/** A value as shown in a label: scalars bare, containers in compact flow style (`{hard:15m,soft:5m}`). */
export function labelValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(labelValue).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}:${labelValue(v)}`)
      .join(',')}}`;
  }
  return String(value);
}

/** `codec.format=json,codec.compression=zstd`; '' without a matrix. URL passwords redacted: labels are printed and name files. */
export function variantLabel(assignments: readonly Assignment[]): string {
  return redactText(assignments.map((a) => `${a.axis.key}=${labelValue(a.value)}`).join(','));
}
