import type { CompressionKind } from './types.js';
import { createDeflateCompressor, createGzipCompressor } from './fflate-compressor.js';
import { createLz4Compressor } from './lz4-compressor.js';
import { createZstdCompressor } from './zstd-compressor.js';

/**
 * One compression algorithm. `compress` returns bytes the codec copies into the envelope.
 * `decompress` gets the raw size the envelope recorded: it allocates that once, and throws (the
 * codec maps that to `corrupt`) when the data is malformed or its own size field disagrees, so
 * garbage never makes it allocate what the algorithm's header claims.
 */
export interface Compressor {
  readonly kind: CompressionKind;
  compress(raw: Uint8Array): Uint8Array;
  decompress(packed: Buffer, rawBytes: number): Buffer;
}

const NO_COMPRESSION: Compressor = {
  kind: 'none',
  compress: (raw) => raw,
  decompress: (packed) => packed,
};

export function createCompressor(kind: CompressionKind, level: number): Compressor {
  switch (kind) {
    case 'none':
      return NO_COMPRESSION;
    case 'deflate':
      return createDeflateCompressor(level);
    case 'gzip':
      return createGzipCompressor(level);
    case 'zstd':
      return createZstdCompressor(level);
    case 'lz4':
      return createLz4Compressor();
  }
}

/** A Buffer over the same memory as `bytes` (no copy), for APIs typed on Buffer. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Throws unless a decompressor produced exactly the size the envelope recorded. */
export function expectRawBytes(kind: CompressionKind, actualBytes: number, rawBytes: number): void {
  if (actualBytes !== rawBytes) throw new Error(`${kind} data gives ${actualBytes} bytes, the envelope says ${rawBytes}`);
}
