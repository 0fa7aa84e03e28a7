import { describe, expect, it } from 'vitest';
import { murmur3x86_32 } from '../../src/feast/murmur3.js';
import { featureField } from '../../src/feast/feature-view.js';
import { hex, vectors } from './vectors.js';

describe('murmur3x86_32', () => {
  it.each(vectors.murmur3Published.cases)('matches the reference vector for $text (seed $seed)', ({ text, seed, hash }) => {
    expect(murmur3x86_32(Buffer.from(text, 'utf8'), seed)).toBe(hash);
  });

  it('hashes every tail length (1..3 bytes past a block) as the reference does', () => {
    // The reference implementation's hashes of 'a'..'abcd' (seed 0): one block plus each tail length.
    expect(murmur3x86_32(Buffer.from('a'))).toBe(0x3c2569b2);
    expect(murmur3x86_32(Buffer.from('ab'))).toBe(0x9bbfd75f);
    expect(murmur3x86_32(Buffer.from('abc'))).toBe(0xb3dd93fa);
    expect(murmur3x86_32(Buffer.from('abcd'))).toBe(0x43ed676a);
  });
});

describe("Feast's hash field names", () => {
  it.each(vectors.fieldNames)('$text is the field Feast computes ($from)', ({ text, hex: expected }) => {
    const at = text.indexOf(':');
    expect(featureField(text.slice(0, at), text.slice(at + 1))).toEqual(hex(expected));
  });
});
