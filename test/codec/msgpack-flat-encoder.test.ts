import fc from 'fast-check';
import { Encoder } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { createFlatMsgpackEncoder } from '../../src/codec/msgpack-flat-encoder.js';
import { createPayloadGenerator } from '../../src/workload/payload.js';
import { FC_PARAMS, featureValues, smallPayload } from './arbitraries.js';

/** The library's bytes are the reference (`library` below): the fast path must never change what is stored. */
const flat = createFlatMsgpackEncoder(16);
/** The fast path's bytes as a hex string (or null): string equality is quick where a deep compare of 600 KB arrays is not. */
const fast = (values: unknown) => {
  const bytes = flat.encode(values);
  return bytes === null ? null : Buffer.from(bytes).toString('hex');
};
const library = (values: unknown) => Buffer.from(new Encoder().encode(values)).toString('hex');

/** Every boundary of msgpack's integer, string, array and map headers, and the numbers that are not integers. */
const EDGE_NUMBERS = [
  0, -0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1,
  -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER - 1,
  0.5, -0.5, 1e300, -1e-300, Number.EPSILON, NaN, Infinity, -Infinity,
];

describe('the flat msgpack fast path writes exactly the library\'s bytes', () => {
  it('for generated feature bundles of every shape the payload generator makes', () => {
    for (const spec of [
      { floats: 50, ints: 8, strings: 2, embedding: 0 },
      { floats: 6, ints: 2, strings: 1, embedding: 768 },
      { floats: 0, ints: 0, strings: 0, embedding: 4 },
      { floats: 20, ints: 0, strings: 40, embedding: 0, stringLength: 300 },
    ]) {
      const generate = createPayloadGenerator(spec);
      for (let i = 0; i < 50; i++) {
        const values = generate(String(i), 'feats', 'v1');
        expect(fast(values), JSON.stringify(spec)).toEqual(library(values));
      }
    }
  });

  it('at every header boundary: integers, floats, string lengths, array and map sizes', () => {
    const numbers: Record<string, number> = {};
    EDGE_NUMBERS.forEach((n, i) => (numbers[`n${i}`] = n));
    expect(fast(numbers)).toEqual(library(numbers));
    for (const length of [0, 1, 31, 32, 255, 256, 65535, 65536]) {
      const values = { s: 'x'.repeat(length), a: Array.from({ length: Math.min(length, 70_000) }, (_, i) => i * 0.5) };
      expect(fast(values), `length ${length}`).toEqual(library(values));
    }
    for (const size of [0, 15, 16, 65535, 65536]) {
      const values = Object.fromEntries(Array.from({ length: size }, (_, i) => [`k${i}`, i]));
      expect(fast(values), `map of ${size}`).toEqual(library(values));
    }
    const scalars = { t: true, f: false, n: null, u: undefined, e: [], big: [1e300, -(2 ** 40), 3] };
    expect(fast(scalars)).toEqual(library(scalars));
  });

  it('for arbitrary feature maps (property test), where it takes them', () => {
    fc.assert(
      fc.property(featureValues, (values) => {
        const bytes = fast(values);
        if (bytes !== null) expect(bytes).toEqual(library(values));
      }),
      FC_PARAMS,
    );
  });

  it('declines what it does not write itself, so the library writes it whole', () => {
    for (const values of [
      { s: 'région' },
      { 'clé': 1 },
      { nested: { a: 1 } },
      { emb: new Float32Array([1, 2]) },
      { mixed: [1, 'a'] },
      { at: new Date(0) },
      [1, 2, 3],
      'text',
      new Map([['a', 1]]),
    ]) {
      expect(flat.encode(values), JSON.stringify(values)).toBeNull();
    }
    // Declining leaves nothing behind: the next flat value is right.
    expect(fast(smallPayload())).toBeNull(); // s1 is not ASCII
    const ascii = { ...smallPayload(), s1: 'region' };
    expect(fast(ascii)).toEqual(library(ascii));
  });
});

describe('encodeColumns: a row of file columns as the object a reader would build from it', () => {
  it("writes the library's bytes for rows held in typed arrays, bigints and string arrays", () => {
    const spec = { floats: 5, ints: 3, strings: 2, embedding: 4 };
    const generate = createPayloadGenerator(spec);
    const rows = Array.from({ length: 40 }, (_, i) => generate(String(i), 'feats', 'v1') as Record<string, unknown>);
    const keys = Object.keys(rows[0]!);
    // As a Parquet reader hands them over: DOUBLE as Float64Array, INT64 as BigInt64Array, a list as Float32Array rows.
    const columns = keys.map((key) => {
      const cells = rows.map((row) => row[key]);
      if (key.startsWith('f')) return Float64Array.from(cells as number[]);
      if (key.startsWith('i')) return BigInt64Array.from((cells as number[]).map((n) => BigInt(n)));
      if (key === 'emb') return cells.map((list) => Float32Array.from(list as number[]));
      return cells;
    });
    for (let row = 0; row < rows.length; row++) {
      const reader = Object.fromEntries(keys.map((key, c) => {
        const cell = columns[c]![row];
        return [key, typeof cell === 'bigint' ? Number(cell) : ArrayBuffer.isView(cell) ? Array.from(cell as Float32Array) : cell];
      }));
      expect(Buffer.from(flat.encodeColumns(keys, columns, row, 4)!).toString('hex')).toBe(library(reader));
    }
  });

  it('writes int32 and float64 columns (integral floats, negatives, extremes) as the library does, whatever the columns of the call before', () => {
    const keys = ['f0', 'f1', 'i0', 's0'];
    const f0 = Float64Array.from([0.5, 3, -7, 2 ** 40, -(2 ** 33), Number.NaN, Number.POSITIVE_INFINITY, 1e-300, -0]);
    const f1 = Float64Array.from([127, 128, 255, 65_535, 65_536, -32, -33, -129, 2 ** 53 + 2]);
    const i0 = Int32Array.from([0, -1, 2 ** 31 - 1, -(2 ** 31), 200, -200, 40_000, -40_000, 7]);
    const s0 = ['a', 'bb', 'x'.repeat(40), '', 'z', 'q', 'w', 'e', 'r'];
    const typed = [f0, f1, i0, s0];
    // The same keys over plain arrays in between: the column kinds follow the columns, not the keys.
    const plain = [Array.from(f0), Array.from(f1), Array.from(i0), s0];
    for (let row = 0; row < f0.length; row++) {
      for (const columns of [typed, plain, typed]) {
        const reader = { f0: f0[row], f1: f1[row], i0: i0[row], s0: s0[row] };
        expect(Buffer.from(flat.encodeColumns(keys, columns, row, 0)!).toString('hex')).toBe(library(reader));
      }
    }
  });

  it('returns null, for the checked path, on a null cell, a non-ASCII string or a list of another length', () => {
    const keys = ['f0', 's0', 'emb'];
    expect(flat.encodeColumns(keys, [[null], ['a'], [[1, 2]]], 0, 2)).toBeNull();
    expect(flat.encodeColumns(keys, [[1.5], ['café'], [[1, 2]]], 0, 2)).toBeNull();
    expect(flat.encodeColumns(keys, [[1.5], ['a'], [[1, 2, 3]]], 0, 2)).toBeNull();
    expect(flat.encodeColumns(keys, [[1.5], ['a'], [[1, 2]]], 0, 2)).not.toBeNull();
  });
});
