import { describe, expect, it } from 'vitest';
import { describeCodec } from '../../src/codec/index.js';
import type { CodecOptions } from '../../src/codec/types.js';

describe('describeCodec', () => {
  it.each<[CodecOptions, string]>([
    [{ format: 'msgpack', compression: 'zstd', compressAboveBytes: 2048 }, 'msgpack+zstd>2KB'],
    [{ format: 'json', compression: 'none', compressAboveBytes: 2048 }, 'json'],
    [{ format: 'msgpack', compression: 'gzip', compressAboveBytes: 0 }, 'msgpack+gzip'],
    [{ format: 'json', compression: 'zstd', compressAboveBytes: 1500, level: 3 }, 'json+zstd-3>1500B'],
    [{ format: 'json', compression: 'deflate', compressAboveBytes: 1_048_576, level: 1 }, 'json+deflate>1MB'],
    [{ format: 'msgpack', compression: 'lz4', compressAboveBytes: 512, level: 9 }, 'msgpack+lz4>512B'],
  ])('%j -> %s', (options, expected) => {
    expect(describeCodec(options)).toBe(expected);
  });
});
