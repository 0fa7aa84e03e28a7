import { isAlias, isMap, isScalar, isSeq, parse } from 'yaml';
import { formatPath } from './describe-value.js';
import type { Problem } from './problems.js';
import { positionOf, type YamlSource } from './yaml-source.js';

/**
 * `${VAR}` and `${VAR:-default}` in string values, from an env object (not `process.env` directly,
 * so tests and the library stay deterministic). `:-` uses the default when the variable is unset
 * or empty, as in the shell. `$${` writes a literal `${`. Keys are never interpolated.
 */
export type Env = Readonly<Record<string, string | undefined>>;

const REFERENCE_RE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/** Expands references in one string; returns every problem found (not just the first). */
export function interpolateString(text: string, env: Env): { value: string; errors: string[] } {
  let value = '';
  const errors: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      value += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      value += text.charAt(i);
      i += 1;
      continue;
    }
    const end = text.indexOf('}', i + 2);
    if (end < 0) {
      errors.push('unclosed "${" (write $${ for a literal "${")');
      break;
    }
    const inner = text.slice(i + 2, end);
    const match = REFERENCE_RE.exec(inner);
    if (!match || match[2]?.includes('${')) {
      errors.push(`bad reference "\${${inner}}": expected \${NAME} or \${NAME:-default} (no nesting)`);
    } else {
      const name = match[1] ?? '';
      const fallback = match[2];
      const found = env[name];
      if (found !== undefined && (fallback === undefined || found !== '')) value += found;
      else if (fallback !== undefined) value += fallback;
      else errors.push(`environment variable ${name} is not set (write \${${name}:-default} to give a default)`);
    }
    i = end + 1;
  }
  return { value, errors };
}

/**
 * An unquoted value like `replicas: ${REPLICAS:-2}` means the number 2, as if it had been written
 * in place; a quoted one stays a string.
 */
function retype(value: string): string | number | boolean {
  try {
    // logLevel error: no yaml warnings printed to stderr behind our back.
    const parsed: unknown = parse(value, { logLevel: 'error' });
    return typeof parsed === 'number' || typeof parsed === 'boolean' ? parsed : value;
  } catch {
    return value;
  }
}

/** Interpolates every string scalar of the document in place; returns located problems. */
export function interpolateDocument(source: YamlSource, env: Env): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: unknown, path: PropertyKey[]): void => {
    if (isAlias(node)) return; // the anchored node is visited where it is defined
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        visit(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, [...path, index]));
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${')) {
      const { value, errors } = interpolateString(node.value, env);
      const where = positionOf(source, node.range?.[0] ?? 0);
      for (const message of errors) problems.push({ where, path: formatPath(path), message });
      node.value = node.type === 'PLAIN' ? retype(value) : value;
    }
  };
  visit(source.doc.contents, []);
  return problems;
}
