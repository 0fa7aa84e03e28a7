import type * as z from 'zod';
import { describeValue } from './describe-value.js';
import { closestMatch } from './suggest.js';

/**
 * Zod issues -> problems people can act on: each message says what is allowed and what was
 * found (`must be > 0 (got -1)`), unknown fields suggest the likely intended name, and union
 * failures report the branch the user evidently meant rather than every branch.
 */
export interface IssueProblem {
  path: PropertyKey[];
  message: string;
  /** The problem is the key itself (an unknown field, a bad record key), not its value. */
  atKey: boolean;
}

type RawIssue = z.core.$ZodRawIssue;
type Issue = z.core.$ZodIssue;

const TYPE_NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping (field: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
};

function isIntSchema(inst: unknown): boolean {
  return (inst as { _zod?: { def?: { format?: string } } } | undefined)?._zod?.def?.format === 'safeint';
}

function bound(op: string, limit: number | bigint, input: unknown): string {
  return `must be ${op} ${String(limit)} (got ${describeValue(input)})`;
}

function oneOf(values: readonly unknown[], input: unknown): string {
  const list = values.map((v) => String(v)).join(', ');
  const suggestion = typeof input === 'string' ? closestMatch(input, values.map(String)) : undefined;
  const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
  return `must be one of ${list} (got ${describeValue(input)})${hint}`;
}

/** A key as written, quoted with escapes: a key may hold a line break, and a problem is one line. */
const quoteKey = (key: string): string => JSON.stringify(key);

function unknownField(key: string, known: string[]): string {
  const suggestion = closestMatch(key, known);
  if (suggestion !== undefined) return `unknown field ${quoteKey(key)}; did you mean "${suggestion}"?`;
  return known.length > 0 ? `unknown field ${quoteKey(key)}; allowed here: ${known.join(', ')}` : `unknown field ${quoteKey(key)}; nothing else is allowed here`;
}

/** Per-parse error map: schema-level custom messages still win over it. */
export function scenarioErrorMap(iss: RawIssue): string | undefined {
  const input = iss.input;
  switch (iss.code) {
    case 'invalid_type': {
      const expected = isIntSchema(iss.inst) ? 'int' : iss.expected;
      const noun = TYPE_NOUNS[expected];
      if (input === undefined) return noun ? `required (${noun})` : 'required';
      const hint = expected === 'string' && (typeof input === 'number' || typeof input === 'boolean') ? `; quote it if you meant the text "${String(input)}"` : '';
      return `expected ${noun ?? expected} (got ${describeValue(input)}${hint})`;
    }
    case 'too_small':
      if (iss.origin === 'string') return iss.minimum === 1 ? 'must not be empty' : `must be at least ${String(iss.minimum)} characters`;
      if (iss.origin === 'array') return `needs at least ${String(iss.minimum)} item${iss.minimum === 1 ? '' : 's'}`;
      return bound(iss.inclusive ? '>=' : '>', iss.minimum, input);
    case 'too_big':
      if (iss.origin === 'string') return `must be at most ${String(iss.maximum)} characters (got ${String((input as string).length)})`;
      if (iss.origin === 'array') return `must have at most ${String(iss.maximum)} items`;
      return bound(iss.inclusive ? '<=' : '<', iss.maximum, input);
    case 'invalid_value':
      return oneOf(iss.values, input);
    case 'invalid_union': {
      const options: unknown = iss['options'];
      if (iss.discriminator === undefined || !Array.isArray(options)) return undefined;
      const found = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[iss.discriminator] : undefined;
      return found === undefined ? `required: one of ${options.map(String).join(', ')}` : oneOf(options, found);
    }
    case 'unrecognized_keys': {
      const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape ?? {};
      const known = Object.keys(shape);
      // One line per key, in `keys` order: `issuesToProblems` splits them back apart.
      return iss.keys.map((key) => unknownField(key, known)).join('\n');
    }
    case 'invalid_format':
      return `must match ${iss.pattern ?? iss.format} (got ${describeValue(input)})`;
    case 'invalid_key':
      return `invalid key: ${iss.issues.map((nested) => nested.message).join('; ')}`;
    default:
      return undefined;
  }
}

function isTypeMismatch(issue: Issue): boolean {
  if (issue.path.length > 0) return false;
  return issue.code === 'invalid_type' || (issue.code === 'custom' && issue.params?.['typeMismatch'] === true);
}

/** The branch of a failed union the input was evidently meant for: right type, fewest problems. */
function likelyBranch(branches: readonly Issue[][]): Issue[] | undefined {
  let best: Issue[] | undefined;
  for (const branch of branches) {
    if (branch.length === 0 || branch.some(isTypeMismatch)) continue;
    if (best === undefined || branch.length < best.length) best = branch;
  }
  return best;
}

export function issuesToProblems(issues: readonly Issue[], prefix: readonly PropertyKey[] = []): IssueProblem[] {
  const problems: IssueProblem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const lines = issue.message.split('\n');
      issue.keys.forEach((key, index) => problems.push({ path: [...path, key], message: lines[index] ?? `unknown field ${quoteKey(key)}`, atKey: true }));
    } else if (issue.code === 'invalid_union' && issue.discriminator === undefined && issue.errors.length > 0) {
      const branch = likelyBranch(issue.errors);
      if (branch) problems.push(...issuesToProblems(branch, path));
      else problems.push({ path, message: issue.message, atKey: false });
    } else {
      problems.push({ path, message: issue.message, atKey: issue.code === 'invalid_key' });
    }
  }
  return problems;
}
