import { describe, expect, it } from 'vitest';
import { createCodec, resolveCodecOptions } from '../../src/codec/index.js';
import type { CodecOptions } from '../../src/codec/types.js';

describe('resolveCodecOptions', () => {
  it('fills defaults into a new object and leaves the caller options untouched', () => {
    const raw = { format: 'msgpack', compression: 'zstd' } as CodecOptions;
    const before = JSON.stringify(raw);
    expect(resolveCodecOptions(raw)).toEqual({ format: 'msgpack', compression: 'zstd', compressAboveBytes: 0, level: 1, dtype: 'float32', layouts: {} });
    expect(JSON.stringify(raw)).toBe(before);
  });

  it('codec.options is the resolved, frozen copy', () => {
    const raw: CodecOptions = { format: 'json', compression: 'gzip', compressAboveBytes: 2048, level: 6 };
    const codec = createCodec(raw);
    expect(codec.options).toEqual({ ...raw, dtype: 'float32', layouts: {} });
    expect(codec.options).not.toBe(raw);
    expect(Object.isFrozen(codec.options)).toBe(true);
  });

  it.each([
    [{ format: 'xml', compression: 'none', compressAboveBytes: 0 }, /codec.format/],
    [{ format: 'json', compression: 'brotli', compressAboveBytes: 0 }, /codec.compression/],
    [{ format: 'json', compression: 'none', compressAboveBytes: -1 }, /codec.compressAbove/],
    [{ format: 'json', compression: 'none', compressAboveBytes: 1.5 }, /codec.compressAbove/],
    [{ format: 'json', compression: 'gzip', compressAboveBytes: 0, level: 10 }, /gzip accepts levels 0..9/],
    [{ format: 'json', compression: 'zstd', compressAboveBytes: 0, level: 23 }, /zstd accepts levels/],
    [{ format: 'json', compression: 'zstd', compressAboveBytes: 0, level: 2.5 }, /codec.level/],
  ])('rejects %j with a bad-input error naming the option', (raw, pattern) => {
    expect(() => resolveCodecOptions(raw as CodecOptions)).toThrow(pattern);
    expect(() => resolveCodecOptions(raw as CodecOptions)).toThrow(expect.objectContaining({ code: 'bad-input' }));
  });

  it('a compression level changes the stored bytes (it reaches the compressor)', () => {
    const values = { emb: Array.from({ length: 400 }, (_, i) => Math.round(Math.sin(i) * 100) / 100) };
    const header = { featureSet: 'fs', version: 'v', writtenAtMs: 0, softExpiresAtMs: 0 };
    for (const compression of ['gzip', 'zstd'] as const) {
      const fast = createCodec({ format: 'json', compression, compressAboveBytes: 0, level: 1 }).encode(header, values);
      const small = createCodec({ format: 'json', compression, compressAboveBytes: 0, level: 9 }).encode(header, values);
      expect(small.length, compression).toBeLessThan(fast.length);
    }
  });
});
