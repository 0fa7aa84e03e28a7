import type { Serializer } from './serializer.js';
import { MAX_STRING_BYTES, type TensorLayout } from './tensor-layout.js';
import type { TensorValues } from './types.js';

/** Initial scratch size, bytes; grows to the largest payload written. */
const INITIAL_SCRATCH_BYTES = 4096;
/** Slab size for aligned copies of decoded payloads; a payload over a quarter of it gets its own. */
const SLAB_BYTES = 16 * 1024;

// A layout without ints, categories, vectors or strings shares these (every decode made its own: ~100 B each, per Redis hit).
const NO_INTS = new Int32Array(0);
const NO_CATEGORIES = new Uint16Array(0);
const NO_VECTORS: readonly Float32Array[] = Object.freeze([]);
const NO_STRINGS: readonly string[] = Object.freeze([]);

function isTensorValues(values: unknown): values is TensorValues {
  return typeof values === 'object' && values !== null && (values as { kind?: unknown }).kind === 'tensor';
}

function fail(message: string): never {
  throw new Error(message);
}

/** A Buffer of `bytes` bytes whose start is a multiple of 8 (Node's pool aligns to 8; checked anyway). */
function alignedBuffer(bytes: number): Buffer {
  const out = Buffer.allocUnsafe(bytes);
  return out.byteOffset % 8 === 0 ? out : Buffer.allocUnsafeSlow(bytes);
}

/**
 * A decoded tensor. `payload` is made when asked for (a soft-expiry rewrite): it is the bytes from
 * the float view's start, so a hit that is only served needs no view of it.
 */
class DecodedTensor implements TensorValues {
  readonly kind = 'tensor' as const;
  constructor(
    readonly schemaHash: number,
    readonly floats: Float32Array | Float64Array,
    readonly ints: Int32Array,
    readonly categories: Uint16Array,
    readonly vectors: ReadonlyArray<Float32Array | Float64Array>,
    readonly strings: readonly string[],
    payloadBytes: number,
  ) {
    this.#payloadBytes = payloadBytes;
  }

  // A private field: a served tensor turned into JSON or msgpack (an HTTP reply) shows its features only.
  readonly #payloadBytes: number;

  get payload(): Uint8Array {
    return new Uint8Array(this.floats.buffer, this.floats.byteOffset, this.#payloadBytes);
  }
}

/**
 * The `tensor` serializer of one feature-set layout (`tensor-layout.ts`).
 *
 * `serialize` takes a feature map as a source returns it (every layout field present with the
 * right type, nothing checked twice) and writes only the values; given a `TensorValues` decoded
 * under the same layout (a soft-expiry rewrite) it returns its payload as is.
 *
 * `deserialize` returns typed-array views over `bytes` with no object per feature. The one copy:
 * a view of float32/int32 needs its start at a multiple of 4 (float64: 8) in the underlying
 * ArrayBuffer. Envelopes put the payload at an 8-aligned offset, so a value decodes in place when
 * its Buffer starts aligned (a decompressed payload, a value read from a file); a Redis reply is a
 * slice of a socket chunk at any offset, so there the payload is copied once (one memcpy, ~50 ns
 * for 1 KB) into an aligned slot of a 16 KB slab before the views are made (a held value keeps
 * its slab alive, as a value decoded in place keeps its socket chunk). `alignmentCopies` counts
 * them. Strings are read from the original bytes.
 */
export interface TensorSerializer extends Serializer {
  readonly layout: TensorLayout;
  /** Decodes that had to copy the payload for alignment. */
  readonly alignmentCopies: number;
  deserialize(bytes: Buffer): TensorValues;
  deserializeRange(bytes: Buffer, start: number, end: number): TensorValues;
}

export function createTensorSerializer(layout: TensorLayout): TensorSerializer {
  const { floatNames, vectors, intNames, categories, stringNames, floatBytes, intsOffset, categoriesOffset, fixedBytes, hash } = layout;
  const floatsAt = (buffer: ArrayBufferLike, offset: number, count: number): Float32Array | Float64Array =>
    floatBytes === 8 ? new Float64Array(buffer, offset, count) : new Float32Array(buffer, offset, count);
  let scratch = alignedBuffer(Math.max(INITIAL_SCRATCH_BYTES, fixedBytes + stringNames.length * 2));
  let floatView = floatsAt(scratch.buffer, scratch.byteOffset, scratch.length / floatBytes);
  let intView = new Int32Array(scratch.buffer, scratch.byteOffset, scratch.length / 4);
  let categoryView = new Uint16Array(scratch.buffer, scratch.byteOffset, scratch.length / 2);
  let alignmentCopies = 0;

  const grow = (bytes: number) => {
    scratch = alignedBuffer(Math.max(bytes, scratch.length * 2));
    floatView = floatsAt(scratch.buffer, scratch.byteOffset, Math.floor(scratch.length / floatBytes));
    intView = new Int32Array(scratch.buffer, scratch.byteOffset, Math.floor(scratch.length / 4));
    categoryView = new Uint16Array(scratch.buffer, scratch.byteOffset, Math.floor(scratch.length / 2));
  };

  function serialize(input: unknown): Uint8Array {
    if (isTensorValues(input)) {
      if (input.schemaHash !== hash) fail(`a tensor decoded under layout ${input.schemaHash.toString(16)} cannot be written under ${hash.toString(16)}`);
      return input.payload;
    }
    if (typeof input !== 'object' || input === null) fail('tensor values must be a feature map');
    const values = input as Record<string, unknown>;
    let stringBytes = 0;
    for (const name of stringNames) {
      const text = values[name];
      if (typeof text !== 'string') fail(`string feature ${name} is ${typeof text}`);
      stringBytes += 2 + Buffer.byteLength(text, 'utf8');
    }
    const total = fixedBytes + stringBytes;
    if (scratch.length < total) grow(total);
    for (let i = 0; i < floatNames.length; i++) {
      const x = values[floatNames[i]!];
      if (typeof x !== 'number') fail(`float feature ${floatNames[i]!} is ${typeof x}`);
      floatView[i] = x;
    }
    for (const vector of vectors) {
      const xs = values[vector.name];
      if (!(Array.isArray(xs) || ArrayBuffer.isView(xs)) || (xs as ArrayLike<number>).length !== vector.dims) {
        fail(`vector ${vector.name} must hold ${vector.dims} numbers`);
      }
      floatView.set(xs as ArrayLike<number>, vector.offset / floatBytes);
    }
    const intBase = intsOffset / 4;
    for (let i = 0; i < intNames.length; i++) {
      const n = values[intNames[i]!];
      if (typeof n !== 'number' || (n | 0) !== n) fail(`int feature ${intNames[i]!} is not a 32-bit integer: ${String(n)}`);
      intView[intBase + i] = n;
    }
    const categoryBase = categoriesOffset / 2;
    for (let i = 0; i < categories.length; i++) {
      const category = categories[i]!;
      const id = category.ids.get(values[category.name] as string);
      if (id === undefined) fail(`category ${category.name}: ${JSON.stringify(values[category.name])} is not in its vocabulary`);
      categoryView[categoryBase + i] = id;
    }
    let at = fixedBytes;
    for (const name of stringNames) {
      const written = scratch.write(values[name] as string, at + 2, 'utf8');
      if (written > MAX_STRING_BYTES) fail(`string feature ${name} is ${written} bytes; a tensor string holds at most ${MAX_STRING_BYTES}`);
      scratch.writeUInt16LE(written, at);
      at += 2 + written;
    }
    return scratch.subarray(0, total);
  }

  /** Aligned copies are carved from a slab: one ArrayBuffer per ~16 KB of values, as Node's Buffer pool does per 8 KB. */
  let slab = new Uint8Array(SLAB_BYTES);
  let slabUsed = 0;
  /** Where the last `alignedCopy` put the payload in what it returned. */
  let copiedAt = 0;
  /**
   * The payload `input[start, end)` copied so that it starts 8-aligned: where it starts in the
   * returned bytes. The whole of a small `input` (a reply: envelope and payload) is copied with one
   * `set`, which needs no view of the source range (an object per hit); a few envelope bytes more
   * cost less than that object.
   */
  const alignedCopy = (input: Buffer, start: number, end: number): Uint8Array => {
    const whole = input.length - (end - start) <= 256;
    const from = whole ? 0 : start;
    const length = (whole ? input.length : end) - from;
    const pad = (8 - ((start - from) % 8)) % 8;
    let target: Uint8Array;
    if (length + pad > SLAB_BYTES / 4) {
      target = new Uint8Array(length + pad);
    } else {
      if (slabUsed + length + pad > SLAB_BYTES) {
        slab = new Uint8Array(SLAB_BYTES);
        slabUsed = 0;
      }
      target = slab;
    }
    const at = (target === slab ? slabUsed : 0) + pad;
    target.set(whole ? input : new Uint8Array(input.buffer, input.byteOffset + from, length), at);
    if (target === slab) slabUsed = (at + length + 7) & ~7;
    alignmentCopies++;
    copiedAt = at + (start - from);
    return target;
  };

  function deserializeRange(input: Buffer, start: number, end: number): TensorValues {
    const length = end - start;
    if (length < fixedBytes) fail(`${length} bytes, the layout needs at least ${fixedBytes}`);
    const strings = stringNames.length === 0 ? NO_STRINGS : new Array<string>(stringNames.length);
    let at = start + fixedBytes;
    for (let i = 0; i < strings.length; i++) {
      if (at + 2 > end) fail('strings cut short');
      const stringEnd = at + 2 + input.readUInt16LE(at);
      if (stringEnd > end) fail('strings cut short');
      (strings as string[])[i] = input.toString('utf8', at + 2, stringEnd);
      at = stringEnd;
    }
    if (at !== end) fail(`${end - at} bytes after the last string`);
    let buffer: ArrayBufferLike = input.buffer;
    let byteOffset = input.byteOffset + start;
    if (byteOffset % floatBytes !== 0) {
      const copy = alignedCopy(input, start, end);
      buffer = copy.buffer;
      byteOffset = copy.byteOffset + copiedAt;
    }
    let categoryIds: Uint16Array = NO_CATEGORIES;
    if (categories.length > 0) {
      categoryIds = new Uint16Array(buffer, byteOffset + categoriesOffset, categories.length);
      for (let i = 0; i < categoryIds.length; i++) {
        if (categoryIds[i]! >= categories[i]!.vocabulary.length) fail(`category ${categories[i]!.name}: id ${categoryIds[i]!} is past its vocabulary`);
      }
    }
    return new DecodedTensor(
      hash,
      floatsAt(buffer, byteOffset, floatNames.length),
      intNames.length === 0 ? NO_INTS : new Int32Array(buffer, byteOffset + intsOffset, intNames.length),
      categoryIds,
      vectors.length === 0 ? NO_VECTORS : vectors.map((v) => floatsAt(buffer, byteOffset + v.offset, v.dims)),
      strings,
      length,
    );
  }

  return {
    format: 'tensor',
    layout,
    get alignmentCopies() {
      return alignmentCopies;
    },
    serialize,
    deserialize: (bytes) => deserializeRange(bytes, 0, bytes.length),
    deserializeRange,
  };
}
