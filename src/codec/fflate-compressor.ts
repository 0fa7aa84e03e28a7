import { deflateSync, gunzipSync, gzipSync, inflateSync, type DeflateOptions, type GzipOptions } from 'fflate';
import { asBuffer, expectRawBytes, type Compressor } from './compressor.js';

/** Gzip header (10) + empty deflate block (2) + trailer (8). */
const MIN_GZIP_BYTES = 20;

function fflateLevel(level: number): DeflateOptions['level'] {
  return level as DeflateOptions['level'];
}

/**
 * Inflates into a buffer of the recorded size. Given no output buffer, fflate's raw inflate ran
 * ~5x slower on a 1.4 KB value (its growable output path), so the envelope's raw length pays here.
 */
function inflateExactly(deflated: Uint8Array, rawBytes: number, inflate: typeof inflateSync): Buffer {
  const out = inflate(deflated, { out: Buffer.allocUnsafe(rawBytes) });
  expectRawBytes('deflate', out.length, rawBytes);
  return asBuffer(out);
}

/** Raw deflate (RFC 1951) through fflate, synchronous. */
export function createDeflateCompressor(level: number): Compressor {
  const options: DeflateOptions = { level: fflateLevel(level) };
  return {
    kind: 'deflate',
    compress: (raw) => deflateSync(raw, options),
    decompress: (packed, rawBytes) => inflateExactly(packed, rawBytes, inflateSync),
  };
}

/** Gzip (RFC 1952) through fflate, synchronous. */
export function createGzipCompressor(level: number): Compressor {
  // mtime 0: fflate stamps the header with the clock by default, and the same value must give the
  // same bytes (a warm job run twice, a seeded run's payloads).
  const options: GzipOptions = { level: fflateLevel(level), mtime: 0 };
  return {
    kind: 'gzip',
    compress: (raw) => gzipSync(raw, options),
    decompress(packed, rawBytes) {
      if (packed.length < MIN_GZIP_BYTES) throw new Error(`gzip data of ${packed.length} bytes is too short`);
      // The trailer's ISIZE is the raw size mod 2^32: a cheap consistency check before inflating.
      expectRawBytes('gzip', packed.readUInt32LE(packed.length - 4), rawBytes >>> 0);
      const out = gunzipSync(packed, { out: Buffer.allocUnsafe(rawBytes) });
      expectRawBytes('gzip', out.length, rawBytes);
      return asBuffer(out);
    },
  };
}
