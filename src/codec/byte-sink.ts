/**
 * A growing byte buffer that values are appended to: a batch of encoded values packed end to end,
 * posted (transferred) as one buffer with offsets instead of one Buffer per value.
 */
export interface ByteSink {
  /** Bytes [0, length) are written; the rest is room. */
  readonly buffer: Buffer;
  length: number;
  /** Makes room for `bytes` more after `length` (may replace `buffer`, keeping what is written). */
  reserve(bytes: number): void;
}

export class GrowableBytes implements ByteSink {
  buffer: Buffer;
  length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = GrowableBytes.allocate(initialBytes);
  }

  reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    const grown = GrowableBytes.allocate(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  /** Appends bytes written elsewhere (a value the packed path could not write in place). */
  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Hands over what is written (its own ArrayBuffer, so it can be transferred) and starts an empty buffer of `nextBytes`. */
  take(nextBytes = this.buffer.length): Uint8Array<ArrayBuffer> {
    // allocate() gives every buffer an ArrayBuffer of its own, never a SharedArrayBuffer.
    const written = new Uint8Array(this.buffer.buffer as ArrayBuffer, this.buffer.byteOffset, this.length);
    this.buffer = GrowableBytes.allocate(nextBytes);
    this.length = 0;
    return written;
  }

  /** A buffer with an ArrayBuffer of its own (never a slice of Node's shared pool): transferable. */
  private static allocate(bytes: number): Buffer {
    return Buffer.from(new ArrayBuffer(Math.max(1, bytes)));
  }
}
