import { describe, expect, it } from 'vitest';
import { decodeTimestamp, decodeValue, encodeTimestamp, encodeValue, type FeastValueKind } from '../../src/feast/value-proto.js';
import { hex, vectors } from './vectors.js';

/** The JS value of a protoc text-format vector (the members fcbench writes and a few it only reads). */
const EXPECTED: Record<string, unknown> = {
  'double_val: 0.25': 0.25,
  'double_val: -1.5': -1.5,
  'int64_val: 42': 42,
  'int64_val: -3': -3,
  'int64_val: 1099511627776': 1099511627776,
  'int32_val: 1': 1,
  'float_val: 0.5': 0.5,
  'bool_val: true': true,
  'string_val: "alice"': 'alice',
  'float_list_val { val: [0.5, -0.25] }': [0.5, -0.25],
  'int64_list_val { val: [1, 2, 300] }': [1, 2, 300],
  'double_list_val { val: [1.5] }': [1.5],
  'string_list_val { val: ["a", "bc"] }': ['a', 'bc'],
  '': null,
};
const WRITTEN: Record<string, [FeastValueKind, unknown]> = {
  'double_val: 0.25': ['doubleVal', 0.25],
  'double_val: -1.5': ['doubleVal', -1.5],
  'int64_val: 42': ['int64Val', 42],
  'int64_val: -3': ['int64Val', -3],
  'int64_val: 1099511627776': ['int64Val', 1099511627776],
  'string_val: "alice"': ['stringVal', 'alice'],
  'float_list_val { val: [0.5, -0.25] }': ['floatListVal', [0.5, -0.25]],
};

describe('feast.types.Value bytes', () => {
  it.each(vectors.values)('decodes protoc\'s bytes of `$text`', ({ text, hex: bytes }) => {
    expect(text in EXPECTED).toBe(true);
    expect(decodeValue(hex(bytes))).toEqual(EXPECTED[text]);
  });

  it.each(vectors.values.filter((v) => v.text in WRITTEN))('encodes `$text` to exactly protoc\'s bytes', ({ text, hex: bytes }) => {
    const [kind, value] = WRITTEN[text]!;
    expect(encodeValue(kind, value)).toEqual(hex(bytes));
  });

  it('bytes that are not a Value throw (the layout counts them as decode errors)', () => {
    expect(() => decodeValue(Buffer.from([0x29, 0x01]))).toThrow();
  });
});

describe('google.protobuf.Timestamp bytes', () => {
  it('encodes whole seconds and milliseconds as protoc does', () => {
    const [whole, second, withNanos, zero] = vectors.timestamps;
    expect(encodeTimestamp(1613493908_000)).toEqual(hex(whole!.hex));
    expect(encodeTimestamp(1602435851_000)).toEqual(hex(second!.hex));
    expect(encodeTimestamp(1767323045_678)).toEqual(hex(withNanos!.hex));
    expect(encodeTimestamp(0)).toEqual(hex(zero!.hex));
  });

  it('decodes to wall-clock ms', () => {
    expect(decodeTimestamp(hex(vectors.timestamps[2]!.hex))).toBe(1767323045_678);
    expect(decodeTimestamp(hex(vectors.timestamps[3]!.hex))).toBe(0);
  });
});
