import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodec, describeCodec } from '../../src/codec/index.js';
import type { EnvelopeHeader } from '../../src/codec/types.js';
import { ALL_OPTIONS, FC_PARAMS, featureValues, finiteDouble } from './arbitraries.js';

const HEADER: EnvelopeHeader = { featureSet: 'credit_features', version: 'v7', writtenAtMs: 1_700_000_000_123.5, softExpiresAtMs: 1_700_000_300_000 };

describe('every format x compression round-trips', () => {
  for (const options of ALL_OPTIONS) {
    it(`${describeCodec(options)} returns the exact values and header`, () => {
      const codec = createCodec(options);
      fc.assert(
        fc.property(featureValues, (values) => {
          const result = codec.decode(codec.encode(HEADER, values), HEADER.featureSet);
          expect(result).toEqual({ ok: true, value: { header: HEADER, values } });
        }),
        FC_PARAMS,
      );
    });
  }
});

describe('header fields', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 60 });
  for (const options of [ALL_OPTIONS[0]!, ALL_OPTIONS[ALL_OPTIONS.length - 2]!]) {
    it(`${describeCodec(options)} round-trips featureSet, version, writtenAtMs and softExpiresAtMs`, () => {
      const codec = createCodec(options);
      fc.assert(
        fc.property(text, text, finiteDouble, finiteDouble, (featureSet, version, writtenAtMs, softExpiresAtMs) => {
          const header = { featureSet, version, writtenAtMs, softExpiresAtMs };
          const result = codec.decode(codec.encode(header, { f0: 1 }), featureSet);
          expect(result.ok && result.value.header).toEqual(header);
        }),
        FC_PARAMS,
      );
    });
  }

  it('decodes alternating versions correctly (the version string cache never mixes them up)', () => {
    const codec = createCodec({ format: 'msgpack', compression: 'none', compressAboveBytes: 0 });
    const versions = Array.from({ length: 40 }, (_, i) => `v${i % 23}`);
    const encoded = versions.map((version) => codec.encode({ ...HEADER, version }, { f0: 1 }));
    const decoded = encoded.map((bytes) => {
      const result = codec.decode(bytes, HEADER.featureSet);
      return result.ok ? result.value.header.version : result.reason;
    });
    expect(decoded).toEqual(versions);
  });
});

describe('msgpack carries what JSON cannot', () => {
  it('keeps NaN and ±Infinity exactly', () => {
    const codec = createCodec({ format: 'msgpack', compression: 'zstd', compressAboveBytes: 0 });
    const values = { f0: Number.NaN, f1: Number.POSITIVE_INFINITY, f2: Number.NEGATIVE_INFINITY, emb: [Number.NaN, 1.5] };
    const result = codec.decode(codec.encode(HEADER, values), HEADER.featureSet);
    expect(result.ok && result.value.values).toEqual(values);
  });
});

describe('encode', () => {
  it('returns a fresh buffer each time (the reused encoder buffer is never handed out)', () => {
    const codec = createCodec({ format: 'msgpack', compression: 'none', compressAboveBytes: 0 });
    const first = codec.encode(HEADER, { f0: 1, f1: 2 });
    const snapshot = Buffer.from(first);
    codec.encode(HEADER, { f0: 99, f1: 98, f2: 97 });
    expect(first.equals(snapshot)).toBe(true);
  });

  it('reports rawBytes, encodedBytes and compressed in stats', () => {
    const codec = createCodec({ format: 'json', compression: 'gzip', compressAboveBytes: 0 });
    const values = { f0: 1.5, s0: 'é' };
    const stats = { rawBytes: -1, encodedBytes: -1, compressed: false };
    const bytes = codec.encode(HEADER, values, stats);
    expect(stats).toEqual({ rawBytes: Buffer.byteLength(JSON.stringify(values)), encodedBytes: bytes.length, compressed: true });
  });

  it('throws bad-input for values the serializer cannot write', () => {
    const codec = createCodec({ format: 'json', compression: 'none', compressAboveBytes: 0 });
    const values = { f0: 10n } as unknown as Record<string, number>;
    expect(() => codec.encode(HEADER, values)).toThrow(expect.objectContaining({ code: 'bad-input' }));
  });
});
