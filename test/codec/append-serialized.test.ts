import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GrowableBytes } from '../../src/codec/byte-sink.js';
import { createCodec, describeCodec } from '../../src/codec/index.js';
import { createSerializer } from '../../src/codec/serializer.js';
import type { EnvelopeHeader } from '../../src/codec/types.js';
import { ALL_OPTIONS, FC_PARAMS, featureValues } from './arbitraries.js';

const header = (i: number): EnvelopeHeader => ({ featureSet: 'feats', version: `v${i % 3}`, writtenAtMs: 1_700_000_000_000 + i, softExpiresAtMs: i % 2 === 0 ? 0 : 1_700_000_600_000 });

// A warm job's worker packs a batch's values end to end in one buffer; each must be the bytes encode() writes.
describe('appendSerialized packs the bytes encode writes', () => {
  for (const options of ALL_OPTIONS.filter((o) => o.format !== 'tensor')) {
    it(`${describeCodec(options)}: a batch packed into a growing buffer equals the values encoded one by one`, () => {
      const codec = createCodec(options);
      const serializer = createSerializer(options.format as 'json' | 'msgpack');
      fc.assert(
        fc.property(fc.array(featureValues, { minLength: 1, maxLength: 12 }), (batch) => {
          // Tiny on purpose: every batch grows it, and what was written before must survive the growth.
          const sink = new GrowableBytes(16);
          const ends: number[] = [];
          batch.forEach((values, i) => {
            codec.appendSerialized(header(i), serializer.serialize(values), sink);
            ends.push(sink.length);
          });
          const packed = Buffer.from(sink.take());
          batch.forEach((values, i) => {
            const value = packed.subarray(i === 0 ? 0 : ends[i - 1], ends[i]);
            expect(value.toString('hex')).toBe(codec.encode(header(i), values).toString('hex'));
          });
          expect(packed.length).toBe(ends.at(-1));
        }),
        { ...FC_PARAMS, numRuns: 25 },
      );
    });
  }

  it('take() hands over a buffer of its own (transferable) and starts empty', () => {
    const sink = new GrowableBytes(8);
    sink.append(Uint8Array.from([1, 2, 3]));
    const first = sink.take(4);
    sink.append(Uint8Array.from([9]));
    expect([...first]).toEqual([1, 2, 3]);
    expect(first.buffer).not.toBe(sink.buffer.buffer);
    expect(first.byteOffset).toBe(0);
    expect([...sink.take()]).toEqual([9]);
  });
});

describe('the same value gives the same bytes whatever the clock', () => {
  afterEach(() => vi.useRealTimers());

  // gzip's header has a modification time, which fflate fills from the clock unless told otherwise.
  for (const options of ALL_OPTIONS) {
    it(`${describeCodec(options)}`, () => {
      const codec = createCodec(options);
      const values = { f0: 1.25, i0: 7, s0: 'abc' };
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
      const before = codec.encode(header(1), values).toString('hex');
      vi.setSystemTime(new Date('2026-06-01T12:34:56Z'));
      expect(codec.encode(header(1), values).toString('hex')).toBe(before);
    });
  }
});

describe('header strings', () => {
  it('a version too long for the envelope is bad input naming the field, and the next value encodes as before', () => {
    const codec = createCodec(ALL_OPTIONS[0]!);
    const values = { f0: 1 };
    const good = codec.encode(header(1), values).toString('hex');
    expect(() => codec.encode({ ...header(1), version: 'v'.repeat(70_000) }, values)).toThrow(/codec: version is 70000 bytes of UTF-8; the envelope holds at most 65535/);
    expect(() => codec.encode({ ...header(1), featureSet: 'é'.repeat(40_000) }, values)).toThrow(/codec: featureSet is 80000 bytes/);
    expect(codec.encode(header(1), values).toString('hex')).toBe(good);
    // Alternating strings never mix their bytes up.
    expect(codec.decode(codec.encode(header(2), values), 'feats')).toMatchObject({ ok: true, value: { header: { version: 'v2' } } });
    expect(codec.decode(codec.encode(header(1), values), 'feats')).toMatchObject({ ok: true, value: { header: { version: 'v1' } } });
  });
});
