import { endianness } from 'node:os';
import { badInput } from '../errors.js';
import { categoryVocabulary, resolvePayloadSpec } from '../workload/payload.js';
import type { TensorDtype, TensorField, TensorLayoutSource } from './types.js';

/**
 * Where every feature of one feature set sits in a `tensor` payload. Only values are stored; the
 * names and types are the layout, known to writer and reader alike, and the envelope carries its
 * hash so a value written under another layout is a `schema-mismatch`, never misread.
 *
 * Payload bytes (offsets from the payload start, which the envelope aligns to 8):
 *
 *   floats      nFloats x 4|8    every `float` field, in field order, at the dtype
 *   vectors     dims x 4|8 each  every `vector` field (the embedding), one contiguous block each
 *   ints        nInts x 4        every `int32` field
 *   categories  nCats x 2        every `category` field as a uint16 id into its vocabulary
 *   strings     (uint16 length + UTF-8) per `string` field
 *
 * Every block before `strings` has a fixed size and starts at a multiple of its element size, so
 * a decoder takes typed-array views without copying when the payload itself is aligned.
 * Typed arrays use the host's byte order: the format is defined as little-endian, and a
 * big-endian host is refused when a layout is built.
 */
export interface TensorLayout {
  readonly dtype: TensorDtype;
  /** Bytes per float (4 or 8). */
  readonly floatBytes: 4 | 8;
  /** FNV-1a 32 of the canonical layout text (dtype, then every field's name and type in order). */
  readonly hash: number;
  readonly floatNames: readonly string[];
  readonly vectors: ReadonlyArray<{ readonly name: string; readonly dims: number; readonly offset: number }>;
  readonly intNames: readonly string[];
  readonly intsOffset: number;
  readonly categories: ReadonlyArray<{ readonly name: string; readonly vocabulary: readonly string[]; readonly ids: ReadonlyMap<string, number> }>;
  readonly categoriesOffset: number;
  readonly stringNames: readonly string[];
  /** Size of everything before the strings, bytes. */
  readonly fixedBytes: number;
}

/** Longest string a uint16 length prefix holds, bytes; also the most ids a uint16 category can take. */
export const MAX_STRING_BYTES = 0xffff;
const MAX_VOCABULARY = 0x10000;

/** The ordered fields of a payload spec: `f0..` float, `i0..` int32, `s0..` string (the last `categorical` of them category), `emb` vector. */
export function fieldsOfSpec(source: TensorLayoutSource, where: string): readonly TensorField[] {
  if ('fields' in source) return source.fields;
  const spec = resolvePayloadSpec(source);
  // UTF-8 needs up to 3 bytes per UTF-16 unit: a longer string might not fit its length prefix.
  if (spec.stringLength * 3 > MAX_STRING_BYTES && spec.strings > spec.categorical) {
    throw badInput(`${where}: stringLength ${spec.stringLength} cannot be laid out as a tensor (a string holds at most ${MAX_STRING_BYTES} bytes, ${Math.floor(MAX_STRING_BYTES / 3)} characters)`);
  }
  const fields: TensorField[] = [];
  for (let i = 0; i < spec.floats; i++) fields.push({ name: `f${i}`, type: 'float' });
  for (let i = 0; i < spec.ints; i++) fields.push({ name: `i${i}`, type: 'int32' });
  const plain = spec.strings - spec.categorical;
  const vocabulary = spec.categorical > 0 ? categoryVocabulary(spec) : [];
  for (let i = 0; i < spec.strings; i++) fields.push(i < plain ? { name: `s${i}`, type: 'string' } : { name: `s${i}`, type: 'category', vocabulary });
  if (spec.embedding > 0) fields.push({ name: 'emb', type: 'vector', dims: spec.embedding });
  return fields;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function canonical(field: TensorField): string {
  switch (field.type) {
    case 'category':
      return `${field.name}:category(${field.vocabulary.map((v) => JSON.stringify(v)).join(',')})`;
    case 'vector':
      return `${field.name}:vector(${field.dims})`;
    default:
      return `${field.name}:${field.type}`;
  }
}

function checkField(field: TensorField, where: string, seen: Set<string>): void {
  if (typeof field.name !== 'string' || field.name === '') throw badInput(`${where}: every field needs a name`);
  if (seen.has(field.name)) throw badInput(`${where}: field ${JSON.stringify(field.name)} appears twice`);
  seen.add(field.name);
  if (field.type === 'vector' && !(Number.isInteger(field.dims) && field.dims >= 1)) {
    throw badInput(`${where}: vector ${field.name} needs dims >= 1, got ${String(field.dims)}`);
  }
  if (field.type === 'category') {
    const size = field.vocabulary.length;
    if (size < 1 || size > MAX_VOCABULARY) throw badInput(`${where}: category ${field.name} has ${size} values; a tensor stores 1..${MAX_VOCABULARY} (uint16 ids)`);
    if (new Set(field.vocabulary).size !== size) throw badInput(`${where}: category ${field.name} lists a value twice`);
  }
}

/** Builds and checks the layout of one feature set; throws `bad-input` naming `where` for one it cannot lay out. */
export function buildTensorLayout(source: TensorLayoutSource, dtype: TensorDtype, where: string): TensorLayout {
  if (endianness() !== 'LE') throw badInput(`${where}: the tensor format is little-endian; this host is big-endian`);
  const fields = fieldsOfSpec(source, where);
  const seen = new Set<string>();
  const floatBytes = dtype === 'float64' ? 8 : 4;
  const floatNames: string[] = [];
  const vectorFields: Array<{ name: string; dims: number }> = [];
  const intNames: string[] = [];
  const categories: TensorLayout['categories'][number][] = [];
  const stringNames: string[] = [];
  for (const field of fields) {
    checkField(field, where, seen);
    switch (field.type) {
      case 'float':
        floatNames.push(field.name);
        break;
      case 'int32':
        intNames.push(field.name);
        break;
      case 'string':
        stringNames.push(field.name);
        break;
      case 'vector':
        vectorFields.push({ name: field.name, dims: field.dims });
        break;
      case 'category':
        categories.push({ name: field.name, vocabulary: field.vocabulary, ids: new Map(field.vocabulary.map((v, id) => [v, id])) });
        break;
    }
  }
  let offset = floatNames.length * floatBytes;
  const vectors = vectorFields.map((v) => {
    const placed = { ...v, offset };
    offset += v.dims * floatBytes;
    return placed;
  });
  const intsOffset = offset;
  const categoriesOffset = intsOffset + intNames.length * 4;
  const fixedBytes = categoriesOffset + categories.length * 2;
  const hash = fnv1a(`fcbench-tensor/1 ${dtype}\n${fields.map(canonical).join('\n')}`);
  return { dtype, floatBytes, hash, floatNames, vectors, intNames, intsOffset, categories, categoriesOffset, stringNames, fixedBytes };
}
