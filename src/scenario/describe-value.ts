import { redactText } from '../redact.js';

/**
 * How a raw YAML value is shown inside a problem message ("got ..."): strings quoted and cut to a
 * readable length (URL passwords redacted), containers named rather than dumped.
 */
export function describeValue(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'an empty value';
  if (typeof input === 'string') {
    // Redacted before the cut: a cut URL loses its `@` and could no longer be recognised later.
    const quoted = JSON.stringify(redactText(input));
    return quoted.length > 60 ? `${quoted.slice(0, 56)}..."` : quoted;
  }
  if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') return String(input);
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  return typeof input;
}

/** `featureSets[0].ttl.soft`, `thresholds["latency.endToEnd.p99"]`: the path as shown to people. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number' || (typeof segment === 'string' && /^\d+$/.test(segment))) out += `[${String(segment)}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}
