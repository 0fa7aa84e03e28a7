/** Distinct strings kept; feature-set names and snapshot versions in one run are few. */
const DEFAULT_CAPACITY = 16;

/**
 * Maps short UTF-8 byte ranges read from envelopes to strings, reusing the string (and keeping its
 * encoded bytes) for values seen before, so a cache hit allocates no header strings. Linear scan:
 * with a handful of entries it beats hashing the bytes.
 */
export class StringInterner {
  readonly #strings: string[] = [];
  readonly #bytes: Buffer[] = [];
  readonly #capacity: number;

  constructor(capacity: number = DEFAULT_CAPACITY) {
    this.#capacity = capacity;
  }

  /** The string held in `source[start, end)`. */
  decode(source: Buffer, start: number, end: number): string {
    const length = end - start;
    for (let i = 0; i < this.#bytes.length; i++) {
      const known = this.#bytes[i]!;
      if (known.length === length && sameBytes(known, source, start)) return this.#strings[i]!;
    }
    const text = source.toString('utf8', start, end);
    // Re-encode rather than copy: invalid UTF-8 maps to U+FFFD and must not match its own garbage later.
    this.#remember(text, Buffer.from(text, 'utf8'));
    return text;
  }

  /** Whether `source[start, end)` holds exactly the UTF-8 bytes of `text`. */
  equals(text: string, source: Buffer, start: number, end: number): boolean {
    const bytes = this.#bytesOf(text);
    return bytes.length === end - start && sameBytes(bytes, source, start);
  }

  #bytesOf(text: string): Buffer {
    for (let i = 0; i < this.#strings.length; i++) {
      if (this.#strings[i] === text) return this.#bytes[i]!;
    }
    const bytes = Buffer.from(text, 'utf8');
    this.#remember(text, bytes);
    return bytes;
  }

  #remember(text: string, bytes: Buffer): void {
    if (this.#strings.length >= this.#capacity) {
      // Oldest out: a run that cycles through more values than this only pays a decode per value.
      this.#strings.shift();
      this.#bytes.shift();
    }
    this.#strings.push(text);
    this.#bytes.push(bytes);
  }
}

/**
 * `known` equals `source[start, start + known.length)`. A loop, not Buffer.compare: names and
 * versions are a few bytes, and the native call's fixed cost was an eighth of a tensor decode.
 */
function sameBytes(known: Buffer, source: Buffer, start: number): boolean {
  for (let i = 0; i < known.length; i++) if (known[i] !== source[start + i]) return false;
  return true;
}
