import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { isMap, isScalar, isSeq, parseDocument, stringify, type Node } from 'yaml';
import { REPO_ROOT } from '../cli/cli-helpers.js';

/**
 * Inputs for fuzzing the scenario loader: random YAML (and text that is not YAML), mutations of
 * the shipped scenarios, and `--set` expressions. Generators lean on the real field names so that
 * random input reaches deep into the schema instead of failing at the top level every time.
 */

/** Every property name in scenario.schema.json: random mappings use them as keys. */
export const FIELD_NAMES: readonly string[] = (() => {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) {
      const properties = (node as { properties?: Record<string, unknown> }).properties;
      if (properties) Object.keys(properties).forEach((key) => names.add(key));
      Object.values(node).forEach(walk);
    }
  };
  walk(JSON.parse(readFileSync(join(REPO_ROOT, 'scenario.schema.json'), 'utf8')));
  return [...names];
})();

/** The shipped scenarios, name -> text. */
export const SHIPPED: ReadonlyArray<{ name: string; text: string }> = readdirSync(join(REPO_ROOT, 'scenarios'))
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(REPO_ROOT, 'scenarios', name), 'utf8') }));

/** Characters that carry meaning in YAML, plus line breaks and a few awkward code points. */
const YAML_SOUP = [...':-?[]{},#&*!|>\'"%@`$\\ \t\n\r\u0000\u0085\u2028\ufeffµ0129.eE+_abcxyz'];

/** Strings the schema cares about (units, enum values, interpolation), then anything at all. */
const textScalar = fc.oneof(
  fc.constantFrom('5s', '-1ms', '0s', '1.5m', '10 sec', '1KB', '6XB', '2GiB', 'auto', 'zipf', 'trace', 'none', 'open', 'closed', 'simulated'),
  fc.constantFrom('expire-hot', 'redis-lock', 'swr', 'msgpack', 'zstd', 'redis://127.0.0.1:6379', 'http://x', '< 15ms', '>= 70%', '== 0', 'p(99)<2'),
  fc.constantFrom('${X}', '${X:-3}', '${1BAD}', '${OPEN', '$${lit}', '${A:-${B}}', '~', 'null', 'yes', '.nan', '-.inf', '0x1F', '1e400'),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...YAML_SOUP), maxLength: 20 }),
);

/** A scalar of any type, as YAML would hold it. */
export const scalar: fc.Arbitrary<unknown> = fc.oneof(
  textScalar,
  fc.integer({ min: -3, max: 100_000 }),
  fc.maxSafeInteger(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELD_NAMES) }, { weight: 1, arbitrary: textScalar });

/** Nested mappings, lists and scalars, keyed mostly by real field names. */
export const yamlValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.dictionary(key, tie('value'), { maxKeys: 6 }),
    fc.array(tie('value'), { maxLength: 4 }),
  ),
})).value;

/** Text for a scenario file: a random document rendered as YAML (block or flow), or random text. */
export const randomDocumentText: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.dictionary(key, yamlValue, { maxKeys: 8 }), fc.boolean()).map(([doc, flow]) => stringify(doc, flow ? { collectionStyle: 'flow' } : {})),
  yamlValue.map((doc) => stringify(doc)),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(...YAML_SOUP), maxLength: 200 }),
  fc.uint8Array({ maxLength: 120 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

/** One change to a scenario's text. `pick` chooses a node or offset (taken modulo what exists). */
export type Mutation =
  | { kind: 'delete-key'; pick: number }
  | { kind: 'replace-value'; pick: number; value: unknown }
  | { kind: 'unknown-key'; pick: number; key: string; value: unknown }
  | { kind: 'duplicate-key'; pick: number }
  | { kind: 'truncate'; pick: number }
  | { kind: 'insert-text'; pick: number; text: string };

const pick = fc.nat();
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete-key' as const), pick }),
  fc.record({ kind: fc.constant('replace-value' as const), pick, value: fc.oneof(scalar, yamlValue) }),
  fc.record({ kind: fc.constant('unknown-key' as const), pick, key: fc.oneof(textScalar, fc.constantFrom(...FIELD_NAMES)), value: scalar }),
  fc.record({ kind: fc.constant('duplicate-key' as const), pick }),
  fc.record({ kind: fc.constant('truncate' as const), pick }),
  fc.record({ kind: fc.constant('insert-text' as const), pick, text: fc.string({ unit: fc.constantFrom(...YAML_SOUP), minLength: 1, maxLength: 6 }) }),
);

/** Every mapping pair in the document, as [path, the map that holds it]. */
function pairsOf(node: unknown, path: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (isMap(node)) {
    for (const pair of node.items) {
      const name = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof name !== 'string' && typeof name !== 'number') continue;
      out.push([...path, name]);
      pairsOf(pair.value, [...path, name], out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => pairsOf(item, [...path, index], out));
  }
  return out;
}

/** Every mapping node, by path (for inserting keys). */
function mapsOf(node: unknown, path: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (isMap(node)) {
    out.push(path);
    for (const pair of node.items) if (isScalar(pair.key)) mapsOf(pair.value, [...path, pair.key.value as string], out);
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => mapsOf(item as Node, [...path, index], out));
  }
  return out;
}

/** Lines that start a block-mapping key (`  name: value`): duplicated in place to repeat the key. */
function keyLines(lines: readonly string[]): number[] {
  return lines.flatMap((line, index) => (/^\s*[A-Za-z_][\w.-]*\s*:/.test(line) ? [index] : []));
}

/** Applies one mutation; structural ones go through the YAML document so they stay well-formed. */
export function applyMutation(text: string, m: Mutation): string {
  try {
    return mutate(text, m);
  } catch {
    // The yaml library cannot re-render some documents it parsed (an alias whose anchor was
    // deleted): leave the text as it was.
    return text;
  }
}

function mutate(text: string, m: Mutation): string {
  if (m.kind === 'truncate') return text.slice(0, m.pick % (text.length + 1));
  if (m.kind === 'insert-text') {
    const at = m.pick % (text.length + 1);
    return text.slice(0, at) + m.text + text.slice(at);
  }
  if (m.kind === 'duplicate-key') {
    const lines = text.split('\n');
    const candidates = keyLines(lines);
    const index = candidates[m.pick % Math.max(1, candidates.length)];
    if (index === undefined) return text;
    lines.splice(index, 0, lines[index] ?? '');
    return lines.join('\n');
  }
  const doc = parseDocument(text, { merge: true });
  // An earlier text mutation may have broken the YAML: leave such text as it is.
  if (doc.errors.length > 0) return text;
  if (m.kind === 'unknown-key') {
    const maps = mapsOf(doc.contents);
    const at = maps[m.pick % Math.max(1, maps.length)];
    if (at === undefined) return text;
    const target = at.length === 0 ? doc.contents : doc.getIn(at, true);
    if (isMap(target)) target.set(doc.createNode(m.key), doc.createNode(m.value));
    return doc.toString();
  }
  const pairs = pairsOf(doc.contents);
  const path = pairs[m.pick % Math.max(1, pairs.length)];
  if (path === undefined) return text;
  if (m.kind === 'delete-key') doc.deleteIn(path);
  else doc.setIn(path, doc.createNode(m.value));
  return doc.toString();
}

/** A shipped scenario with one to three mutations applied in turn. */
export const mutatedScenario: fc.Arbitrary<{ name: string; text: string; mutations: Mutation[] }> = fc
  .tuple(fc.constantFrom(...SHIPPED), fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([shipped, mutations]) => ({ name: shipped.name, mutations, text: mutations.reduce(applyMutation, shipped.text) }));

/** A dotted path, mostly made of real names: `cascade.local.ttl`, `featureSets[0].ttl`, `matrix.codec.format`. */
const setPathText = fc.oneof(
  fc
    .array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...FIELD_NAMES) }, fc.constantFrom('0', '1', '[0]', '[7]', '-1', 'x', '')), { minLength: 1, maxLength: 5 })
    .map((segments) => segments.join('.').replace(/\.\[/g, '[')),
  fc.constantFrom('matrix.codec.format', 'thresholds.latency.endToEnd.p99', 'featureSets[0].ttl.hard', 'cascade', '.', '..x', ' ', '[0]', 'a[b]'),
  fc.string({ unit: fc.constantFrom(...YAML_SOUP, '.', '=', '['), maxLength: 12 }),
);

/** The value after `=`: YAML text, from plain scalars to broken flow collections. */
const setValueText = fc.oneof(
  scalar.map((value) => stringify(value).trimEnd()),
  yamlValue.map((value) => stringify(value, { collectionStyle: 'flow' }).trimEnd()),
  fc.constantFrom('', 'null', '~', '[json, msgpack]', '{ fixed: 5ms }', '[', '{a: 1', '"unclosed', '- a\n- b', 'a: 1\nb: 2', '&x a', '*x'),
  fc.string({ unit: fc.constantFrom(...YAML_SOUP), maxLength: 16 }),
);

/** `--set` expressions: usually `path=value`, sometimes no `=` at all or a stray one. */
export const setFlag: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(setPathText, setValueText).map(([path, value]) => `${path}=${value}`) },
  { weight: 1, arbitrary: setPathText },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
);

/** A shipped scenario (unchanged) with one to three `--set` flags. */
export const scenarioWithSets: fc.Arbitrary<{ name: string; text: string; sets: string[] }> = fc
  .tuple(fc.constantFrom(...SHIPPED), fc.array(setFlag, { minLength: 1, maxLength: 3 }))
  .map(([shipped, sets]) => ({ name: shipped.name, text: shipped.text, sets }));
