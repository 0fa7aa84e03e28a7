import { parse } from 'yaml';
import { describeValue, formatPath } from './describe-value.js';
import { printable } from './problems.js';
import { RECORD_FIELDS } from './schema.js';

/**
 * Changes applied to the raw document before validation: `--set path=value`, `--seed`,
 * `--duration`, and each matrix assignment. Paths are dotted (`cascade.local.ttl`), array items by
 * index (`featureSets.0.ttl` or `featureSets[0].ttl`); under `thresholds` and `matrix` the rest of
 * the path is one key (`thresholds.latency.endToEnd.p99`). A `null` value removes the field, so its
 * default applies again (as in Helm values).
 */
export interface Override {
  /** How the change is named in messages: `--set cascade.replicas=abc`, `--seed 7`. */
  label: string;
  path: string[];
  /** The new value; `null` removes the field. */
  value: unknown;
}

/** `featureSets[0].ttl.hard` -> ['featureSets', '0', 'ttl', 'hard']; throws on an empty segment. */
export function splitPath(text: string): string[] {
  const trimmed = text.trim();
  const dot = trimmed.indexOf('.');
  const head = dot < 0 ? trimmed : trimmed.slice(0, dot);
  if (dot > 0 && RECORD_FIELDS.includes(head)) return [head, trimmed.slice(dot + 1)];
  const segments = trimmed.replace(/\[(\d+)\]/g, '.$1').split('.');
  if (segments.some((segment) => segment === '')) throw new Error(`bad path ${JSON.stringify(text)}: expected dotted names like cascade.local.ttl`);
  return segments;
}

/**
 * How a `--set` flag is named in messages: as typed, or quoted with escapes when it holds a line
 * break or control character, so every problem stays one line (a multi-line YAML value split the
 * message across lines; found by fuzzing).
 */
export function setFlagLabel(expr: string): string {
  return `--set ${printable(expr)}`;
}

/** Parses `path=value`; the value is YAML (`3`, `true`, `[json, msgpack]`, `{ fixed: 5ms }`). */
export function parseSetFlag(expr: string): Override {
  const label = setFlagLabel(expr);
  const eq = expr.indexOf('=');
  if (eq < 0) throw new Error('expected path=value, e.g. --set cascade.replicas=4');
  const rawPath = expr.slice(0, eq);
  if (rawPath.trim() === '') throw new Error('the path before "=" is empty; expected path=value');
  const path = splitPath(rawPath);
  const text = expr.slice(eq + 1);
  let value: unknown;
  try {
    // An empty value is the empty string, not YAML's null (which would remove the field).
    // logLevel error: yaml would print its warnings (an unresolved tag `!x`) to stderr itself,
    // unlocated and over several lines (found by fuzzing); errors still throw.
    value = text.trim() === '' ? '' : parse(text, { logLevel: 'error' });
  } catch (error) {
    throw new Error(`the value is not valid YAML: ${((error as Error).message.split('\n')[0] ?? '').trim()}`);
  }
  return { label, path, value };
}

/**
 * Parses `--sweep path=v1,v2,...` into the matrix axis it adds: `matrix.<path>` set to the list of
 * values, each parsed as YAML like a `--set` value. Commas inside brackets, braces or quotes do not
 * split (`--sweep 'featureSets.0.ttl=[{hard: 1m, soft: 30s},{hard: 5m}]'` is better written as YAML
 * flow in one value, but `{hard: 1m, soft: 30s},{hard: 5m}` works too).
 */
export function parseSweepFlag(expr: string): Override {
  const label = `--sweep ${printable(expr)}`;
  const eq = expr.indexOf('=');
  if (eq < 0) throw new Error('expected path=v1,v2,..., e.g. --sweep cascade.local.maxEntries=1000,5000');
  const rawPath = expr.slice(0, eq).trim();
  if (rawPath === '') throw new Error('the path before "=" is empty; expected path=v1,v2,...');
  splitPath(rawPath); // the same path rules as --set and matrix keys
  const values = splitTopLevel(expr.slice(eq + 1)).map((text, index) => {
    if (text.trim() === '') throw new Error(`value ${index + 1} is empty; expected path=v1,v2,...`);
    try {
      return parse(text, { logLevel: 'error' }) as unknown;
    } catch (error) {
      throw new Error(`value ${index + 1} is not valid YAML: ${((error as Error).message.split('\n')[0] ?? '').trim()}`);
    }
  });
  return { label, path: ['matrix', rawPath], value: values };
}

/** Splits on commas outside brackets, braces and quotes. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayIndex(container: unknown[], segment: string, where: string): number {
  if (!/^\d+$/.test(segment)) throw new Error(`${where} is a list: use an item index (got ${JSON.stringify(segment)})`);
  const index = Number(segment);
  if (index > container.length) throw new Error(`${where} has ${container.length} item(s): index ${index} is out of range`);
  return index;
}

/**
 * Sets (or, for `null`, removes) `path` in `root`, creating missing mappings and lists on the way.
 * Mutates `root`: callers pass a copy they own. Throws an Error saying why the path cannot be set.
 */
export function setPath(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let container: unknown = root;
  for (const [index, segment] of path.entries()) {
    const where = formatPath(path.slice(0, index)) || 'the top level';
    const last = index === path.length - 1;
    const nextIsIndex = /^\d+$/.test(path[index + 1] ?? '');
    if (Array.isArray(container)) {
      const at = arrayIndex(container, segment, where);
      if (last) {
        if (value === null) throw new Error(`cannot remove an item of ${where}; set the whole list instead`);
        container[at] = value;
        return;
      }
      if (container[at] === undefined || container[at] === null) container[at] = nextIsIndex ? [] : {};
      container = container[at];
    } else if (isPlainObject(container)) {
      if (last) {
        if (value === null) delete container[segment];
        else container[segment] = value;
        return;
      }
      if (container[segment] === undefined || container[segment] === null) container[segment] = nextIsIndex ? [] : {};
      container = container[segment];
    } else {
      throw new Error(`${where} is ${describeValue(container)}, not a mapping or list, so ${formatPath(path)} cannot be set`);
    }
  }
}

/** Whether `prefix` is `path` or one of its ancestors. */
export function isPathPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => segment === path[index]);
}
