/**
 * A fast path for the shape feature values almost always have: one plain object of numbers and
 * strings, perhaps an embedding as an array of numbers. It writes the same bytes @msgpack/msgpack's
 * `Encoder` (default options) writes for that shape, but with map keys encoded once and cached, and
 * without the library's per-value type dispatch: 2-3x faster on a 60-feature bundle, which is most
 * of a warm job's CPU (bench/warm.ts) and of a miss's encode.
 *
 * Anything else (nested objects, typed arrays, booleans inside arrays, non-ASCII strings, Dates and
 * other extension types) returns null, and the caller uses the library for the whole value: the
 * bytes never depend on which path wrote them. test/codec/msgpack-flat-encoder.test.ts checks them
 * against the library's over generated and edge-case values.
 */

/** Room kept before the body for a map header (map 32: 5 bytes). */
const HEADER_SLOT = 5;

/** Map keys whose encoded form is kept; feature names repeat, so a few hundred cover every set. */
const MAX_CACHED_KEYS = 4096;

/** How `encodeColumns` reads a column. */
const COLUMN_F64 = 0;
const COLUMN_I32 = 1;
const COLUMN_ANY = 2;

export interface FlatMsgpackEncoder {
  /** The value's msgpack bytes as a view into a reused buffer (valid until the next call), or null when the value is not flat. */
  encode(values: unknown): Uint8Array | null;
  /**
   * Row `row` of column data, as `encode` writes the object `{ [keys[c]]: columns[c][row] }` a
   * file reader would build from it (bigints as numbers, a typed array as an array of numbers): the
   * same bytes without the object. Null when a cell is not of the flat shape (null, non-ASCII, a
   * list not of `listLength` numbers): the caller then takes the checked path, which says why.
   */
  encodeColumns(keys: readonly string[], columns: readonly ArrayLike<unknown>[], row: number, listLength: number): Uint8Array | null;
}

export function createFlatMsgpackEncoder(initialBytes = 2048): FlatMsgpackEncoder {
  let bytes = new Uint8Array(Math.max(initialBytes, HEADER_SLOT));
  let view = new DataView(bytes.buffer);
  let pos = 0;
  const keyCache = new Map<string, Uint8Array | null>();
  let columnKeys: readonly string[] | null = null;
  let columnKeyBytes: (Uint8Array | null)[] = [];
  let kindsOf: readonly ArrayLike<unknown>[] | null = null;
  let kinds = new Uint8Array(0);
  let fixedBound = 0;

  const ensure = (extra: number): void => {
    if (pos + extra <= bytes.length) return;
    const grown = new Uint8Array(Math.max(bytes.length * 2, pos + extra));
    grown.set(bytes.subarray(0, pos));
    bytes = grown;
    view = new DataView(bytes.buffer);
  };

  const writeNumber = (n: number): void => {
    ensure(9);
    if (Number.isSafeInteger(n)) {
      if (n >= 0) {
        if (n < 0x80) bytes[pos++] = n;
        else if (n < 0x100) {
          bytes[pos++] = 0xcc;
          bytes[pos++] = n;
        } else if (n < 0x10000) {
          bytes[pos++] = 0xcd;
          view.setUint16(pos, n);
          pos += 2;
        } else if (n < 0x100000000) {
          bytes[pos++] = 0xce;
          view.setUint32(pos, n);
          pos += 4;
        } else {
          bytes[pos++] = 0xcf;
          view.setUint32(pos, Math.floor(n / 0x100000000));
          view.setUint32(pos + 4, n >>> 0);
          pos += 8;
        }
      } else if (n >= -0x20) bytes[pos++] = 0xe0 | (n + 0x20);
      else if (n >= -0x80) {
        bytes[pos++] = 0xd0;
        view.setInt8(pos++, n);
      } else if (n >= -0x8000) {
        bytes[pos++] = 0xd1;
        view.setInt16(pos, n);
        pos += 2;
      } else if (n >= -0x80000000) {
        bytes[pos++] = 0xd2;
        view.setInt32(pos, n);
        pos += 4;
      } else {
        bytes[pos++] = 0xd3;
        view.setBigInt64(pos, BigInt(n));
        pos += 8;
      }
    } else {
      bytes[pos++] = 0xcb;
      view.setFloat64(pos, n);
      pos += 8;
    }
  };

  /** An ASCII string with its header; false (nothing kept) at the first non-ASCII character. */
  const writeAscii = (s: string): boolean => {
    const length = s.length;
    ensure(5 + length);
    const start = pos;
    if (length < 32) bytes[pos++] = 0xa0 + length;
    else if (length < 0x100) {
      bytes[pos++] = 0xd9;
      bytes[pos++] = length;
    } else if (length < 0x10000) {
      bytes[pos++] = 0xda;
      view.setUint16(pos, length);
      pos += 2;
    } else {
      bytes[pos++] = 0xdb;
      view.setUint32(pos, length);
      pos += 4;
    }
    for (let i = 0; i < length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        pos = start;
        return false;
      }
      bytes[pos++] = c;
    }
    return true;
  };

  const writeKey = (key: string): boolean => {
    let encoded = keyCache.get(key);
    if (encoded === undefined) {
      const start = pos;
      if (!writeAscii(key)) {
        if (keyCache.size < MAX_CACHED_KEYS) keyCache.set(key, null);
        return false;
      }
      if (keyCache.size < MAX_CACHED_KEYS) keyCache.set(key, bytes.slice(start, pos));
      return true;
    }
    if (encoded === null) return false;
    const length = encoded.length;
    ensure(length);
    // A loop, not bytes.set(): keys are a few bytes, below the native call's break-even.
    for (let i = 0; i < length; i++) bytes[pos++] = encoded[i]!;
    return true;
  };

  const writeHeader = (size: number, fix: number, of16: number): void => {
    ensure(5);
    if (size < 16) bytes[pos++] = fix + size;
    else if (size < 0x10000) {
      bytes[pos++] = of16;
      view.setUint16(pos, size);
      pos += 2;
    } else {
      bytes[pos++] = of16 + 1;
      view.setUint32(pos, size);
      pos += 4;
    }
  };

  /** One map value; false when it is not of the flat shape. */
  const writeValue = (value: unknown): boolean => {
    switch (typeof value) {
      case 'number':
        writeNumber(value);
        return true;
      case 'string':
        return writeAscii(value);
      case 'boolean':
        ensure(1);
        bytes[pos++] = value ? 0xc3 : 0xc2;
        return true;
      case 'undefined':
        ensure(1);
        bytes[pos++] = 0xc0;
        return true;
      case 'object': {
        if (value === null) {
          ensure(1);
          bytes[pos++] = 0xc0;
          return true;
        }
        if (!Array.isArray(value)) return false;
        writeHeader(value.length, 0x90, 0xdc);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (typeof item !== 'number') return false;
          writeNumber(item);
        }
        return true;
      }
      default:
        return false;
    }
  };

  /** A map header for `size` entries ending exactly at `end` (the body was written after a reserved slot). */
  const writeHeaderBefore = (end: number, size: number): number => {
    if (size < 16) {
      bytes[end - 1] = 0x80 + size;
      return end - 1;
    }
    if (size < 0x10000) {
      bytes[end - 3] = 0xde;
      view.setUint16(end - 2, size);
      return end - 3;
    }
    bytes[end - 5] = 0xdf;
    view.setUint32(end - 4, size);
    return end - 5;
  };

  return {
    encode(values) {
      if (typeof values !== 'object' || values === null || Object.getPrototypeOf(values) !== Object.prototype) return null;
      const record = values as Record<string, unknown>;
      // for-in over an object of one shape reads through V8's enum cache: no Object.keys array per
      // value, no keyed lookups. Its order is Object.keys' order (own string keys; a plain object's
      // prototype has no enumerable ones). The count is known only at the end, so the body starts
      // after room for the largest map header, which is then written just before it.
      pos = HEADER_SLOT;
      let size = 0;
      for (const key in record) {
        if (!writeKey(key) || !writeValue(record[key])) return null;
        size++;
      }
      return bytes.subarray(writeHeaderBefore(HEADER_SLOT, size), pos);
    },
    encodeColumns(keys, columns, row, listLength) {
      // The keys' bytes once per key list (a file's columns are the same for every row), not a
      // cache lookup per cell: that lookup was a third of this function's time.
      if (keys !== columnKeys) {
        columnKeyBytes = keys.map((key) => {
          pos = 0;
          return writeAscii(key) ? bytes.slice(0, pos) : null;
        });
        columnKeys = keys;
        kindsOf = null;
      }
      // Each column's kind once per column list (a row group): a float64 or int32 column is then
      // read at a load site that only ever sees that array type, where one site for every cell saw
      // them all and stayed megamorphic (half this function's time).
      if (columns !== kindsOf) {
        kinds = Uint8Array.from(columns, (column) => (column instanceof Float64Array ? COLUMN_F64 : column instanceof Int32Array ? COLUMN_I32 : COLUMN_ANY));
        kindsOf = columns;
        fixedBound = 0;
        for (let c = 0; c < keys.length; c++) fixedBound += (columnKeyBytes[c]?.length ?? 0) + (kinds[c] === COLUMN_ANY ? 0 : 9);
      }
      pos = HEADER_SLOT;
      // Room for every key and every number at its widest: only strings and lists can grow the buffer.
      ensure(fixedBound);
      // The buffer, its view and the position in locals, not the closure's slots: a context load
      // and store per byte was a third of this loop. Synced around the helpers that use the closure's.
      let out = bytes;
      let dv = view;
      let at = pos;
      for (let c = 0; c < keys.length; c++) {
        const key = columnKeyBytes[c];
        if (key === null || key === undefined) return null;
        for (let i = 0; i < key.length; i++) out[at++] = key[i]!;
        const kind = kinds[c];
        if (kind === COLUMN_F64) {
          const value = (columns[c] as Float64Array)[row]!;
          if (Number.isSafeInteger(value)) {
            pos = at;
            writeNumber(value);
            at = pos;
          } else {
            out[at] = 0xcb;
            dv.setFloat64(at + 1, value);
            at += 9;
          }
        } else if (kind === COLUMN_I32) {
          const value = (columns[c] as Int32Array)[row]!;
          if (value >= 0 && value < 0x80) out[at++] = value;
          else {
            pos = at;
            writeNumber(value);
            at = pos;
          }
        } else {
          pos = at;
          const value: unknown = columns[c]![row];
          if (typeof value === 'number') writeNumber(value);
          else if (typeof value === 'bigint') writeNumber(Number(value));
          else if (typeof value === 'string') {
            if (!writeAscii(value)) return null;
          } else if (!writeNumberList(value, listLength)) return null;
          at = pos;
          out = bytes;
          dv = view;
        }
      }
      pos = at;
      return bytes.subarray(writeHeaderBefore(HEADER_SLOT, keys.length), pos);
    },
  };

  /** An array or typed array of exactly `length` numbers, as an array; false for anything else. */
  function writeNumberList(value: unknown, length: number): boolean {
    if (!(Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView)))) return false;
    const list = value as ArrayLike<unknown>;
    if (list.length !== length) return false;
    writeHeader(length, 0x90, 0xdc);
    for (let i = 0; i < length; i++) {
      const item = list[i];
      if (typeof item === 'number') writeNumber(item);
      else if (typeof item === 'bigint') writeNumber(Number(item));
      else return false;
    }
    return true;
  }
}
