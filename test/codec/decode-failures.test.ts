import { Encoder } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodec, describeCodec } from '../../src/codec/index.js';
import { ENVELOPE_VERSION, FIXED_HEADER_BYTES, writeEnvelope } from '../../src/codec/envelope.js';
import { newDecodeSlot, type DecodeResult } from '../../src/codec/types.js';
import { COMPRESSION_IDS, SERIALIZER_IDS } from '../../src/codec/wire-ids.js';
import { ALL_OPTIONS, FC_PARAMS, smallPayload } from './arbitraries.js';

const HEADER = { featureSet: 'credit_features', version: 'v7', writtenAtMs: 1_700_000_000_000, softExpiresAtMs: 0 };
const REASONS = ['corrupt', 'truncated', 'codec-mismatch', 'envelope-version', 'feature-set-mismatch'];

function reason(result: DecodeResult): string {
  return result.ok ? 'ok' : result.reason;
}

/** Offset of the payload in a value encoded with HEADER. */
const PAYLOAD_START = FIXED_HEADER_BYTES + HEADER.version.length + HEADER.featureSet.length;

describe('decode reports bad bytes without throwing', () => {
  for (const options of ALL_OPTIONS) {
    const name = describeCodec(options);
    const codec = createCodec(options);
    const good = codec.encode(HEADER, smallPayload());

    it(`${name}: wrong magic bytes -> corrupt`, () => {
      for (const index of [0, 1]) {
        const bad = Buffer.from(good);
        bad[index] = bad[index]! ^ 0xff;
        expect(reason(codec.decode(bad, HEADER.featureSet))).toBe('corrupt');
      }
    });

    it(`${name}: every cut-off prefix -> truncated`, () => {
      for (let length = 0; length < good.length; length++) {
        expect(reason(codec.decode(good.subarray(0, length), HEADER.featureSet)), `length ${length}`).toBe('truncated');
      }
    });

    it(`${name}: trailing bytes -> corrupt`, () => {
      expect(reason(codec.decode(Buffer.concat([good, Buffer.from([0])]), HEADER.featureSet))).toBe('corrupt');
    });

    it(`${name}: a payload that fails to decompress or parse -> corrupt`, () => {
      const bad = Buffer.from(good);
      bad.fill(0xff, PAYLOAD_START);
      const result = codec.decode(bad, HEADER.featureSet);
      expect(reason(result)).toBe('corrupt');
      expect(result.ok ? '' : result.detail).toMatch(/payload|raw length/);
    });

    it(`${name}: another feature set -> feature-set-mismatch`, () => {
      expect(reason(codec.decode(good, 'fraud_features'))).toBe('feature-set-mismatch');
      expect(reason(codec.decode(good, 'credit_features_v2'))).toBe('feature-set-mismatch');
      expect(reason(codec.decode(good, ''))).toBe('feature-set-mismatch');
    });

    it(`${name}: values written by every other codec -> codec-mismatch`, () => {
      for (const other of ALL_OPTIONS.filter((o) => o !== options)) {
        const foreign = createCodec(other).encode(HEADER, smallPayload());
        expect(reason(codec.decode(foreign, HEADER.featureSet)), describeCodec(other)).toBe('codec-mismatch');
      }
    });

    it(`${name}: random garbage never throws and never decodes`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
          const result = codec.decode(Buffer.from(bytes), HEADER.featureSet);
          expect(result.ok).toBe(false);
          expect(REASONS).toContain(reason(result));
        }),
        FC_PARAMS,
      );
    });

    it(`${name}: random byte changes to a real value never throw`, () => {
      const position = fc.nat({ max: good.length - 1 });
      fc.assert(
        fc.property(fc.array(fc.tuple(position, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
          const bytes = Buffer.from(good);
          for (const [at, value] of edits) bytes[at] = value;
          expect([...REASONS, 'ok']).toContain(reason(codec.decode(bytes, HEADER.featureSet)));
        }),
        FC_PARAMS,
      );
    });
  }
});

describe('header checks', () => {
  const codec = createCodec({ format: 'msgpack', compression: 'zstd', compressAboveBytes: 0 });
  const good = codec.encode(HEADER, smallPayload());
  const payload = new Encoder().encode(smallPayload());
  const ids = [SERIALIZER_IDS.msgpack, COMPRESSION_IDS.zstd] as const;

  function edited(at: number, value: number): Buffer {
    const bytes = Buffer.from(good);
    bytes[at] = value;
    return bytes;
  }

  it('an unknown envelope version -> envelope-version', () => {
    expect(reason(codec.decode(edited(2, ENVELOPE_VERSION + 1), HEADER.featureSet))).toBe('envelope-version');
    expect(reason(codec.decode(edited(2, 0), HEADER.featureSet))).toBe('envelope-version');
  });

  it('unknown serializer or compression ids and unknown flags -> corrupt', () => {
    expect(reason(codec.decode(edited(3, 200), HEADER.featureSet))).toBe('corrupt');
    expect(reason(codec.decode(edited(4, 200), HEADER.featureSet))).toBe('corrupt');
    expect(reason(codec.decode(edited(5, 0x81), HEADER.featureSet))).toBe('corrupt');
  });

  it('the compressed flag without a compression -> corrupt', () => {
    const bytes = writeEnvelope(HEADER, SERIALIZER_IDS.msgpack, COMPRESSION_IDS.none, payload.length, true, payload);
    const plain = createCodec({ format: 'msgpack', compression: 'none', compressAboveBytes: 0 });
    expect(reason(plain.decode(bytes, HEADER.featureSet))).toBe('corrupt');
  });

  it('a raw length no compressor could produce -> corrupt, before anything is allocated', () => {
    const bytes = writeEnvelope(HEADER, ...ids, 0xffff_ffff, true, Buffer.alloc(16, 0x28));
    const result = codec.decode(bytes, HEADER.featureSet);
    expect(result.ok ? '' : result.detail).toMatch(/raw length/);
  });

  it('a raw length that disagrees with the compressed data -> corrupt', () => {
    const stored = good.subarray(PAYLOAD_START);
    const bytes = writeEnvelope(HEADER, ...ids, payload.length + 1, true, stored);
    expect(reason(codec.decode(bytes, HEADER.featureSet))).toBe('corrupt');
  });

  it('a payload that parses to something other than a map -> corrupt', () => {
    const plain = createCodec({ format: 'msgpack', compression: 'none', compressAboveBytes: 0 });
    for (const value of [[1, 2, 3], 42, null, 'text']) {
      const list = new Encoder().encode(value);
      const bytes = writeEnvelope(HEADER, SERIALIZER_IDS.msgpack, COMPRESSION_IDS.none, list.length, false, list);
      expect(reason(plain.decode(bytes, HEADER.featureSet)), JSON.stringify(value)).toBe('corrupt');
    }
  });

  it('accepts a plain Uint8Array as well as a Buffer', () => {
    const bytes = new Uint8Array(good);
    expect(reason(codec.decode(bytes as Buffer, HEADER.featureSet))).toBe('ok');
  });

  it('a reused decoder still works after failures (no stuck state)', () => {
    expect(reason(codec.decode(edited(PAYLOAD_START + 5, 0), HEADER.featureSet))).not.toBe('ok');
    expect(reason(codec.decode(good, HEADER.featureSet))).toBe('ok');
  });
});

describe('decodeInto: the Redis-hit path, one reused slot', () => {
  for (const options of ALL_OPTIONS) {
    const name = describeCodec(options);
    it(`${name}: a failure leaves the reason in the slot, the next good value clears it and fills the header`, () => {
      const codec = createCodec(options);
      const good = codec.encode(HEADER, smallPayload());
      const slot = newDecodeSlot();
      expect(codec.decodeInto(good.subarray(0, 5), HEADER.featureSet, slot)).toBeNull();
      expect(slot.failure?.reason).toBe('truncated');
      expect(codec.decodeInto(good, 'another_set', slot)).toBeNull();
      expect(slot.failure?.reason).toBe('feature-set-mismatch');
      const values = codec.decodeInto(good, HEADER.featureSet, slot);
      expect(values).not.toBeNull();
      expect(slot.failure).toBeNull();
      expect(slot.header).toEqual(HEADER);
      expect(codec.decode(good, HEADER.featureSet)).toEqual({ ok: true, value: { header: HEADER, values } });
    });
  }

  it('a feature map with a key named ok is values, not a failure', () => {
    const codec = createCodec({ format: 'msgpack', compression: 'none', compressAboveBytes: 0 });
    const slot = newDecodeSlot();
    const values = codec.decodeInto(codec.encode(HEADER, { ok: false, reason: 'corrupt' }), HEADER.featureSet, slot);
    expect(values).toEqual({ ok: false, reason: 'corrupt' });
    expect(slot.failure).toBeNull();
  });
});
