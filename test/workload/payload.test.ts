import { describe, expect, it } from 'vitest';
import { FcbenchError } from '../../src/errors.js';
import { createPayloadGenerator, generatePayload, resolvePayloadSpec } from '../../src/workload/payload.js';
import type { PayloadSpec } from '../../src/workload/types.js';

const small: PayloadSpec = Object.freeze({ floats: 50, ints: 8, strings: 2, embedding: 0 });
const large: PayloadSpec = Object.freeze({ floats: 50, ints: 8, strings: 2, embedding: 768, stringLength: 20 });

function numbers(values: Record<string, unknown>, prefix: string): number[] {
  return Object.entries(values)
    .filter(([key]) => new RegExp(`^${prefix}\\d+$`).test(key))
    .map(([, value]) => value as number);
}

describe('generatePayload', () => {
  it('gives the same values for the same inputs (and a fresh object each time)', () => {
    const a = generatePayload(small, 'e:1', 'credit', 'v7');
    const b = generatePayload({ ...small }, 'e:1', 'credit', 'v7');
    expect(b).toEqual(a);
    expect(b).not.toBe(a);
    expect(JSON.stringify(createPayloadGenerator(small)('e:1', 'credit', 'v7'))).toBe(JSON.stringify(a));
  });

  it('has the spec keys and sizes in order, and no embedding when embedding is 0', () => {
    const values = generatePayload(small, '42', 'credit', 'v1');
    const keys = Object.keys(values);
    expect(keys).toHaveLength(60);
    expect(keys.slice(0, 3)).toEqual(['f0', 'f1', 'f2']);
    expect(keys.slice(50)).toEqual(['i0', 'i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7', 's0', 's1']);
    expect(values.emb).toBeUndefined();
    expect((values.s0 as string).length).toBe(12);
    expect(values.s0).toMatch(/^[a-z0-5]{12}$/);
    expect(numbers(values, 'i').every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
  });

  it('adds a float32 embedding of the asked dimension and honours stringLength', () => {
    const values = generatePayload(large, '42', 'credit', 'v1');
    const emb = values.emb as number[];
    expect(emb).toHaveLength(768);
    expect(emb.every((v) => Math.fround(v) === v && Math.abs(v) < 0.25)).toBe(true);
    expect(new Set(emb).size).toBeGreaterThan(700);
    expect((values.s1 as string).length).toBe(20);
  });

  it('changes the values when the version, entity or feature set changes', () => {
    const base = generatePayload(small, '42', 'credit', 'v7');
    for (const other of [
      generatePayload(small, '42', 'credit', 'v8'),
      generatePayload(small, '43', 'credit', 'v7'),
      generatePayload(small, '42', 'fraud', 'v7'),
      generatePayload(small, '42c', 'redit', 'v7'), // separators: ("42","credit") != ("42c","redit")
    ]) {
      const changed = numbers(base, 'f').filter((v, i) => v !== numbers(other, 'f')[i]).length;
      expect(changed).toBe(50);
      expect(JSON.stringify(other)).not.toBe(JSON.stringify(base));
    }
  });

  it('has realistic floats: mostly non-integers over several orders of magnitude, negatives included', () => {
    const floats = numbers(generatePayload(small, '7', 'credit', 'v1'), 'f');
    expect(floats.filter((v) => !Number.isInteger(v)).length).toBeGreaterThan(45);
    expect(floats.some((v) => v < 0)).toBe(true);
    expect(Math.max(...floats.map(Math.abs))).toBeGreaterThan(100);
    expect(Math.min(...floats.map(Math.abs))).toBeLessThan(1);
  });

  it('serialises to about the size of a real small feature vector (~1.4 KB JSON)', () => {
    const bytes = Buffer.byteLength(JSON.stringify(generatePayload(small, '123456', 'credit', 'v7')));
    expect(bytes).toBeGreaterThan(1000);
    expect(bytes).toBeLessThan(1800);
  });

  it('validates the spec without mutating it', () => {
    const spec: PayloadSpec = { floats: 1, ints: 0, strings: 1, embedding: 0 };
    expect(resolvePayloadSpec(spec)).toEqual({ floats: 1, ints: 0, strings: 1, embedding: 0, stringLength: 12, categorical: 0, cardinality: 16 });
    expect(spec).toEqual({ floats: 1, ints: 0, strings: 1, embedding: 0 });
    expect(() => generatePayload({ ...spec, floats: -1 }, 'a', 'b', 'c')).toThrow(FcbenchError);
    expect(() => generatePayload({ ...spec, embedding: 1.5 }, 'a', 'b', 'c')).toThrow(/payload.embedding/);
  });
});
