import { Decoder, Encoder } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashedKeyDecoder } from '../../src/codec/msgpack-key-cache.js';
import { FC_PARAMS } from './arbitraries.js';

describe('HashedKeyDecoder', () => {
  it('decodes any map keys exactly, including unicode and keys longer than the cache holds', () => {
    const decoder = new Decoder({ keyDecoder: new HashedKeyDecoder() });
    const encoder = new Encoder();
    const key = fc.string({ unit: 'grapheme', maxLength: 50 }).filter((k) => k !== '__proto__');
    fc.assert(
      fc.property(fc.uniqueArray(key, { maxLength: 30 }), (keys) => {
        const value = Object.fromEntries(keys.map((k, i) => [k, i]));
        expect(decoder.decode(encoder.encode(value))).toEqual(value);
      }),
      FC_PARAMS,
    );
  });

  it('stays correct when far more distinct keys pass through than it has slots', () => {
    const keyDecoder = new HashedKeyDecoder();
    const decoder = new Decoder({ keyDecoder });
    const encoder = new Encoder();
    for (let round = 0; round < 3; round++) {
      const value = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
      expect(decoder.decode(encoder.encode(value))).toEqual(value);
    }
  });

  it('returns the cached string for repeated key bytes and caches only short keys', () => {
    const keyDecoder = new HashedKeyDecoder();
    const bytes = Buffer.from('xxf12yy');
    expect(keyDecoder.decode(bytes, 2, 3)).toBe('f12');
    expect(keyDecoder.decode(Buffer.from('f12'), 0, 3)).toBe('f12');
    expect(keyDecoder.decode(Buffer.from('f13'), 0, 3)).toBe('f13');
    expect(keyDecoder.canBeCached(32)).toBe(true);
    expect(keyDecoder.canBeCached(33)).toBe(false);
    expect(keyDecoder.canBeCached(0)).toBe(false);
  });
});
