import { badInput } from '../errors.js';
import { fnv1a32, mix32, Xoshiro128 } from './rng.js';
import type { FeatureValues, PayloadSpec } from './types.js';

/**
 * Deterministic feature payloads: the values of (entity, featureSet, version) are a pure function
 * of those strings and the spec, so every replica, the warmer and the simulated source agree on
 * the bytes without storing anything, and a new version (batch publish) changes every value.
 *
 * Values imitate what a feature store returns, because codec sizes and speeds depend on it:
 * floats are a mix of scores in [0, 1), z-scores, money amounts with cents, rates and log-normal
 * magnitudes (full double precision for most, so JSON and msgpack sizes are realistic); ints are
 * counts, day offsets and 31-bit ids; strings are lowercase alphanumerics; the embedding is
 * centred float32 values.
 */

/** Spec after defaults. */
export interface ResolvedPayloadSpec {
  floats: number;
  ints: number;
  strings: number;
  embedding: number;
  stringLength: number;
  categorical: number;
  cardinality: number;
}

/** Default length of each string feature, in characters. */
export const DEFAULT_STRING_LENGTH = 12;
/** Default number of distinct values of a categorical string feature. */
export const DEFAULT_CARDINALITY = 16;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz012345'; // 32 symbols: 5 bits each
const TWO_POW_32 = 4294967296;

/** Builds a payload object from its values in key order. */
type ShapeFactory = (values: readonly unknown[]) => FeatureValues;

const shapeCache = new Map<string, ShapeFactory>();

/**
 * A factory returning one object literal with every key of the spec, compiled once per shape.
 * Why generated code: adding 60 computed keys one by one costs 5-10 µs per payload (transition
 * walks, keyed stores), a literal about 1.5 µs, and every payload then shares one hidden class,
 * which also speeds up the codecs that read it. Keys are our own `f12`-style names, quoted with
 * JSON.stringify, so no outside text reaches the generated source.
 */
function shapeFactory(spec: ResolvedPayloadSpec): ShapeFactory {
  const cacheKey = `${spec.floats},${spec.ints},${spec.strings},${spec.embedding > 0}`;
  let factory = shapeCache.get(cacheKey);
  if (!factory) {
    const keys: string[] = [];
    for (let i = 0; i < spec.floats; i++) keys.push(`f${i}`);
    for (let i = 0; i < spec.ints; i++) keys.push(`i${i}`);
    for (let i = 0; i < spec.strings; i++) keys.push(`s${i}`);
    if (spec.embedding > 0) keys.push('emb');
    const body = `return {${keys.map((key, i) => `${JSON.stringify(key)}: v[${i}]`).join(', ')}};`;
    factory = new Function('v', body) as ShapeFactory;
    shapeCache.set(cacheKey, factory);
  }
  return factory;
}

/**
 * Builds feature objects of `spec`'s shape from their values in key order (f0.., i0.., s0.., emb):
 * the same hidden class the generator's payloads have, for readers of feature-row files (warm).
 */
export function createFeatureObjectBuilder(spec: PayloadSpec): (values: readonly unknown[]) => FeatureValues {
  return shapeFactory(resolvePayloadSpec(spec));
}

function checkCount(field: keyof PayloadSpec, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw badInput(`payload.${field}: must be an integer >= 0, got ${String(value)}`);
  }
  return value;
}

/** Validates a spec and applies defaults; returns a new object (the caller's is not touched). */
export function resolvePayloadSpec(spec: PayloadSpec): ResolvedPayloadSpec {
  return {
    floats: checkCount('floats', spec.floats),
    ints: checkCount('ints', spec.ints),
    strings: checkCount('strings', spec.strings),
    embedding: checkCount('embedding', spec.embedding),
    stringLength: checkCount('stringLength', spec.stringLength ?? DEFAULT_STRING_LENGTH),
    categorical: checkCategorical(spec),
    cardinality: checkCardinality(spec.cardinality ?? DEFAULT_CARDINALITY),
  };
}

function checkCardinality(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw badInput(`payload.cardinality: must be an integer >= 1, got ${String(value)}`);
  return value;
}

function checkCategorical(spec: PayloadSpec): number {
  const categorical = checkCount('categorical', spec.categorical ?? 0);
  const strings = checkCount('strings', spec.strings);
  if (categorical > strings) throw badInput(`payload.categorical: ${categorical} categorical strings but only ${strings} string features`);
  return categorical;
}

/**
 * The values a categorical string feature takes: `cardinality` distinct strings of `stringLength`
 * characters (`c000000000a` style, base 36), the same for writer, reader and source.
 */
export function categoryVocabulary(spec: Pick<ResolvedPayloadSpec, 'cardinality' | 'stringLength'>): string[] {
  return Array.from({ length: spec.cardinality }, (_, k) => `c${k.toString(36).padStart(Math.max(0, spec.stringLength - 1), '0')}`);
}

/** Continues a 32-bit FNV-1a over the three strings, with a separator so ("ab","c") != ("a","bc"). */
function hashParts(basis: number, entity: string, featureSet: string, version: string): number {
  let hash = fnv1a32(entity, basis);
  hash = Math.imul(hash ^ 0xff, 0x01000193) >>> 0;
  hash = fnv1a32(featureSet, hash);
  hash = Math.imul(hash ^ 0xff, 0x01000193) >>> 0;
  return fnv1a32(version, hash);
}

/** A stream seeded from 64 bits of hash, so distinct entities collide only after ~2^32 of them. */
function streamFor(entity: string, featureSet: string, version: string): Xoshiro128 {
  const h1 = hashParts(0x811c9dc5, entity, featureSet, version);
  const h2 = hashParts(0x050c5d1f, entity, featureSet, version);
  return new Xoshiro128(h1, [mix32(h1), mix32(h2), mix32(h1 ^ 0x9e3779b9), mix32(h2 + 0x3c6ef372)]);
}

function floatFeature(rng: Xoshiro128, index: number): number {
  const u = rng.next();
  switch (index % 5) {
    case 0: // score / probability
      return u;
    case 1: // z-score, roughly normal
      return (u + rng.next() + rng.next() - 1.5) * 2;
    case 2: // money amount, 1.00 .. ~22,000.00 with cents
      return Math.round(Math.exp(u * 10) * 100) / 100;
    case 3: // rate per day
      return u * 50;
    default: // log-normal magnitude
      return Math.exp(4 + 3 * (u + rng.next() - 1));
  }
}

function intFeature(rng: Xoshiro128, index: number): number {
  const bits = rng.nextUint32();
  switch (index % 3) {
    case 0: {
      const u = bits / TWO_POW_32;
      return Math.floor(u * u * 1000); // event count, skewed small
    }
    case 1:
      return bits % 3650; // days since an event
    default:
      return bits >>> 1; // 31-bit id
  }
}

function stringFeature(rng: Xoshiro128, length: number): string {
  let text = '';
  let bits = 0;
  let left = 0;
  for (let i = 0; i < length; i++) {
    if (left === 0) {
      bits = rng.nextUint32();
      left = 6; // six 5-bit symbols per 32-bit draw
    }
    text += ALPHABET[bits & 31];
    bits >>>= 5;
    left--;
  }
  return text;
}

const vocabularies = new Map<string, string[]>();

function vocabularyOf(spec: ResolvedPayloadSpec): string[] {
  const key = `${spec.cardinality},${spec.stringLength}`;
  let vocabulary = vocabularies.get(key);
  if (vocabulary === undefined) {
    vocabulary = categoryVocabulary(spec);
    vocabularies.set(key, vocabulary);
  }
  return vocabulary;
}

/** Builds the payload for an already resolved spec (no validation: the hot path of sources). */
export function generateResolved(
  spec: ResolvedPayloadSpec,
  entity: string,
  featureSet: string,
  version: string,
): FeatureValues {
  const rng = streamFor(entity, featureSet, version);
  const values: unknown[] = [];
  for (let i = 0; i < spec.floats; i++) values.push(floatFeature(rng, i));
  for (let i = 0; i < spec.ints; i++) values.push(intFeature(rng, i));
  const plain = spec.strings - spec.categorical;
  for (let i = 0; i < plain; i++) values.push(stringFeature(rng, spec.stringLength));
  if (spec.categorical > 0) {
    const vocabulary = vocabularyOf(spec);
    for (let i = 0; i < spec.categorical; i++) values.push(vocabulary[rng.nextUint32() % vocabulary.length]);
  }
  if (spec.embedding > 0) {
    const embedding = new Array<number>(spec.embedding);
    for (let i = 0; i < spec.embedding; i++) {
      // Sum of two uniforms: centred, bell-ish, |x| < 0.25, rounded to what a float32 store holds.
      embedding[i] = Math.fround((rng.next() + rng.next() - 1) * 0.25);
    }
    values.push(embedding);
  }
  return shapeFactory(spec)(values);
}

/**
 * The feature values of `entity` in `featureSet` at `version`. Same inputs, same values; another
 * version gives other values. Validates `spec` on each call; sources that call this per fetch can
 * use {@link createPayloadGenerator} to validate once.
 */
export function generatePayload(spec: PayloadSpec, entity: string, featureSet: string, version: string): FeatureValues {
  return generateResolved(resolvePayloadSpec(spec), entity, featureSet, version);
}

/** Validates `spec` once and returns a generator bound to it. */
export function createPayloadGenerator(
  spec: PayloadSpec,
): (entity: string, featureSet: string, version: string) => FeatureValues {
  const resolved = resolvePayloadSpec(spec);
  return (entity, featureSet, version) => generateResolved(resolved, entity, featureSet, version);
}
