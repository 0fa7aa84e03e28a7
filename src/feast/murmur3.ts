/**
 * MurmurHash3 x86_32 (Austin Appleby's reference `MurmurHash3_x86_32`) over bytes, the hash Feast
 * names Redis hash fields with (Python's `mmh3.hash(text, signed=False)` over the text's UTF-8).
 *
 * Our own, not an npm package: the popular JS ports (murmurhash-js, murmurhash3js) hash a string's
 * UTF-16 code units truncated to bytes, which is not UTF-8 past ASCII, and this runs only when a
 * cascade or warm job starts (field names are computed once), so speed does not matter. Checked
 * against the reference implementation's published vectors and Feast's own field names
 * (test/feast/murmur3.test.ts).
 */
export function murmur3x86_32(bytes: Uint8Array, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = bytes.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = bytes.length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2]! << 16;
    if (tail >= 2) k ^= bytes[blocks + 1]! << 8;
    k ^= bytes[blocks]!;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
