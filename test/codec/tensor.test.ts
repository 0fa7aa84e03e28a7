import { describe, expect, it } from 'vitest';
import { createCodec } from '../../src/codec/index.js';
import { buildTensorLayout } from '../../src/codec/tensor-layout.js';
import { createTensorSerializer } from '../../src/codec/tensor-serializer.js';
import type { CodecOptions, EnvelopeHeader, TensorField, TensorValues } from '../../src/codec/types.js';
import { FcbenchError } from '../../src/errors.js';
import { categoryVocabulary, generatePayload } from '../../src/workload/payload.js';
import type { FeatureValues, PayloadSpec } from '../../src/workload/types.js';
import { COMPRESSIONS } from './arbitraries.js';

const HEADER: EnvelopeHeader = { featureSet: 'credit', version: 'v7', writtenAtMs: 1_700_000_000_123.5, softExpiresAtMs: 0 };
const SMALL: PayloadSpec = { floats: 50, ints: 8, strings: 2, embedding: 0 };
const LARGE: PayloadSpec = { ...SMALL, embedding: 768 };
const CATEGORICAL: PayloadSpec = { floats: 3, ints: 2, strings: 3, embedding: 4, categorical: 2, cardinality: 5 };

function tensorCodec(spec: PayloadSpec, extra: Partial<CodecOptions> = {}) {
  return createCodec({ format: 'tensor', compression: 'none', compressAboveBytes: 0, layouts: { credit: spec }, ...extra });
}

/** What a tensor of `spec` should hold for `values`: floats at the dtype, grouped by type in spec order. */
function expected(spec: PayloadSpec, values: FeatureValues, round: (x: number) => number) {
  const categorical = spec.categorical ?? 0;
  const plain = spec.strings - categorical;
  const vocabulary = categoryVocabulary({ cardinality: spec.cardinality ?? 16, stringLength: spec.stringLength ?? 12 });
  return {
    floats: Array.from({ length: spec.floats }, (_, i) => round(values[`f${i}`] as number)),
    ints: Array.from({ length: spec.ints }, (_, i) => values[`i${i}`]),
    strings: Array.from({ length: plain }, (_, i) => values[`s${i}`]),
    categories: Array.from({ length: categorical }, (_, i) => vocabulary.indexOf(values[`s${plain + i}`] as string)),
    vectors: spec.embedding > 0 ? [(values['emb'] as number[]).map(round)] : [],
  };
}

function plain(values: TensorValues) {
  return {
    floats: [...values.floats],
    ints: [...values.ints],
    strings: [...values.strings],
    categories: [...values.categories],
    vectors: values.vectors.map((v) => [...v]),
  };
}

function decodeTensor(codec: ReturnType<typeof createCodec>, bytes: Buffer): TensorValues {
  const result = codec.decode(bytes, 'credit');
  if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`);
  expect(result.value.header).toEqual(HEADER);
  return result.value.values as TensorValues;
}

describe('tensor format round-trips', () => {
  for (const [name, spec] of [['small', SMALL], ['large', LARGE], ['categorical', CATEGORICAL]] as const) {
    for (const compression of COMPRESSIONS) {
      for (const dtype of ['float32', 'float64'] as const) {
        it(`${name} ${dtype} + ${compression}: every value back, as typed arrays`, () => {
          const codec = tensorCodec(spec, { compression, dtype });
          for (const entity of ['e1', 'e2', 'e3']) {
            const values = generatePayload(spec, entity, 'credit', 'v7');
            const decoded = decodeTensor(codec, codec.encode(HEADER, values));
            expect(decoded.floats).toBeInstanceOf(dtype === 'float32' ? Float32Array : Float64Array);
            expect(decoded.ints).toBeInstanceOf(Int32Array);
            expect(plain(decoded)).toEqual(expected(spec, values, dtype === 'float32' ? Math.fround : (x) => x));
          }
        });
      }
    }
  }

  it('re-encoding a decoded tensor (a soft-expiry rewrite) gives the same payload bytes', () => {
    const codec = tensorCodec(LARGE, { compression: 'zstd' });
    const first = codec.encode(HEADER, generatePayload(LARGE, 'e1', 'credit', 'v7'));
    const again = codec.encode(HEADER, decodeTensor(codec, first));
    expect(again.equals(first)).toBe(true);
  });

  it('stores only values: the small payload is smaller than its msgpack map', () => {
    const values = generatePayload(SMALL, 'e1', 'credit', 'v7');
    const tensor = tensorCodec(SMALL).encode(HEADER, values);
    const msgpack = createCodec({ format: 'msgpack', compression: 'none', compressAboveBytes: 0 }).encode(HEADER, values);
    expect(tensor.length).toBeLessThan(msgpack.length / 2);
  });
});

describe('typed-array views and the alignment copy', () => {
  const layout = buildTensorLayout(SMALL, 'float64', 'test');
  const values = generatePayload(SMALL, 'e1', 'credit', 'v7');

  it('decodes in place when the payload is aligned: the views share its memory', () => {
    const serializer = createTensorSerializer(layout);
    const payload = Buffer.from(serializer.serialize(values));
    const aligned = Buffer.alloc(payload.length + 8).subarray(8 - (Buffer.alloc(0).byteOffset % 8));
    payload.copy(aligned);
    const decoded = serializer.deserialize(aligned.subarray(0, payload.length));
    expect(decoded.floats.buffer).toBe(aligned.buffer);
    expect(serializer.alignmentCopies).toBe(0);
  });

  it('copies once when the payload sits at an odd offset (a slice of a socket chunk)', () => {
    const serializer = createTensorSerializer(layout);
    const payload = serializer.serialize(values);
    const chunk = Buffer.alloc(payload.length + 16);
    const start = chunk.byteOffset % 8 === 3 ? 0 : (3 - (chunk.byteOffset % 8) + 8) % 8;
    const odd = chunk.subarray(start, start + payload.length);
    odd.set(payload);
    expect(odd.byteOffset % 8).toBe(3);
    const decoded = serializer.deserialize(odd);
    expect(decoded.floats.buffer).not.toBe(chunk.buffer);
    expect(decoded.floats.byteOffset % 8).toBe(0);
    expect(serializer.alignmentCopies).toBe(1);
    expect([...decoded.ints]).toEqual(Array.from({ length: 8 }, (_, i) => values[`i${i}`]));
  });
});

describe('aligned copies from slabs', () => {
  /** `payload` placed at an offset of 3 mod 8 inside a fresh chunk, as a Redis reply slice sits. */
  const atOddOffset = (payload: Uint8Array): Buffer => {
    const chunk = Buffer.alloc(payload.length + 16);
    const start = (3 - (chunk.byteOffset % 8) + 8) % 8;
    const odd = chunk.subarray(start, start + payload.length);
    odd.set(payload);
    return odd;
  };

  it('values decoded one after another never share or overwrite a slot, across many slabs', () => {
    const layout = buildTensorLayout(SMALL, 'float32', 'test');
    const writer = createTensorSerializer(layout);
    const reader = createTensorSerializer(layout);
    const entities = Array.from({ length: 300 }, (_, i) => `e${i}`); // ~300 B each: several 16 KB slabs
    const inputs = entities.map((e) => atOddOffset(Buffer.from(writer.serialize(generatePayload(SMALL, e, 'credit', 'v7')))));
    const decoded = inputs.map((bytes) => reader.deserialize(bytes));
    expect(reader.alignmentCopies).toBe(entities.length);
    expect(new Set(decoded.map((d) => d.floats.buffer)).size).toBeGreaterThan(1);
    entities.forEach((e, i) => {
      const d = decoded[i]!;
      expect(d.floats.byteOffset % 4).toBe(0);
      expect(Buffer.from(d.payload).equals(inputs[i]!)).toBe(true);
      expect(plain(d)).toEqual(expected(SMALL, generatePayload(SMALL, e, 'credit', 'v7'), Math.fround));
    });
  });

  it('payload is made on demand and stays out of a JSON reply; a rewrite still gets the same bytes', () => {
    const codec = tensorCodec(SMALL);
    const bytes = codec.encode(HEADER, generatePayload(SMALL, 'e1', 'credit', 'v7'));
    const decoded = decodeTensor(codec, atOddOffset(bytes));
    expect(Object.keys(JSON.parse(JSON.stringify(decoded)) as object).sort()).toEqual(['categories', 'floats', 'ints', 'kind', 'schemaHash', 'strings', 'vectors']);
    expect(codec.encode(HEADER, decoded).equals(bytes)).toBe(true);
  });

  it('a payload larger than a quarter slab gets a buffer of its own', () => {
    const layout = buildTensorLayout(LARGE, 'float64', 'test');
    const serializer = createTensorSerializer(layout);
    const values = generatePayload(LARGE, 'e1', 'credit', 'v7');
    const first = serializer.deserialize(atOddOffset(Buffer.from(serializer.serialize(values))));
    const second = serializer.deserialize(atOddOffset(Buffer.from(serializer.serialize(values))));
    expect(first.payload.length).toBeGreaterThan(4096);
    expect(first.vectors[0]!.buffer).not.toBe(second.vectors[0]!.buffer);
    expect(first.vectors[0]!.buffer.byteLength).toBe(first.payload.length);
    expect(plain(first)).toEqual(expected(LARGE, values, (x) => x));
  });
});

describe('schema drift', () => {
  const fields = (i0: TensorField['type']): { fields: TensorField[] } => ({
    fields: [{ name: 'f0', type: 'float' }, { name: 'i0', type: i0 } as TensorField, { name: 's0', type: 'string' }],
  });

  it('a feature whose type changed between writer and reader is a schema-mismatch, not a misread', () => {
    const writer = createCodec({ format: 'tensor', compression: 'none', compressAboveBytes: 0, layouts: { credit: fields('int32') } });
    const reader = createCodec({ format: 'tensor', compression: 'none', compressAboveBytes: 0, layouts: { credit: fields('float') } });
    const bytes = writer.encode(HEADER, { f0: 1.5, i0: 7, s0: 'abc' });
    const result = reader.decode(bytes, 'credit');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe('schema-mismatch');
    expect(writer.decode(bytes, 'credit').ok).toBe(true);
  });

  it('so are a changed dtype, a reordered feature and a msgpack value read as tensor (codec-mismatch)', () => {
    const values = generatePayload(SMALL, 'e1', 'credit', 'v7');
    const bytes = tensorCodec(SMALL).encode(HEADER, values);
    const reason = (codec: ReturnType<typeof createCodec>, b: Buffer) => {
      const r = codec.decode(b, 'credit');
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason(tensorCodec(SMALL, { dtype: 'float64' }), bytes)).toBe('schema-mismatch');
    expect(reason(tensorCodec({ ...SMALL, floats: 49, ints: 9 }), bytes)).toBe('schema-mismatch');
    const msgpack = createCodec({ format: 'msgpack', compression: 'none', compressAboveBytes: 0 }).encode(HEADER, values);
    expect(reason(tensorCodec(SMALL), msgpack)).toBe('codec-mismatch');
  });

  it('a cut or padded tensor payload is corrupt or truncated, never a wrong value', () => {
    const codec = tensorCodec(CATEGORICAL);
    const bytes = codec.encode(HEADER, generatePayload(CATEGORICAL, 'e1', 'credit', 'v7'));
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const r = codec.decode(bytes.subarray(0, cut), 'credit');
      expect(r.ok).toBe(false);
    }
  });
});

describe('layouts it cannot make are bad input', () => {
  it.each([
    ['no layout at all', { format: 'tensor', compression: 'none', compressAboveBytes: 0 } as CodecOptions, /needs the layout/],
    ['more categorical than strings', { format: 'tensor', compression: 'none', compressAboveBytes: 0, layouts: { credit: { ...SMALL, categorical: 3 } } } as CodecOptions, /categorical/],
    ['strings too long for the length prefix', { format: 'tensor', compression: 'none', compressAboveBytes: 0, layouts: { credit: { ...SMALL, stringLength: 30_000 } } } as CodecOptions, /stringLength/],
    ['a field twice', { format: 'tensor', compression: 'none', compressAboveBytes: 0, layouts: { credit: { fields: [{ name: 'a', type: 'float' }, { name: 'a', type: 'int32' }] } } } as CodecOptions, /twice/],
  ])('%s', (_name, options, message) => {
    expect(() => createCodec(options)).toThrow(FcbenchError);
    expect(() => createCodec(options)).toThrow(message);
  });

  it('values that do not fit the layout cannot be encoded (bad input, named)', () => {
    const codec = tensorCodec(SMALL);
    expect(() => codec.encode(HEADER, { f0: 1 })).toThrow(/cannot serialize.*string feature s0 is undefined/);
    expect(() => codec.encode({ ...HEADER, featureSet: 'risk' }, {})).toThrow(/no tensor layout for feature set "risk"/);
  });
});
