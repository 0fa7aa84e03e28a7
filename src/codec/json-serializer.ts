import type { Serializer } from './serializer.js';

/** Initial size of the reused UTF-8 scratch buffer, bytes; it grows to the largest value seen. */
const INITIAL_SCRATCH_BYTES = 4096;

/**
 * `JSON.stringify` / `JSON.parse`. The string is written into one reused scratch buffer so a value
 * costs one string and no intermediate Buffer before the codec's single copy into the envelope.
 * JSON cannot carry NaN, ±Infinity or -0 (they come back as null / 0): the msgpack serializer can
 * carry NaN and ±Infinity.
 */
export function createJsonSerializer(): Serializer {
  let scratch = Buffer.allocUnsafe(INITIAL_SCRATCH_BYTES);
  return {
    format: 'json',
    serialize(values) {
      const text = JSON.stringify(values);
      // A UTF-16 code unit never needs more than 3 UTF-8 bytes, so this bound makes `write` complete.
      const worstCaseBytes = text.length * 3;
      if (scratch.length < worstCaseBytes) {
        scratch = Buffer.allocUnsafe(Math.max(worstCaseBytes, scratch.length * 2));
      }
      const written = scratch.write(text, 0, 'utf8');
      return scratch.subarray(0, written);
    },
    deserialize(bytes) {
      return JSON.parse(bytes.toString('utf8'));
    },
  };
}
