import type { DecoderOptions } from '@msgpack/msgpack';

type KeyDecoder = NonNullable<DecoderOptions['keyDecoder']>;

/** Longest map key, bytes, that is cached; feature names are short, longer keys are decoded each time. */
const MAX_KEY_BYTES = 32;
/** Slots in the table (power of two): room for a few thousand distinct feature names. */
const SLOT_COUNT = 4096;
/** Slots probed past a key's home slot before the home slot is overwritten. */
const MAX_PROBES = 8;

const utf8 = new TextDecoder();

/**
 * A msgpack map-key decoder that returns the same string for the same key bytes without decoding
 * them. The library's `CachedKeyDecoder` keeps 16 keys per key length with random eviction, so a
 * payload with 40 three-byte keys (`f10`..`f49`) misses on most lookups and scans 16 entries each
 * time; this one hashes the bytes (FNV-1a) into a fixed open-addressing table, so memory stays
 * bounded however many distinct keys pass through.
 */
export class HashedKeyDecoder implements KeyDecoder {
  readonly #keys: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(SLOT_COUNT).fill(undefined);
  readonly #strings: string[] = new Array<string>(SLOT_COUNT).fill('');

  canBeCached(byteLength: number): boolean {
    return byteLength > 0 && byteLength <= MAX_KEY_BYTES;
  }

  decode(bytes: Uint8Array, inputOffset: number, byteLength: number): string {
    let hash = 0x811c9dc5 ^ byteLength;
    for (let i = 0; i < byteLength; i++) hash = Math.imul(hash ^ bytes[inputOffset + i]!, 0x01000193);
    const mask = SLOT_COUNT - 1;
    const home = hash & mask;
    let slot = home;
    for (let probe = 0; probe < MAX_PROBES; probe++) {
      const known = this.#keys[slot];
      if (known === undefined) return this.#store(slot, bytes, inputOffset, byteLength);
      if (known.length === byteLength && sameBytes(known, bytes, inputOffset)) return this.#strings[slot]!;
      slot = (slot + 1) & mask;
    }
    return this.#store(home, bytes, inputOffset, byteLength);
  }

  #store(slot: number, bytes: Uint8Array, inputOffset: number, byteLength: number): string {
    // Copy: `bytes` is the decoder's input buffer, reused by the caller after this value.
    const key = bytes.slice(inputOffset, inputOffset + byteLength);
    const text = utf8.decode(key);
    this.#keys[slot] = key;
    this.#strings[slot] = text;
    return text;
  }
}

function sameBytes(known: Uint8Array, bytes: Uint8Array, inputOffset: number): boolean {
  for (let i = 0; i < known.length; i++) {
    if (known[i] !== bytes[inputOffset + i]) return false;
  }
  return true;
}
