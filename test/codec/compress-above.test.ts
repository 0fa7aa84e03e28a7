import { Encoder } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { createCodec, describeCodec } from '../../src/codec/index.js';
import { createEnvelopeView, readEnvelope } from '../../src/codec/envelope.js';
import type { EncodeStats, SerializerFormat } from '../../src/codec/types.js';
import { COMPRESSIONS, FORMATS, smallPayload } from './arbitraries.js';

const HEADER = { featureSet: 'fs', version: 'v1', writtenAtMs: 1, softExpiresAtMs: 0 };

function serialized(format: SerializerFormat, values: object): Buffer {
  return format === 'json' ? Buffer.from(JSON.stringify(values)) : Buffer.from(new Encoder().encode(values));
}

function compressedFlag(bytes: Buffer): boolean {
  const view = createEnvelopeView();
  expect(readEnvelope(bytes, view)).toBeNull();
  return view.compressed;
}

describe('compressAboveBytes', () => {
  const values = smallPayload();
  for (const format of FORMATS) {
    const rawBytes = serialized(format, values).length;
    for (const compression of COMPRESSIONS.filter((c) => c !== 'none')) {
      it(`${format}+${compression}: below the threshold stores the raw payload with the flag off`, () => {
        const codec = createCodec({ format, compression, compressAboveBytes: rawBytes + 1 });
        const stats: EncodeStats = { rawBytes: 0, encodedBytes: 0, compressed: true };
        const bytes = codec.encode(HEADER, values, stats);
        expect(compressedFlag(bytes)).toBe(false);
        expect(stats.compressed).toBe(false);
        expect(bytes.subarray(bytes.length - rawBytes).equals(serialized(format, values))).toBe(true);
        const result = codec.decode(bytes, 'fs');
        expect(result.ok && result.value.values).toEqual(values);
      });

      it(`${format}+${compression}: at the threshold compresses with the flag on`, () => {
        const codec = createCodec({ format, compression, compressAboveBytes: rawBytes });
        const stats: EncodeStats = { rawBytes: 0, encodedBytes: 0, compressed: false };
        const bytes = codec.encode(HEADER, values, stats);
        expect(compressedFlag(bytes)).toBe(true);
        expect(stats).toEqual({ rawBytes, encodedBytes: bytes.length, compressed: true });
        expect(bytes.includes(serialized(format, values))).toBe(false);
        const result = codec.decode(bytes, 'fs');
        expect(result.ok && result.value.values).toEqual(values);
      });
    }
  }

  it("compression 'none' never sets the flag, whatever the threshold", () => {
    const codec = createCodec({ format: 'msgpack', compression: 'none', compressAboveBytes: 0 });
    const stats: EncodeStats = { rawBytes: 0, encodedBytes: 0, compressed: true };
    expect(compressedFlag(codec.encode(HEADER, values, stats))).toBe(false);
    expect(stats.compressed).toBe(false);
  });

  it('a compressed value is smaller than the raw one for a repetitive payload (the compressor really ran)', () => {
    for (const compression of COMPRESSIONS.filter((c) => c !== 'none')) {
      const options = { format: 'json' as const, compression, compressAboveBytes: 0 };
      const stats: EncodeStats = { rawBytes: 0, encodedBytes: 0, compressed: false };
      createCodec(options).encode(HEADER, { emb: new Array<number>(500).fill(0.125) }, stats);
      expect(stats.encodedBytes, describeCodec(options)).toBeLessThan(stats.rawBytes / 4);
    }
  });
});
