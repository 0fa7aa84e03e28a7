import { compressSync, uncompressSync } from 'lz4-napi';
import { asBuffer, expectRawBytes, type Compressor } from './compressor.js';

/** lz4-napi's block format: a little-endian uint32 uncompressed size, then the block. */
const SIZE_PREFIX_BYTES = 4;

/** LZ4 block format through lz4-napi (synchronous; there is no level in block mode). */
export function createLz4Compressor(): Compressor {
  return {
    kind: 'lz4',
    compress: (raw) => compressSync(asBuffer(raw)),
    decompress(packed, rawBytes) {
      // The library allocates from the size prefix: it must agree with the envelope first.
      if (packed.length < SIZE_PREFIX_BYTES) throw new Error(`lz4 data of ${packed.length} bytes has no size prefix`);
      expectRawBytes('lz4', packed.readUInt32LE(0), rawBytes);
      const out = uncompressSync(packed);
      expectRawBytes('lz4', out.length, rawBytes);
      return out;
    },
  };
}
